import Foundation
import LindynReport
import Testing
@testable import LindynValidation

/// `validate merge` joins only one complete run of one version of the grids: every shard of one
/// shard count, each with all its points; anything else is refused, or merged as partial.
@Suite(.serialized) struct ShardMergeTests {
    /// Six cheap points (Saxe modes, alpha s <= 0.03).
    static let gridText = """
        {"name": "small", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 400, "points": 41},
         "grid": {"model.s": [1, 2, 3], "model.weight_decay": [0, 0.2]}, "steppers": ["rk8pd"], "tolerances": [1e-10]}
        """

    static func options(_ url: URL, shard: (index: Int, count: Int)? = nil) -> ValidationOptions {
        ValidationOptions(outputDirectory: url, shard: shard, plots: false, progress: false, workers: 2)
    }

    static func shards(_ g: ValidationGrid, count: Int, only: [Int]? = nil, tag: String) throws -> [URL] {
        try (only ?? Array(1...count)).map { k in
            let d = temporaryDirectory("\(tag)-\(k)of\(count)")
            _ = try Validation.run([g], options: options(d, shard: (k, count)))
            return d
        }
    }

    @Test func completeSetPassesTheCheck() throws {
        let g = try grid(Self.gridText)
        let dirs = try Self.shards(g, count: 3, tag: "complete")
        let check = Validation.checkShards(dirs)
        #expect(check.isComplete, "\(check.problems)")
        #expect(check.shardCount == 3 && check.missingShards.isEmpty)
        #expect(check.shards.map(\.missingPoints) == [0, 0, 0])
        let merged = try Validation.merge(dirs, into: temporaryDirectory("complete-merged"), plots: false)
        #expect(merged.points == 6 && merged.partial.isEmpty)
    }

    @Test func missingShardsAreNamedAndRefused() throws {
        let g = try grid(Self.gridText)
        let dirs = try Self.shards(g, count: 4, only: [1, 3], tag: "missing")
        let check = Validation.checkShards(dirs)
        #expect(!check.isComplete)
        #expect(check.shardCount == 4 && check.missingShards == [2, 4])
        #expect(check.problems.contains { $0.contains("2/4, 4/4 are missing") }, "\(check.problems)")
        #expect { try Validation.merge(dirs, into: temporaryDirectory("missing-merged"), plots: false) } throws: { error in
            guard case .outputDirectory(.incompleteShards)? = error as? ValidationRunError else { return false }
            return true
        }
        // With allowPartial, the set is merged and marked partial everywhere a reader looks.
        let out = temporaryDirectory("missing-partial")
        let partial = try Validation.merge(dirs, into: out, plots: false, allowPartial: true)
        #expect(partial.points == 3 && !partial.partial.isEmpty)
        #expect(partial.text(directory: out).contains("PARTIAL RESULTS"))
        for file in ["README.md", "summary.md", "summary.json", "errors.json"] {
            let text = try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
            #expect(text.contains("PARTIAL RESULTS") && text.contains("2/4, 4/4 are missing"), "\(file)")
        }
        #expect(RunManifest.read(out)?.partial.isEmpty == false)
        // A partial merge is not itself a complete run.
        #expect(Validation.checkShards([out]).problems.contains { $0.contains("partial merge") })
    }

    @Test func anotherVersionOfTheGridIsRefused() throws {
        let g = try grid(Self.gridText)
        var dirs = try Self.shards(g, count: 2, only: [1], tag: "version")
        // The same grid name with another time axis: another fingerprint.
        let changed = try grid(Self.gridText.replacingOccurrences(of: "\"points\": 41", with: "\"points\": 42"))
        #expect(changed.fingerprint != g.fingerprint)
        dirs += try Self.shards(changed, count: 2, only: [2], tag: "version")
        let check = Validation.checkShards(dirs)
        #expect(check.missingShards.isEmpty)
        #expect(check.problems.count == 1)
        #expect(check.problems.first?.contains("another version (fingerprint \(changed.fingerprint), not \(g.fingerprint))") == true, "\(check.problems)")
        #expect { try Validation.merge(dirs, into: temporaryDirectory("version-merged"), plots: false) } throws: { error in
            guard case .outputDirectory(.incompleteShards)? = error as? ValidationRunError else { return false }
            return true
        }
    }

    @Test func mixedShardCountsAreRefused() throws {
        let g = try grid(Self.gridText)
        let dirs = try Self.shards(g, count: 2, only: [1], tag: "mixed") + Self.shards(g, count: 3, only: [2, 3], tag: "mixed")
        let check = Validation.checkShards(dirs)
        #expect(check.shardCount == nil)
        #expect(check.problems.contains { $0.contains("different numbers of shards") }, "\(check.problems)")
    }

    /// A shard whose journal lost a point, or a directory without a finished run, is incomplete.
    @Test func incompleteShardIsRefused() throws {
        let g = try grid(Self.gridText)
        let dirs = try Self.shards(g, count: 2, tag: "incomplete")
        let journal = dirs[1].appendingPathComponent(Validation.journalName)
        var lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.removeLast()
        try (lines.joined(separator: "\n") + "\n").write(to: journal, atomically: true, encoding: .utf8)
        let check = Validation.checkShards(dirs)
        #expect(check.shards.map(\.missingPoints) == [0, 1])
        #expect(check.problems.contains { $0.contains("lacks 1 of the 3 points of its shard 2/2") }, "\(check.problems)")
        let empty = temporaryDirectory("incomplete-empty")
        #expect(Validation.checkShards([dirs[0], empty]).problems.contains { $0.contains("holds no finished run") })
    }
}
