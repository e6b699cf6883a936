import Foundation
import Testing
import LindynModels
import LindynReport
@testable import LindynValidation

/// A fresh temporary directory for one test.
func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-validation-tests-\(name)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The repository root (for the shipped grid files).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A built-in grid by name.
func builtinGrid(_ name: String) throws -> ValidationGrid {
    guard let text = BuiltinGrids.files.first(where: { $0.name == name })?.text else {
        throw ProblemFileError(field: "grid", message: "no built-in grid \(name)")
    }
    return try ValidationGrid.parse(InputJSON.parse(text), defaultName: name)
}

/// A grid from JSON text.
func grid(_ text: String, name: String = "test") throws -> ValidationGrid {
    try ValidationGrid.parse(InputJSON.parse(text), defaultName: name)
}

/// Text of a table in CSV without the wall-time column (which differs from run to run).
func csvWithoutTimes(_ url: URL) throws -> String {
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let header = lines.first else { return text }
    let names = header.split(separator: ",").map(String.init)
    guard let k = names.firstIndex(of: "seconds"), k == names.count - 1 else { return text }
    // `seconds` is the last column and never quoted: drop the last field of every line.
    lines = lines.map { line in line.isEmpty ? line : String(line[..<(line.lastIndex(of: ",") ?? line.endIndex)]) }
    return lines.joined(separator: "\n")
}

extension PointResult {
    /// The error rows of one method.
    func rows(_ method: String) -> [[Cell]] {
        errorRows.filter { $0[ErrorTable.index("method")] == .text(method) }
    }
}

func cell(_ row: [Cell], _ name: String) -> Cell { row[ErrorTable.index(name)] }
func number(_ row: [Cell], _ name: String) -> Double? { cell(row, name).doubleValue }
