import Foundation

/// A JSON document with a deterministic serialization.
///
/// Objects keep their keys in insertion order, so the same value always prints the same bytes.
/// Numbers come in two kinds so that counts stay exact and floating-point values keep their kind
/// through a round trip:
/// - ``integer(_:)`` prints without a decimal point (`40`);
/// - ``number(_:)`` prints the shortest decimal string that reads back as the same `Double`
///   bit for bit (Swift's `description`: `0.1`, `40.0`, `1e-07`, `5e-324`), so it always has a
///   decimal point or an exponent and parses back as a ``number(_:)``.
///
/// JSON has no NaN or infinity: a non-finite ``number(_:)`` is written as `null`. Callers that need
/// to keep such values must encode them otherwise (``RowJournal`` does).
///
/// Reading the output back: `JSONDecoder` and `JSONValue.parse` recover every double exactly. On Linux,
/// `JSONSerialization` returns long numbers as `NSDecimalNumber`, whose `doubleValue` can be one
/// ulp off; convert its `stringValue` with `Double(_:)` instead.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without fraction or exponent, kept exact.
    case integer(Int)
    /// A floating-point number (written as `null` when not finite).
    case number(Double)
    /// A string (escaped as RFC 8259 requires).
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, keys in insertion order.
    case object(JSONObject)

    /// How ``JSONValue/serialized(_:)`` lays out the text.
    public enum Layout: Sendable, Hashable {
        /// One line, no spaces: `{"a":[1,2]}`.
        case compact
        /// Two-space indentation; arrays holding only scalars stay on one line (`[1, 2.5, null]`),
        /// so each row of a table is one line.
        case pretty
    }

    /// The JSON text of this value, with no trailing newline.
    public func serialized(_ layout: Layout = .compact) -> String {
        var out = ""
        _write(into: &out, layout: layout, indent: 0)
        return out
    }

    /// The value of `key` when this is an object, else `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The numeric value of ``integer(_:)`` or ``number(_:)``, else `nil`.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// The string of ``string(_:)``, else `nil`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements of ``array(_:)``, else `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Parses one JSON document (RFC 8259). Key order of objects is kept; a duplicate key keeps
    /// its last value, or is refused when `rejectingDuplicateKeys` (input files, where a repeated
    /// field is a mistake to report). Numbers with a fraction or exponent, or too large for
    /// `Int`, become ``number(_:)``; the others become ``integer(_:)``.
    /// - Throws: ``ReportError/invalidJSON(offset:expected:)`` naming the byte offset.
    public static func parse(_ text: String, rejectingDuplicateKeys: Bool = false) throws(ReportError) -> JSONValue {
        var parser = _JSONParser(bytes: Array(text.utf8))
        parser.rejectsDuplicateKeys = rejectingDuplicateKeys
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else {
            throw ReportError.invalidJSON(offset: parser.index, expected: "end of input")
        }
        return value
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `nil` as ``null``.
    public init(nilLiteral: ()) { self = .null }
    /// A Boolean literal as ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal as ``integer(_:)``.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A floating-point literal as ``number(_:)``.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string literal as ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal as ``array(_:)``.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal as ``object(_:)``, keys in the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

/// A JSON object: string keys in insertion order.
///
/// Setting an existing key replaces its value in place; setting a new key appends it; setting
/// `nil` removes the key.
public struct JSONObject: Sendable, Hashable, ExpressibleByDictionaryLiteral, RandomAccessCollection {
    /// The keys, in insertion order.
    public private(set) var keys: [String] = []
    private var values: [String: JSONValue] = [:]

    /// An empty object.
    public init() {}

    /// An object with `pairs` in order; a repeated key keeps its first position and last value.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        for (key, value) in pairs { self[key] = value }
    }

    /// An object from a literal, keys in the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// The value of `key`; setting replaces it in place, appends a new key, or removes the key
    /// when set to `nil`.
    public subscript(key: String) -> JSONValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Appends or replaces the members of `other`, in `other`'s order.
    public mutating func merge(_ other: JSONObject) {
        for (key, value) in other { self[key] = value }
    }

    /// The position of the first member.
    public var startIndex: Int { keys.startIndex }
    /// The position past the last member.
    public var endIndex: Int { keys.endIndex }
    /// The member at `position`, in insertion order.
    public subscript(position: Int) -> (key: String, value: JSONValue) {
        let key = keys[position]
        return (key, values[key]!)
    }

    /// Equal when the keys are in the same order with equal values.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    /// Hashes the keys in order and their values.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(keys)
        for key in keys { hasher.combine(values[key]) }
    }
}

// MARK: - Serialization

extension JSONValue {
    /// The shortest decimal text that reads back as exactly `value` (finite values only).
    static func _shortestDecimal(_ value: Double) -> String {
        precondition(value.isFinite, "non-finite values have no JSON number form")
        return value.description
    }

