import Foundation
import LindynModels
import LindynReport
import Testing
@testable import LindynValidation

/// The journal, resume, sharding and merge.
@Suite(.serialized) struct RunJournalTests {
    /// Six cheap points (Saxe modes, alpha s <= 0.03) with one plotted point.
    static let gridText = """
        {"name": "small", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 400, "points": 81},
         "grid": {"model.s": [1, 2, 3], "model.weight_decay": [0, 0.2]},
         "steppers": ["rk8pd", "rkf45"], "tolerances": [1e-8, 1e-11], "plots": {"trajectories": [1]}}
        """

    static func options(_ url: URL, resume: Bool = false, shard: (index: Int, count: Int)? = nil) -> ValidationOptions {
        ValidationOptions(outputDirectory: url, resume: resume, shard: shard, plots: true, progress: false, workers: 2)
    }

    @Test func codecRoundTripIsExact() throws {
        let g = try grid(Self.gridText)
        var r = PointRunner.run(g, gridOrder: 3, index: 1)
        r.errorRows[0][ErrorTable.index("max_abs_error")] = .number(.nan)
        r.errorRows[0][ErrorTable.index("max_rel_error")] = .number(-.infinity)
        let back = try #require(PointCodec.point(fromJournalRow: PointCodec.journalRow(r)))
        #expect(back.gridOrder == 3 && back.index == 1 && back.grid == "small")
        #expect(back.stiffnessRow == r.stiffnessRow)
        #expect(back.errorRows.count == r.errorRows.count)
        #expect(back.errorRows[0][ErrorTable.index("max_abs_error")].doubleValue?.isNaN == true)
        #expect(back.errorRows[0][ErrorTable.index("max_rel_error")] == .number(-.infinity))
        #expect(Array(back.errorRows.dropFirst()) == Array(r.errorRows.dropFirst()))
        #expect(back.trajectories == r.trajectories && back.trajectories != nil)
    }

    /// The one-pass encoding of a point is the text of its JSON value, and the journal line holds
    /// the record inline (the JSON column `result`), not escaped into a string.
    @Test func onePassEncodingIsTheSerializedRecord() throws {
        let g = try grid(Self.gridText)
        var r = PointRunner.run(g, gridOrder: 3, index: 1)
        r.errorRows[0][ErrorTable.index("max_abs_error")] = .number(.nan)
        r.errorRows[0][ErrorTable.index("max_rel_error")] = .number(-.infinity)
        r.trajectories?.testScale = 0.5
        r.generalisationRow = Array(repeating: .text("x\"y"), count: GeneralisationTable.columns.count)
        #expect(r.trajectories != nil)
        let expected = PointCodec.encode(r).serialized()
        #expect(PointCodec.journalRow(r) == [.text("small"), .integer(1), .text(g.fingerprint), .text(expected)])
        let encoded = String(decoding: PointCodec.encodedJournalRow(r), as: UTF8.self)
        #expect(encoded == JSONValue.array([.string("small"), .integer(1), .string(g.fingerprint)]).serialized().dropLast() + "," + expected + "]")
    }

    /// A journal of the previous format (version 2: each record an escaped JSON string) resumes:
    /// its points are kept and the tables are those of a fresh run.
    @Test func resumesAVersionTwoJournal() throws {
        let g = try grid(Self.gridText)
        let full = temporaryDirectory("v3")
        _ = try Validation.run([g], options: Self.options(full))
        let contents = try RowJournal.read(full.appendingPathComponent(Validation.journalName))
        #expect(contents.version == 3 && contents.jsonColumns == ["result"] && contents.rows.count == 6)
        var text = JSONValue.object(["lindyn_row_journal": 2, "columns": .array(PointCodec.journalColumns.map { .string($0) })]).serialized() + "\n"
        for row in contents.rows.prefix(4) {
            let body = JSONValue.array(row.map(\.jsonValue)).serialized()
            text += #"{"crc32":""# + hex8(crc32(Array(body.utf8))) + #"","row":"# + body + "}\n"
        }
        let old = temporaryDirectory("v2")
        try text.write(to: old.appendingPathComponent(Validation.journalName), atomically: true, encoding: .utf8)
        let resumed = try Validation.run([g], options: Self.options(old, resume: true))
        #expect(resumed.resumedPoints == 4 && resumed.points == 6 && resumed.warnings.isEmpty)
        #expect(try csvWithoutTimes(old.appendingPathComponent("errors.csv")) == csvWithoutTimes(full.appendingPathComponent("errors.csv")))
        #expect(try RowJournal.read(old.appendingPathComponent(Validation.journalName)).version == 3)
    }

