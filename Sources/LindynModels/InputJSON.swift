import Foundation
import LindynIntegrator
import LindynReport

/// A JSON document as read from a problem, check or grid file: objects keep their key order
/// (observables and parameters are listed in the order written), and every access says which
/// field it reads so errors can name it.
package indirect enum InputJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([InputJSON])
    case object([(String, InputJSON)])

    package static func == (lhs: InputJSON, rhs: InputJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// A short name of the value's type, for error messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    /// The value of `key` in an object (nil when absent or not an object).
    package subscript(key: String) -> InputJSON? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    package var objectPairs: [(String, InputJSON)]? {
        if case let .object(p) = self { return p }
        return nil
    }

    package var keys: [String] { objectPairs?.map(\.0) ?? [] }

    /// Returns a copy with the value at a dotted path (`model.s`, `model.dropout.keep`,
    /// `solver.epsrel`) replaced, creating intermediate objects as needed. A path through a list
    /// may use an index (`model.initial.0`).
    package func setting(_ path: [String], to value: InputJSON) throws(ProblemFileError) -> InputJSON {
        guard let head = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var pairs):
            if let i = pairs.firstIndex(where: { $0.0 == head }) {
                pairs[i].1 = try pairs[i].1.setting(rest, to: value)
            } else {
                pairs.append((head, try InputJSON.object([]).setting(rest, to: value)))
            }
            return .object(pairs)
        case .array(var items):
            guard let i = Int(head), items.indices.contains(i) else {
                throw ProblemFileError(field: head, message: "index \(head) is not in the list of \(items.count) items")
            }
            items[i] = try items[i].setting(rest, to: value)
            return .array(items)
        case .null:
            return try InputJSON.object([]).setting(path, to: value)
        default:
            throw ProblemFileError(field: head, message: "cannot set a field inside \(typeName)")
        }
    }

    /// The value at a dotted path, if present.
    package func value(at path: [String]) -> InputJSON? {
        var node: InputJSON? = self
        for key in path {
            if case let .array(items)? = node, let i = Int(key), items.indices.contains(i) {
                node = items[i]
            } else {
                node = node?[key]
            }
        }
        return node
    }
}

// MARK: - Parsing

extension InputJSON {
    /// Parses JSON text with the project's one JSON reader (`LindynReport.JSONValue`), refusing
    /// repeated keys. Errors give the line and column and what was expected.
    package static func parse(_ text: String) throws(ProblemFileError) -> InputJSON {
        do {
            return InputJSON(try JSONValue.parse(text, rejectingDuplicateKeys: true))
        } catch {
            guard case let .invalidJSON(offset, expected) = error else {
                throw ProblemFileError(field: "file", message: "\(error)")
            }
            let bytes = Array(text.utf8)
            var line = 1, column = 1
            for b in bytes[0..<min(offset, bytes.count)] {
                if b == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
            }
            let found = offset < bytes.count ? "'\(Character(Unicode.Scalar(bytes[offset])))'" : "the end of the file"
            throw ProblemFileError(field: "file", message: "malformed JSON at line \(line), column \(column): expected \(expected), found \(found)")
        }
    }

    package static func parse(contentsOf url: URL) throws(ProblemFileError) -> InputJSON {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ProblemFileError(field: "file", message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProblemFileError(field: "file", message: "\(url.path) is not UTF-8 text")
        }
        return try parse(text)
    }

    /// The input view of a parsed JSON value: integers become numbers.
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .integer(let i): self = .number(Double(i))
        case .number(let x): self = .number(x)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(InputJSON.init))
        case .object(let object): self = .object(object.map { ($0.key, InputJSON($0.value)) })
        }
    }
}

// MARK: - Typed access with field names

/// An input file refused: an `InputError` naming the field at fault as a dotted path into the
/// file (`model.dropout.keep`, `time.end`), or `file` for the file as a whole, and what is
/// expected instead. Maps to exit code 65.
public typealias ProblemFileError = InputError

