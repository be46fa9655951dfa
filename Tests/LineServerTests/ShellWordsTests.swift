import Testing

@testable import LineServer

/// The text form's words: split as a POSIX shell splits simple words, with no expansion.
@Suite struct ShellWordsTests {
  @Test func wordsAreSplitOnBlanksAndQuotesJoin() throws {
    #expect(try ShellWords.split("annotator guidelines ack -w bench") == ["annotator", "guidelines", "ack", "-w", "bench"])
    #expect(try ShellWords.split("  a \t b\r  ") == ["a", "b"])
    #expect(try ShellWords.split("a 'b c' \"d e\" f' 'g") == ["a", "b c", "d e", "f g"])
    #expect(try ShellWords.split("'' \"\" x") == ["", "", "x"])
    #expect(try ShellWords.split("") == [])
  }

  @Test func escapesFollowTheShell() throws {
    // Outside quotes a backslash keeps the next character; inside double quotes only \" \\ \$ \`
    // are escapes; inside single quotes nothing is.
    #expect(try ShellWords.split(#"a\ b c\\d"#) == ["a b", #"c\d"#])
    #expect(try ShellWords.split(#""x \" \\ \$ \` \n""#) == [#"x " \ $ ` \n"#])
    #expect(try ShellWords.split(#"'\n \'"#) == [#"\n \"#])
    #expect(try ShellWords.split("$HOME * ~") == ["$HOME", "*", "~"])
  }

  @Test func textBeyondASCIIStaysWhole() throws {
    #expect(try ShellWords.split("étiquette 'chat noir' 猫 e\u{301}\\ x") == ["étiquette", "chat noir", "猫", "e\u{301} x"])
    #expect(try ShellWords.split("\"🙂 ok\" \\🙂") == ["🙂 ok", "🙂"])
  }

  @Test func unterminatedQuotesAndALoneBackslashAreErrors() {
    #expect(throws: ShellWords.Unterminated.self) { try ShellWords.split("a 'b") }
    #expect(throws: ShellWords.Unterminated.self) { try ShellWords.split("a \"b") }
    #expect(throws: ShellWords.Unterminated.self) { try ShellWords.split("a \"b\\") }
    #expect(throws: ShellWords.Unterminated.self) { try ShellWords.split("a b\\") }
    do {
      _ = try ShellWords.split("x 'y")
      Issue.record("no error")
    } catch {
      #expect(error.message == "unterminated ' quote; close it or escape it with a backslash")
    }
  }
}
