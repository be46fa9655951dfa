/// Text people write into records (messages, reasons, notes): lines and tabs, never a terminal
/// control sequence, which would run on whoever reads `log`, `show` or `lineage` later.
public enum PlainText {
  /// Refuses `text` when it holds a control character other than a line break or a tab.
  public static func check(_ text: String, what: String) throws {
    if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) {
      throw LifecycleError.invalidValue(what: what, reason: "it holds a control character; give plain text (lines and tabs are fine)")
    }
  }
}