/// A field of an input file with its path, for typed reads that name the field on error.
package struct Field: Sendable {
    package let path: String
    package let value: InputJSON?

    package init(_ path: String, _ value: InputJSON?) {
        self.path = path
        self.value = value
    }

    package var isPresent: Bool {
        if case .some(.null) = value { return false }
        return value != nil
    }

    package subscript(key: String) -> Field {
        Field(path.isEmpty ? key : path + "." + key, value?[key])
    }

    package func error(_ message: String) -> ProblemFileError { ProblemFileError(field: path, message: message) }

    func missing(_ what: String) -> ProblemFileError { error("is required: give \(what)") }

    package func double(_ what: String = "a number") throws(ProblemFileError) -> Double {
        guard let value, isPresent else { throw missing(what) }
        guard case let .number(x) = value else { throw error("expected \(what), got \(value.typeName)") }
        return x
    }

    package func double(default d: Double, _ what: String = "a number") throws(ProblemFileError) -> Double {
        isPresent ? try double(what) : d
    }

    /// A positive finite number, or `d` when absent.
    package func positive(default d: Double) throws(ProblemFileError) -> Double {
        let x = try double(default: d)
        guard x.isFinite, x > 0 else { throw error("must be a positive number, got \(x)") }
        return x
    }

    package func int(_ what: String = "a whole number") throws(ProblemFileError) -> Int {
        let x = try double(what)
        guard x == x.rounded(), abs(x) < 1e15 else { throw error("expected \(what), got \(x)") }
        return Int(x)
    }

    package func int(default d: Int, _ what: String = "a whole number") throws(ProblemFileError) -> Int {
        isPresent ? try int(what) : d
    }

    package func bool(default d: Bool) throws(ProblemFileError) -> Bool {
        guard isPresent, let value else { return d }
        guard case let .bool(b) = value else { throw error("expected true or false, got \(value.typeName)") }
        return b
    }

    package func string(_ what: String = "a string") throws(ProblemFileError) -> String {
        guard let value, isPresent else { throw missing(what) }
        guard case let .string(s) = value else { throw error("expected \(what), got \(value.typeName)") }
        return s
    }

    package func items(_ what: String = "a list") throws(ProblemFileError) -> [Field] {
        guard let value, isPresent else { throw missing(what) }
        guard case let .array(items) = value else { throw error("expected \(what), got \(value.typeName)") }
        return items.enumerated().map { Field("\(path)[\($0.offset)]", $0.element) }
    }

    package func doubles(_ what: String = "a list of numbers") throws(ProblemFileError) -> [Double] {
        var out: [Double] = []
        for item in try items(what) { out.append(try item.double("a number")) }
        return out
    }

    package func strings(_ what: String = "a list of strings") throws(ProblemFileError) -> [String] {
        var out: [String] = []
        for item in try items(what) { out.append(try item.string("a string")) }
        return out
    }

    /// The key-value pairs of an object, in file order.
    package func pairs(_ what: String = "an object") throws(ProblemFileError) -> [(String, Field)] {
        guard let value, isPresent else { throw missing(what) }
        guard case let .object(pairs) = value else { throw error("expected \(what), got \(value.typeName)") }
        return pairs.map { ($0.0, Field(path.isEmpty ? $0.0 : path + "." + $0.0, $0.1)) }
    }

    /// Refuses keys other than `allowed`, naming the unknown one and the accepted ones, so a
    /// misspelt field is not silently ignored.
    /// Refuses a field that is present but not an object (`"solver": 3`), and any key of the
    /// object that is not in `allowed`; an absent field (or `null`) passes.
    package func onlyKeys(_ allowed: [String]) throws(ProblemFileError) {
        guard isPresent, let value else { return }
        guard case let .object(pairs) = value else {
            throw error("expected an object with the fields \(allowed.joined(separator: ", ")), got \(value.typeName)")
        }
        for (key, _) in pairs where !allowed.contains(key) {
            throw ProblemFileError(
                field: path.isEmpty ? key : path + "." + key,
                message: "unknown field; expected one of: \(allowed.joined(separator: ", "))")
        }
    }
}