    private var _isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    func _write(into out: inout String, layout: Layout, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .integer(let value): out += String(value)
        case .number(let value): out += value.isFinite ? JSONValue._shortestDecimal(value) : "null"
        case .string(let value): JSONValue._writeString(value, into: &out)
        case .array(let elements):
            if elements.isEmpty {
                out += "[]"
            } else if layout == .compact || elements.allSatisfy(\._isScalar) {
                out += "["
                for (i, element) in elements.enumerated() {
                    if i > 0 { out += layout == .compact ? "," : ", " }
                    element._write(into: &out, layout: layout, indent: indent)
                }
                out += "]"
            } else {
                out += "[\n"
                for (i, element) in elements.enumerated() {
                    out += String(repeating: "  ", count: indent + 1)
                    element._write(into: &out, layout: layout, indent: indent + 1)
                    out += i + 1 < elements.count ? ",\n" : "\n"
                }
                out += String(repeating: "  ", count: indent) + "]"
            }
        case .object(let object):
            if object.isEmpty {
                out += "{}"
            } else if layout == .compact {
                out += "{"
                for (i, member) in object.enumerated() {
                    if i > 0 { out += "," }
                    JSONValue._writeString(member.key, into: &out)
                    out += ":"
                    member.value._write(into: &out, layout: layout, indent: indent)
                }
                out += "}"
            } else {
                out += "{\n"
                for (i, member) in object.enumerated() {
                    out += String(repeating: "  ", count: indent + 1)
                    JSONValue._writeString(member.key, into: &out)
                    out += ": "
                    member.value._write(into: &out, layout: layout, indent: indent + 1)
                    out += i + 1 < object.count ? ",\n" : "\n"
                }
                out += String(repeating: "  ", count: indent) + "}"
            }
        }
    }

    static func _writeString(_ string: String, into out: inout String) {
        out += "\""
        // Copy runs that need no escape whole: keys and most values have none.
        let utf8 = string.utf8
        var runStart = utf8.startIndex
        var index = runStart
        while index != utf8.endIndex {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                utf8.formIndex(after: &index)
                continue
            }
            out += string[runStart..<index]
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\n"): out += "\\n"
            case UInt8(ascii: "\r"): out += "\\r"
            case UInt8(ascii: "\t"): out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            default:
                let hex = String(byte, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            utf8.formIndex(after: &index)
            runStart = index
        }
        out += string[runStart..<utf8.endIndex]
        out += "\""
    }
}

// MARK: - Parsing

struct _JSONParser {
    let bytes: [UInt8]
    var index = 0
    var rejectsDuplicateKeys = false
    static let maximumDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private func fail(_ expected: String) -> ReportError {
        .invalidJSON(offset: index, expected: expected)
    }

    private mutating func expect(_ literal: String, value: JSONValue) throws(ReportError) -> JSONValue {
        let utf8 = Array(literal.utf8)
        guard bytes.count - index >= utf8.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
            throw fail("'\(literal)'")
        }
        index += utf8.count
        return value
    }

    mutating func parseValue(depth: Int) throws(ReportError) -> JSONValue {
        guard depth < _JSONParser.maximumDepth else { throw fail("less deeply nested input") }
        guard index < bytes.count else { throw fail("a value") }
        switch bytes[index] {
        case UInt8(ascii: "n"): return try expect("null", value: .null)
        case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
        case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "["):
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw fail("',' or ']'") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                throw fail("',' or ']'")
            }
        case UInt8(ascii: "{"):
            index += 1
            var object = JSONObject()
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw fail("a string key")
                }
                let keyStart = index
                let key = try parseString()
                if rejectsDuplicateKeys, object[key] != nil {
                    index = keyStart
                    throw fail("a key not already in this object ('\(key)' appears twice)")
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("':'") }
                index += 1
                skipWhitespace()
                object[key] = try parseValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw fail("',' or '}'") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
                throw fail("',' or '}'")
            }
        default:
            return try parseNumber()
        }
    }

    private mutating func parseNumber() throws(ReportError) -> JSONValue {
        let start = index
        var isInteger = true
        func digits(_ parser: inout _JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index])
            {
                parser.index += 1
            }
            return parser.index - from
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        let intDigits = digits(&self)
        guard intDigits > 0 else { index = start; throw fail("a value") }
        if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") {
            index = intStart
            throw fail("no leading zero")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard digits(&self) > 0 else { throw fail("a digit after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits(&self) > 0 else { throw fail("a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .integer(value) }
        guard let value = Double(text), value.isFinite else {
            index = start
            throw fail("a number within the range of Double")
        }
        return .number(value)
    }

    private mutating func parseString() throws(ReportError) -> String {
        index += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ parser: _JSONParser, upTo end: Int, into scalars: inout String.UnicodeScalarView) {
            if end > runStart {
                scalars.append(contentsOf: String(decoding: parser.bytes[runStart..<end], as: UTF8.self).unicodeScalars)
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if scalars.isEmpty {
                    // No escape in the string: decode the bytes once.
                    let text = String(decoding: bytes[runStart..<index], as: UTF8.self)
                    index += 1
                    return text
                }
                flush(self, upTo: index, into: &scalars)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw fail("an escaped control character") }
            if byte != UInt8(ascii: "\\") { index += 1; continue }
            flush(self, upTo: index, into: &scalars)
            index += 1
            guard index < bytes.count else { throw fail("an escape sequence") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    else { throw fail("a low surrogate") }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("a low surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("a valid code point") }
                scalars.append(scalar)
            default:
                index -= 1
                throw fail("a valid escape character")
            }
            runStart = index
        }
        throw fail("a closing '\"'")
    }

    private mutating func parseHex4() throws(ReportError) -> UInt32 {
        guard bytes.count - index >= 4,
            bytes[index..<index + 4].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw fail("four hexadecimal digits") }
        index += 4
        return value
    }
}
