import Foundation
import Testing
@testable import LindynReport

/// JSON columns of the row journal (version 3), reading the earlier versions, and the checksum.
@Suite("Row journal: JSON columns and versions")
struct JournalJSONColumnTests {
    static let columns = ["key", "record"]
    /// Texts of the JSON column: objects and arrays go inline, everything else as a string; all of
    /// them must read back as the same text.
    static let texts: [String] = [
        #"{"a":1,"b":[1.5,null,"x\"y"],"c":{"number":"NaN"}}"#,
        #"[1,2,{"k":"v"}]"#,
        "{}", "[]",
        #"{"broken":"#,  // not JSON: a string
        #""a JSON string""#,  // JSON, but a string: kept as the text with its quotes
        "{\n  \"pretty\": 1\n}",  // JSON on several lines: a string (a line holds one row)
        " {\"padded\":1}",  // not exactly an object: a string
        "plain text, with \"quotes\" and \\ backslashes",
        "",
    ]

    @Test func jsonColumnTextsReadBackExactly() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        let journal = try RowJournal(url: url, columns: Self.columns, jsonColumns: ["record"])
        for (k, text) in Self.texts.enumerated() { try journal.append([.integer(k), .text(text)]) }
        // A non-text cell of a JSON column keeps its kind.
        try journal.append([.integer(99), .number(2.5)])
        journal.close()
        let contents = try RowJournal.read(url)
        #expect(contents.version == 3 && contents.jsonColumns == ["record"] && contents.corruptLines.isEmpty)
        #expect(contents.rows == Self.texts.enumerated().map { [.integer($0.offset), .text($0.element)] } + [[.integer(99), .number(2.5)]])
        // Objects and arrays are inline in the line, not escaped into strings.
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines[0].contains(#""json_columns":["record"]"#))
        #expect(lines[1].hasSuffix(#","row":[0,{"a":1,"b":[1.5,null,"x\"y"],"c":{"number":"NaN"}}]}"#))
        #expect(lines[2].hasSuffix(#","row":[1,[1,2,{"k":"v"}]]}"#))
        #expect(lines[5].hasSuffix(#","row":[4,"{\"broken\":"]}"#))
        #expect(try RowJournal.verify(url) == (rows: Self.texts.count + 1, corruptLines: []))
    }

    /// The one-pass append takes the row's JSON text as it is, and reads back like `append(_:)`.
    @Test func encodedRowMatchesTheCellPath() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a.jsonl"), b = root.appendingPathComponent("b.jsonl")
        let cells = try RowJournal(url: a, columns: Self.columns, jsonColumns: ["record"])
        let encoded = try RowJournal(url: b, columns: Self.columns, jsonColumns: ["record"])
        for (k, text) in Self.texts.prefix(4).enumerated() {
            try cells.append([.integer(k), .text(text)])
            try encoded.append(encodedRow: Array("[\(k),\(text)]".utf8))
        }
        cells.close()
        encoded.close()
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }

    /// A version 2 journal (the record as an escaped string) is read as before, and resuming it
    /// rewrites it as version 3 with the same cells.
    @Test func versionTwoJournalIsReadAndRewritten() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        var text = #"{"lindyn_row_journal":2,"columns":["key","record"],"provenance":{"host":"h"}}"# + "\n"
        let rows: [[Cell]] = [[1, .text(#"{"a":[1,2]}"#)], [2, .text("not json")]]
        for row in rows {
            // The version 2 line, written as version 2 wrote it: every cell through JSONValue.
            let body = JSONValue.array(row.map(RowJournal._encode)).serialized()
            text += #"{"crc32":""# + RowJournal._hex8(CRC32.checksum(Array(body.utf8))) + #"","row":"# + body + "}\n"
        }
        try writeAtomically(text, to: url)
        let old = try RowJournal.read(url)
        #expect(old.version == 2 && old.rows == rows && old.corruptLines.isEmpty && old.header["provenance"] == ["host": "h"])
        #expect(try RowJournal.verify(url) == (rows: 2, corruptLines: []))
        let resumed = try RowJournal(url: url, columns: Self.columns, jsonColumns: ["record"])
        #expect(resumed.resumedRows == rows && resumed.droppedLines.isEmpty)
        try resumed.append([3, .text("[3]")])
        resumed.close()
        let after = try RowJournal.read(url)
        #expect(after.version == RowJournal.currentVersion && after.jsonColumns == ["record"])
        #expect(after.rows == rows + [[3, .text("[3]")]] && after.header["provenance"] == ["host": "h"])
        #expect(try String(contentsOf: url, encoding: .utf8).contains(#","row":[1,{"a":[1,2]}]}"#))
    }

    /// A journal of a later format version is refused with its version named, and left alone.
    @Test func laterVersionIsRefusedByName() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        let text = #"{"lindyn_row_journal":4,"columns":["key","record"]}"# + "\n"
        try writeAtomically(text, to: url)
        for attempt in 0..<3 {
            do {
                switch attempt {
                case 0: _ = try RowJournal.read(url)
                case 1: _ = try RowJournal.verify(url)
                default: _ = try RowJournal(url: url, columns: Self.columns)
                }
                Issue.record("a version 4 journal was accepted (attempt \(attempt))")
            } catch {
                guard case .invalidJournal(_, 1, let reason) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(reason.contains("format version 4"), "\(reason)")
            }
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == text)
    }

    /// The eight-bytes-at-a-time CRC-32 equals the bitwise definition at every length and
    /// alignment (reference: the reflected polynomial 0xEDB88320 bit by bit, as RFC 1952 gives it).
    @Test func checksumMatchesTheBitwiseDefinition() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            return c ^ 0xFFFF_FFFF
        }
        var generator = SplitMix64(state: 7)
        let data = (0..<300).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for start in 0..<9 {
            for end in stride(from: start, through: data.count, by: 7) {
                #expect(CRC32.checksum(data[start..<end]) == bitwise(data[start..<end]), "\(start)..<\(end)")
            }
        }
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
