import Foundation

/// The errors of the report module: file system failures and unreadable input.
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file operation failed; `reason` is the system's message.
    case fileOperation(path: String, operation: String, reason: String)
    /// The text is not valid JSON at byte `offset`.
    case invalidJSON(offset: Int, expected: String)
    /// A row journal line (1-based) could not be read.
    case invalidJournal(path: String, line: Int, reason: String)
    /// An existing row journal was written for other columns than the ones asked for.
    case journalColumnsMismatch(path: String, expected: [String], found: [String])
    /// An input is larger than the documented limit (in bytes).
    case inputTooLarge(path: String, limit: Int)

    /// One sentence naming the file or input and what went wrong.
    public var description: String {
        switch self {
        case .fileOperation(let path, let operation, let reason):
            return "Could not \(operation) '\(path)': \(reason)."
        case .invalidJSON(let offset, let expected):
            return "Invalid JSON at byte \(offset): expected \(expected)."
        case .invalidJournal(let path, let line, let reason):
            return "The row journal '\(path)' is unreadable at line \(line): \(reason)."
        case .journalColumnsMismatch(let path, let expected, let found):
            return "The row journal '\(path)' has columns \(found), not \(expected); "
                + "remove it or choose another output directory to start afresh."
        case .inputTooLarge(let path, let limit):
            return "'\(path)' is larger than \(limit >> 20) MiB, the limit for an input file; split it or pass a smaller one."
        }
    }
}
