import Foundation

/// A growing UTF-8 buffer for writers of large texts (journal lines, tables): appending bytes to
/// an array costs a copy, where appending to a `String` also checks and updates the string's
/// count and flags on every call, which dominated the writing of tables of thousands of rows.
///
/// The pieces are the same as ``JSONValue``'s serialization: ``appendJSONString(_:)`` escapes as
/// ``JSONValue/serialized(_:)`` does and ``appendShortest(_:)`` prints a double as
/// ``JSONValue/number(_:)`` does, so a writer built on them gives byte-identical text.
package struct ByteText {
    /// The bytes written so far.
    package var bytes: [UInt8] = []

    /// An empty buffer with room for `capacity` bytes.
    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// The bytes written, as a string.
    package var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The number of bytes written.
    package var count: Int { bytes.count }

    /// Appends the UTF-8 of `text`.
    @inline(__always)
    package mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends the UTF-8 of `text`.
    @inline(__always)
    package mutating func append(_ text: Substring) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends one byte.
    @inline(__always)
    package mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Appends raw bytes.
    @inline(__always)
    package mutating func append(bytes other: some Collection<UInt8>) { bytes.append(contentsOf: other) }

    /// Appends `n` copies of `byte`.
    package mutating func append(repeating byte: UInt8, count n: Int) {
        guard n > 0 else { return }
        // From a filled block (one copy) rather than a `Repeated` sequence, which appends byte by
        // byte; the padding of wide Markdown tables is most of their bytes.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: min(n, 256)) { block in
            block.initialize(repeating: byte)
            var left = n
            while left > 0 {
                let chunk = min(left, block.count)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: block[..<chunk]))
                left -= chunk
            }
        }
    }

    /// Appends `value` in decimal, as `String(value)`.
    package mutating func appendInteger(_ value: Int) {
        if value >= 0, value < 10 {
            bytes.append(UInt8(48 + value))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var k = raw.count
            while magnitude > 0 {
                k -= 1
                raw[k] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            }
            if value < 0 {
                k -= 1
                raw[k] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[k...]))
        }
    }

    /// Appends the shortest decimal text that reads back as exactly `value` (Swift's
    /// `description`, as ``JSONValue/number(_:)`` prints it). `value` must be finite for JSON.
    @inline(__always)
    package mutating func appendShortest(_ value: Double) {
        append(value.description)
    }

    /// Appends `text` as a JSON string literal, escaped exactly as ``JSONValue/serialized(_:)``
    /// escapes it.
    package mutating func appendJSONString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for k in 0..<utf8.count {
                let byte = utf8[k]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if k > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k])) }
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case UInt8(ascii: "\n"): append("\\n")
                case UInt8(ascii: "\r"): append("\\r")
                case UInt8(ascii: "\t"): append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    let hex = String(byte, radix: 16)
                    append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                }
                runStart = k + 1
            }
            if utf8.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
