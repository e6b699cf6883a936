import Foundation
import Testing
@testable import LindynReport

/// The byte writers of CSV, Markdown and JSON give exactly the text of the definitions they
/// replace (kept here as references: cell texts joined as strings, JSON through `JSONValue`).
@Suite("Table writers in bytes")
struct TableBytesTests {
    /// Tables with every kind of cell and the texts that need escaping or have a width other than
    /// their byte count.
    static func tables() -> [Table] {
        var generator = SystemRandomNumberGenerator()
        let texts = ["plain", "a|b", "line\nbreak", "cr\rlf\r\nend", "comma, \"quoted\"", "λ = 0.5", "e\u{301}", "🙂 wide", "", " padded ", "tab\tx", "\\back"]
        var out: [Table] = []
        for shape in 0..<6 {
            var columns: [Table.Column] = [
                Table.Column("x", unit: shape % 2 == 0 ? "s" : nil, description: "a number"), "n", "label", Table.Column("flag", unit: "λ|u"), "mixed", "empty",
            ]
            if shape == 5 { columns = ["only"] }
            var table = Table(columns: columns, title: shape % 3 == 0 ? "Title | with pipe" : nil, caption: shape % 2 == 1 ? "Caption\nwith λ" : nil)
            let count = shape == 4 ? 0 : 40
            for k in 0..<count {
                if shape == 5 {
                    table.append([k % 3 == 0 ? .missing : .integer(k)])
                    continue
                }
                let magnitude = pow(10, Double(Int.random(in: -320...300, using: &generator)))
                let specials: [Double] = [.nan, .infinity, -.infinity, -0.0, 0, .leastNonzeroMagnitude, 1e21, 123456.5, 0.1 + 0.2, 1234567]
                let x = k < specials.count ? specials[k] : Double.random(in: -1...1, using: &generator) * magnitude
                let mixed: Cell = [.number(x), .integer(k), .text(texts[k % texts.count]), .bool(k % 2 == 0), .missing][k % 5]
                table.append([.number(x), .integer(k % 4 == 0 ? -k * 1_000_003 : k), .text(texts[k % texts.count]), .bool(k % 3 == 0), mixed, .missing])
            }
            out.append(table)
        }
        return out
    }

    @Test func csvIsTheReferenceText() {
        for table in Self.tables() { #expect(table.csv() == table.referenceCSV()) }
    }

    @Test func markdownIsTheReferenceText() {
        for table in Self.tables() {
            for digits in [1, 3, 6, 17] { #expect(table.markdown(significantDigits: digits) == table.referenceMarkdown(significantDigits: digits)) }
        }
    }

    @Test func jsonIsTheSerializedValue() {
        for table in Self.tables() {
            #expect(table.rendered(as: .json) == table.json() + "\n")
            #expect(table.renderedBytes(as: .json) == Array((table.json() + "\n").utf8))
        }
    }

    /// The numbers' texts made once (``TableNumberTexts``) give every format the same bytes as
    /// converting each number in the writer; the Markdown through rounding those digits.
    @Test func sharedNumberTextsChangeNothing() {
        for table in Self.tables() {
            let numbers = table.numberTexts()
            for format in TableFormat.allCases {
                #expect(table.renderedBytes(as: format, numbers: numbers) == table.renderedBytes(as: format), "\(format)")
            }
            #expect(table._markdownBytes(significantDigits: 6, numbers: numbers).bytes == Array(table.referenceMarkdown(significantDigits: 6).utf8))
        }
    }

    @Test func bytesAreTheRenderedText() {
        for table in Self.tables() {
            for format in TableFormat.allCases { #expect(table.renderedBytes(as: format) == Array(table.rendered(as: format).utf8), "\(format)") }
        }
    }

    @Test func integersPrintAsStringDoes() {
        var out = ByteText()
        let values = [0, 1, 9, 10, -1, -9, -10, 42, 1_000_000, Int.max, Int.min, -123_456_789]
        for v in values {
            out.appendInteger(v)
            out.append(byte: UInt8(ascii: " "))
        }
        #expect(out.string == values.map { String($0) + " " }.joined())
    }

    @Test func jsonStringsEscapeAsTheSerializer() {
        for text in ["", "plain", "q\"b\\s", "\u{0}\u{1}\u{1f}\n\r\t\u{8}\u{c}", "λ 🙂", "end\""] {
            var out = ByteText()
            out.appendJSONString(text)
            #expect(out.string == JSONValue.string(text).serialized())
        }
    }
}

extension Table {
    func referenceCSV() -> String {
        var out = columns.map { Table._csvField($0.name) }.joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { Table._csvField(Table._csvText($0)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    func referenceMarkdown(significantDigits: Int = 6) -> String {
        func escape(_ text: String) -> String {
            // Most cells are numbers: return them untouched without a search per pattern.
            guard text.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
            else { return text }
            var out = ""
            for character in text {
                switch character {
                case "|": out += "\\|"
                case "\r\n", "\n", "\r": out += " "
                default: out.append(character)
                }
            }
            return out
        }
        let header = columns.map { escape($0.heading) }
        let body = rows.map { row in row.map { escape(Table._plainText($0, digits: significantDigits)) } }
        let numeric = columns.indices.map(_isNumericColumn)
        let widths = columns.indices.map { c in
            max(3, ([header[c]] + body.map { $0[c] }).map(Table._width).max() ?? 0)
        }
        // Each line is appended in place (padding from a run of spaces): a table of thousands of
        // rows would otherwise build a padded copy of every cell and a joined copy of every line.
        let spaces = String(repeating: " ", count: 64)
        func appendSpaces(_ n: Int, to out: inout String) {
            var left = n
            while left > 0 {
                let k = min(left, 64)
                out += spaces.prefix(k)
                left -= k
            }
        }
        func line(_ cells: [String], into out: inout String) {
            out += "| "
            for c in cells.indices {
                if c > 0 { out += " | " }
                let padding = max(0, widths[c] - Table._width(cells[c]))
                if numeric[c] {
                    appendSpaces(padding, to: &out)
                    out += cells[c]
                } else {
                    out += cells[c]
                    appendSpaces(padding, to: &out)
                }
            }
            out += " |\n"
        }
        var out = ""
        out.reserveCapacity(body.count * (widths.reduce(0, +) + 3 * widths.count + 2) + 1024)
        if let title { out += "**\(escape(title))**\n\n" }
        line(header, into: &out)
        out += "|" + columns.indices.map { c in
            numeric[c]
                ? String(repeating: "-", count: widths[c] + 1) + ":"
                : ":" + String(repeating: "-", count: widths[c] + 1)
        }.joined(separator: "|") + "|\n"
        for row in body { line(row, into: &out) }
        if let caption { out += "\n\(escape(caption))\n" }
        return out
    }

}
