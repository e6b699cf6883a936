import Foundation
import Testing

/// `lindyn validate` and `lindyn validate merge` end to end: files written, exit codes, shards.
@Suite(.serialized) struct ValidateCommandTests {
    static func temporary(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-cli-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let passing = """
        {"name": "tiny", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 400, "points": 81},
         "grid": {"model.s": [1, 2]}, "steppers": ["rk8pd"], "tolerances": [1e-10]}
        """

    @Test func shippedGridQuickRunWritesTablesAndExitsZero() throws {
        let out = Self.temporary("quick")
        let r = try LindynRun.run(["validate", "Validation/grids/saxe-modes.json", "--out", out.path, "--quick"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("Points passed: 8; failed: 0."))
        for file in ["errors.csv", "errors.md", "errors.tex", "errors.json", "stiffness.md", "work-precision.csv", "README.md", "journal.jsonl", "plots/work-precision-saxe-modes.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
    }

    /// alpha s = 0.6: the descent lags the flow by far more than the 5% bound, so validation fails (exit 1).
    @Test func failingPointExitsOne() throws {
        let out = Self.temporary("fail")
        let grid = #"{"model": {"kind": "mode", "s": 3, "u0": 0.001, "tau": 5}, "time": {"end": 40, "points": 41}, "steppers": ["rk8pd"], "tolerances": [1e-10]}"#
        let r = try LindynRun.run(["validate", "-", "--out", out.path, "--no-plots"], stdin: grid)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("FAILED stdin #0"))
    }

    @Test func badGridFileExits65AndBadShardExits64() throws {
        let out = Self.temporary("bad")
        let bad = try LindynRun.run(["validate", "-", "--out", out.path], stdin: #"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "grid": {"model.u0": [-1]}}"#)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("model.u0"))
        let shard = try LindynRun.run(["validate", "Validation/grids/saxe-modes.json", "--out", out.path, "--shard", "3/2"])
        #expect(shard.status == 64)
        let missing = try LindynRun.run(["validate", "no-such-grid.json", "--out", out.path])
        #expect(missing.status == 64)
    }

    @Test func shardsAndMerge() throws {
        let base = Self.temporary("shards")
        let file = base.appendingPathComponent("tiny.json")
        try Self.passing.write(to: file, atomically: true, encoding: .utf8)
        for k in 1...2 {
            let r = try LindynRun.run(["validate", file.path, "--out", base.appendingPathComponent("s\(k)").path, "--shard", "\(k)/2", "--no-plots"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("Validation: 1 point in 1 grid"))
        }
        let merged = try LindynRun.run(["validate", "merge", base.appendingPathComponent("s1").path, base.appendingPathComponent("s2").path, "--out", base.appendingPathComponent("all").path])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("Validation: 2 points in 1 grid"))
        // Resuming the merged directory runs nothing again.
        let resumed = try LindynRun.run(["validate", file.path, "--out", base.appendingPathComponent("all").path, "--resume", "--no-plots"])
        #expect(resumed.status == 0)
        #expect(resumed.stdout.contains("(2 resumed from the journal)"))
    }
}

/// Exit codes of merge refusals and of an empty --out.
@Suite(.serialized) struct ValidateMergeRefusalTests {
    @Test func incompleteShardSetExits65AndEmptyOutExits64() throws {
        let base = ValidateCommandTests.temporary("refuse")
        let file = base.appendingPathComponent("tiny.json")
        try ValidateCommandTests.passing.write(to: file, atomically: true, encoding: .utf8)
        let s1 = base.appendingPathComponent("s1").path
        let r = try LindynRun.run(["validate", file.path, "--out", s1, "--shard", "1/2", "--no-plots"])
        #expect(r.status == 0, "\(r.stderr)")
        let merged = try LindynRun.run(["validate", "merge", s1, "--out", base.appendingPathComponent("m").path, "--no-plots"])
        #expect(merged.status == 65)
        #expect(merged.stderr.contains("shard 2/2 is missing") && merged.stderr.contains("--allow-partial"), "\(merged.stderr)")
        let partial = try LindynRun.run(["validate", "merge", s1, "--out", base.appendingPathComponent("m").path, "--no-plots", "--allow-partial"])
        #expect(partial.status == 0 && partial.stdout.contains("PARTIAL RESULTS"), "\(partial.stderr)")
        let empty = try LindynRun.run(["validate", file.path, "--out", "", "--no-plots"], in: base)
        #expect(empty.status == 64 && empty.stderr.contains("--out is empty"))
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("journal.jsonl").path))
    }
}