    /// A run, then the same run resumed from a journal cut in the middle of a line: the journal's
    /// complete points are kept, the rest run again, and the tables are the same.
    @Test func resumeAfterInterruptionLosesNothing() throws {
        let g = try grid(Self.gridText)
        let full = temporaryDirectory("full")
        let first = try Validation.run([g], options: Self.options(full))
        #expect(first.points == 6 && first.passed)
        let cut = temporaryDirectory("cut")
        let journal = try String(contentsOf: full.appendingPathComponent(Validation.journalName), encoding: .utf8)
        var lines = journal.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)  // header + 6 points
        lines = Array(lines.prefix(4))  // header + 3 points
        let partial = lines.joined(separator: "\n") + "\n" + "[\"small\",5,\"trunc"  // an interrupted write
        try partial.write(to: cut.appendingPathComponent(Validation.journalName), atomically: true, encoding: .utf8)
        let resumed = try Validation.run([g], options: Self.options(cut, resume: true))
        #expect(resumed.resumedPoints == 3)
        #expect(resumed.points == 6)
        #expect(try csvWithoutTimes(cut.appendingPathComponent("errors.csv")) == csvWithoutTimes(full.appendingPathComponent("errors.csv")))
        #expect(try String(contentsOf: cut.appendingPathComponent("stiffness.csv"), encoding: .utf8) == String(contentsOf: full.appendingPathComponent("stiffness.csv"), encoding: .utf8))
        // Without --resume the journal starts afresh.
        let again = try Validation.run([g], options: Self.options(cut))
        #expect(again.resumedPoints == 0)
        // A changed grid (another fingerprint) does not resume the old rows.
        var changed = g
        changed.fingerprint = "another"
        #expect(try Validation.run([changed], options: Self.options(cut, resume: true)).resumedPoints == 0)
    }

    /// Shards 1/2 and 2/2 merged give the same tables as one run.
    @Test func shardsMergeToTheSameTables() throws {
        let g = try grid(Self.gridText)
        let one = temporaryDirectory("one")
        _ = try Validation.run([g], options: Self.options(one))
        let s1 = temporaryDirectory("s1"), s2 = temporaryDirectory("s2"), merged = temporaryDirectory("merged")
        let a = try Validation.run([g], options: Self.options(s1, shard: (1, 2)))
        let b = try Validation.run([g], options: Self.options(s2, shard: (2, 2)))
        #expect(a.points == 3 && b.points == 3)
        let m = try Validation.merge([s1, s2], into: merged)
        #expect(m.points == 6 && m.passed)
        #expect(try csvWithoutTimes(merged.appendingPathComponent("errors.csv")) == csvWithoutTimes(one.appendingPathComponent("errors.csv")))
        #expect(try String(contentsOf: merged.appendingPathComponent("stiffness.csv"), encoding: .utf8) == String(contentsOf: one.appendingPathComponent("stiffness.csv"), encoding: .utf8))
        // The plotted point's figure exists after the merge.
        #expect(FileManager.default.fileExists(atPath: merged.appendingPathComponent("plots/trajectories-small.svg").path))
    }

    @Test func everyTableInEveryFormatAndTheFigures() throws {
        let dir = temporaryDirectory("formats")
        let summary = try Validation.run([try grid(Self.gridText)], options: Self.options(dir))
        for table in ["errors", "stiffness", "work-precision", "summary"] {
            for ext in ["csv", "md", "tex", "json"] {
                #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(table).\(ext)").path), "\(table).\(ext)")
            }
        }
        for figure in ["trajectories-small", "errors-small-integrator", "errors-small-descent", "work-precision-small", "stiffness-map"] {
            let svg = try String(contentsOf: dir.appendingPathComponent("plots/\(figure).svg"), encoding: .utf8)
            #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"), "\(figure)")
            #expect(!svg.contains("NaN") && !svg.contains("inf\""), "\(figure)")
        }
        let text = summary.text(directory: dir)
        #expect(text.contains("Points passed: 6; failed: 0."))
        #expect(text.contains("integrator") && text.contains("descent") && text.contains("formula"))
        let json = try JSONValue.parse(String(contentsOf: dir.appendingPathComponent("errors.json"), encoding: .utf8))
        // The error columns, with one column per grid axis after `parameters`.
        let names = json["columns"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(names.count == ErrorTable.columns.count + 2)
        #expect(names.firstIndex(of: "model.s") == ErrorTable.index("parameters") + 1)
        #expect(names.firstIndex(of: "model.weight_decay") == ErrorTable.index("parameters") + 2)
    }
}

/// CRC-32 (IEEE, reflected 0xEDB88320) bit by bit, as RFC 1952 defines it: an independent check of
/// the journal's own checksum.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        c ^= UInt32(b)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return c ^ 0xFFFF_FFFF
}

func hex8(_ value: UInt32) -> String {
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: 8 - hex.count) + hex
}
