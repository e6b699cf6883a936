import Foundation
import Testing
@testable import LindynReport

/// The number formatting of the tables and the journal's checksum-only check.
@Suite struct FormatAndVerifyTests {
    /// `CFormat` must give printf's text exactly (Foundation's `String(format:)` is printf's
    /// engine on every platform): values near rounding ties, tiny, huge, negative, zero, every
    /// precision the tables use.
    @Test func formattingMatchesPrintf() {
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 0.5, 1.5, 2.5, 0.1234565, 1234565, 9.9999995, 99999.95, 1e-300, Double.leastNonzeroMagnitude, 1.7976931348623157e308, -3.75e-7,
                                .pi, -.pi * 1e12, 123456789012345680, 0.000123456]
        var x = 0.37
        for _ in 0..<300 {
            x = (x * 7919.0).truncatingRemainder(dividingBy: 1.0) + 1e-9
            values.append(x * pow(10, Double(Int(x * 1000) % 40 - 20)))
        }
        for value in values {
            for precision in [0, 1, 3, 5, 6, 9, 12, 17] {
                for conversion in ["f", "e", "g"] where !(conversion == "f" && abs(value) > 1e30) {
                    let expected = String(format: "%.\(precision)\(conversion)", value)
                    #expect(CFormat.format(value, precision: precision, conversion: Character(conversion)) == expected, "\(value) %.\(precision)\(conversion)")
                }
            }
        }
        #expect(Table._formatG(0.1234565, digits: 6) == String(format: "%.6g", 0.1234565))
    }

    @Test func checksumHexIsEightLowercaseDigits() {
        for value: UInt32 in [0, 1, 0xdead_beef, 0xffff_ffff, 0x0000_abcd] {
            #expect(RowJournal._hex8(value) == String(format: "%08x", value))
        }
    }

    /// `verify` counts the intact rows and names every line whose checksum fails, as `read` does.
    @Test func verifyFindsWhatReadFinds() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        let journal = try RowJournal(url: url, columns: ["a", "b"])
        for k in 0..<5 { try journal.append([.integer(k), .text("row \(k) \"quoted\"")]) }
        journal.close()
        let intact = try RowJournal.verify(url)
        #expect(intact.rows == 5 && intact.corruptLines.isEmpty)
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "row 3", with: "row 8")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let checked = try RowJournal.verify(url)
        #expect(checked.rows == 4 && checked.corruptLines == [5])
        #expect(try RowJournal.read(url).corruptLines == checked.corruptLines)
        try "not a journal\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ReportError.self) { try RowJournal.verify(url) }
    }
}
