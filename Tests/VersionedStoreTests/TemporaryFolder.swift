import Foundation

/// A fresh folder under the system's temp directory, for one test.
func makeTemporaryFolder(_ label: String = "mlw-test") -> String {
  var template = Array((NSTemporaryDirectory() + "/\(label)-XXXXXX").utf8CString)
  let path = template.withUnsafeMutableBufferPointer { buffer in String(cString: mkdtemp(buffer.baseAddress!)!) }
  return path
}

func writeText(_ text: String, to path: String) throws {
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

func readText(_ path: String) throws -> String {
  String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
}
