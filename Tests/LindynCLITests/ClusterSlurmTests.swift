import Foundation
import LindynReport
import Testing

/// `lindyn cluster` against a real Slurm: run by `make test-cluster` (Tests/Cluster/run.sh), which
/// starts a single-node Slurm and sets LINDYN_SLURM=1 and SLURM_CONF. Skipped otherwise.
///
/// A shipped set of grids is submitted as a 3-task array plus merge; the merged tables must equal
/// a single-process run of the same grids exactly, wall-time columns aside (each point is computed
/// by the same code from the same inputs wherever it runs, and the journal keeps every double's
/// bits). Then a second submission has one array task cancelled while it runs; `cluster resubmit`
/// must run only that shard, continue its journal, and give the same tables again.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["LINDYN_SLURM"] == "1", "needs a running Slurm: run `make test-cluster`"))
struct ClusterSlurmTests {
    /// Slow grids first, so that shard 2 is still running its first points when it is cancelled.
    static let grids = ["stiff-network", "seed-dropout", "saxe-modes", "seed-scalar"].map {
        LindynRun.repositoryRoot.appendingPathComponent("Validation/grids/\($0).json").path
    }
    static let timeout = 600.0

    let started = Date()
    let base: URL = {
        let root = ProcessInfo.processInfo.environment["LINDYN_SLURM_WORK"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let url = root.appendingPathComponent("cluster-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test func arrayWithMergeEqualsOneProcessAndRecoversACancelledTask() throws {
        let single = base.appendingPathComponent("single")
        let reference = try LindynRun.run(["validate"] + Self.grids + ["--out", single.path, "--no-plots", "--workers", "1"])
        try #require(reference.status == 0 || reference.status == 1, "single-process run: \(reference.stdout)\(reference.stderr)")
        note("single-process reference done: \(reference.stdout.split(separator: "\n").first ?? "")")

        // 1. Submit, wait for the merge, compare.
        let first = base.appendingPathComponent("run 1")  // a space: paths must be quoted in the scripts
        let submitted = try LindynRun.run(["cluster", "submit"] + Self.grids + ["--out", first.path, "--tasks", "3", "--mem", "1G", "--time", "20", "--no-plots"])
        try #require(submitted.status == 0, "submit: \(submitted.stdout)\(submitted.stderr)")
        #expect(submitted.stdout.contains("job array"))
        note("submitted: \(submitted.stdout.split(separator: "\n").first ?? "")")
        try waitForCompletion(first)
        note("run 1 merged")
        try expectSameTables(first.appendingPathComponent("merged"), single)
        let status = try LindynRun.run(["cluster", "status", first.path])
        #expect(status.status == 0)
        #expect(status.stdout.contains("Next: Complete"), "\(status.stdout)")

        // 2. Submit again, cancel task 2 while it runs, resubmit, compare.
        let second = base.appendingPathComponent("run2")
        let again = try LindynRun.run(["cluster", "submit"] + Self.grids + ["--out", second.path, "--tasks", "3", "--no-plots"])
        try #require(again.status == 0, "submit: \(again.stdout)\(again.stderr)")
        let array = try arrayJob(second)
        // A running shard journals into its staging directory; the finished run's journal replaces it at the end.
        let journal = second.appendingPathComponent("shards/2/.lindyn-staging/journal.jsonl")
        let initial = try statusJSON(second)
        let shardPoints = try #require(initial?.shards.first { $0.shard == 2 }?.points)
        // Cancel once shard 2 has journaled a point and has at least two left.
        try wait("shard 2 to journal its first point", in: second) {
            let rows = journalRows(journal)
            let finished = FileManager.default.fileExists(atPath: second.appendingPathComponent("shards/2/journal.jsonl").path)
            if finished || rows >= shardPoints - 1 { throw Failure("shard 2 finished (\(rows) of \(shardPoints) points journaled) before it could be cancelled") }
            return rows >= 1
        }
        note("shard 2 has \(journalRows(journal)) of \(shardPoints) points; cancelling task \(array)_2")
        let cancel = try slurm("scancel", ["\(array)_2"])
        try #require(cancel.status == 0, "scancel: \(cancel.stderr)")
        try wait("the array and the merge to leave the queue", in: second) {
            try slurm("squeue", ["-h", "-j", array]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                && (statusJSON(second)?.mergeState.map { !["PENDING", "RUNNING"].contains($0) } ?? true)
        }
        let after = try statusJSON(second)
        let cancelled = try #require(after)
        let two = try #require(cancelled.shards.first { $0.shard == 2 })
        #expect(two.done >= 1 && two.left >= 1, "shard 2 after scancel: \(two)")
        #expect(["CANCELLED", "ENDED"].contains(two.state ?? ""), "shard 2 state \(two.state ?? "nil")")
        #expect(cancelled.shards.filter { $0.shard != 2 }.allSatisfy { $0.left == 0 }, "\(cancelled.shards)")
        #expect(!cancelled.complete)
        #expect(cancelled.next.contains("resubmit"), "\(cancelled.next)")
        let doneBefore = two.done
        note("after scancel: \(cancelled.shards.map(\.description).joined(separator: "; ")); merge \(cancelled.mergeState ?? "gone")")

        let resubmitted = try LindynRun.run(["cluster", "resubmit", second.path])
        try #require(resubmitted.status == 0, "resubmit: \(resubmitted.stdout)\(resubmitted.stderr)")
        #expect(resubmitted.stdout.contains("Resubmitted shard 2 "), "\(resubmitted.stdout)")
        let newArray = try arrayJob(second)
        #expect(newArray != array)
        note("resubmitted as array \(newArray)")
        try waitForCompletion(second)
        note("run 2 merged")
        try expectSameTables(second.appendingPathComponent("merged"), single)
        // The resubmitted task continued the journal rather than starting over.
        let log = try String(contentsOf: second.appendingPathComponent("logs/shard-2-\(newArray).out"), encoding: .utf8)
        #expect(log.contains("(\(doneBefore) resumed from the journal)") || log.contains("resumed from the journal"), "\(log)")
        // A complete run has nothing to resubmit.
        let nothing = try LindynRun.run(["cluster", "resubmit", second.path])
        #expect(nothing.status == 0)
        #expect(nothing.stdout.contains("Nothing to resubmit"), "\(nothing.stdout)\(nothing.stderr)")
        // Under Tests/Cluster/run.sh the work directory is removed by the script when every test passed.
        if ProcessInfo.processInfo.environment["LINDYN_SLURM_WORK"] == nil { try? FileManager.default.removeItem(at: base) }
    }

    /// A progress line in the test log (the waits are long enough to want one).
    func note(_ text: String) {
        print(String(format: "[cluster %6.1f s] ", Date().timeIntervalSince(started)) + text)
    }

    // MARK: helpers

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    struct Status {
        struct Shard: CustomStringConvertible {
            var shard: Int, points: Int, done: Int, left: Int, state: String?
            var description: String { "shard \(shard): \(done)/\(points) done, \(left) left, \(state ?? "-")" }
        }
        var shards: [Shard]
        var complete: Bool
        var mergeOutcome: String
        var mergeState: String?
        var next: String
    }

    func statusJSON(_ dir: URL) throws -> Status? {
        let r = try LindynRun.run(["cluster", "status", dir.path, "--format", "json"])
        guard r.status == 0, let o = r.json, let shards = o["shards"] as? [[String: Any]], let merge = o["merge"] as? [String: Any] else { return nil }
        return Status(
            shards: shards.map {
                .init(shard: $0["shard"] as? Int ?? 0, points: $0["points"] as? Int ?? 0, done: $0["done"] as? Int ?? 0, left: $0["left"] as? Int ?? -1, state: $0["state"] as? String)
            },
            complete: o["complete"] as? Bool ?? false, mergeOutcome: merge["outcome"] as? String ?? "", mergeState: merge["state"] as? String,
            next: o["next"] as? String ?? "")
    }

    func arrayJob(_ dir: URL) throws -> String {
        let data = try Data(contentsOf: dir.appendingPathComponent("cluster.json"))
        let o = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let submissions = try #require(o["submissions"] as? [[String: Any]])
        return try #require(submissions.last?["array_job"] as? String)
    }

    func journalRows(_ url: URL) -> Int {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return 0 }
        // The header line, then one complete line per point.
        return max(0, text.split(separator: "\n", omittingEmptySubsequences: true).count - (text.hasSuffix("\n") ? 1 : 2))
    }

    func slurm(_ tool: String, _ arguments: [String]) throws -> LindynRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return LindynRun(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Polls `condition` every 0.2 s up to the timeout; on timeout prints the run's status and
    /// task logs and throws.
    func wait(_ what: String, in dir: URL, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(Self.timeout)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw Failure("timed out after \(Int(Self.timeout)) s waiting for \(what)\n" + diagnostics(dir))
    }

    func waitForCompletion(_ dir: URL) throws {
        try wait("the run in \(dir.lastPathComponent) to be merged", in: dir) {
            guard let s = try statusJSON(dir) else { return false }
            if s.mergeOutcome == "failed" { throw Failure("the merge failed\n" + diagnostics(dir)) }
            if s.shards.contains(where: { $0.left > 0 && ["FAILED", "CANCELLED", "ENDED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL"].contains($0.state ?? "") }) {
                throw Failure("a task ended with its shard incomplete\n" + diagnostics(dir))
            }
            return s.complete
        }
    }

    func diagnostics(_ dir: URL) -> String {
        var text = (try? LindynRun.run(["cluster", "status", dir.path]))?.stdout ?? "(no status)"
        let logs = dir.appendingPathComponent("logs")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []).sorted() {
            let content = (try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)) ?? ""
            text += "----- \(name)\n\(content.suffix(3000))\n"
        }
        return text
    }

    /// The JSON tables of two output directories hold the same rows, wall-time columns aside:
    /// every cell equal (numbers as doubles, exactly), read with Lindyn's own JSON reader.
    func expectSameTables(_ merged: URL, _ single: URL) throws {
        for name in ["errors", "stiffness", "work-precision", "summary"] {
            let a = try table(merged.appendingPathComponent("\(name).json"))
            let b = try table(single.appendingPathComponent("\(name).json"))
            #expect(a.columns == b.columns, "\(name): columns differ")
            #expect(a.rows.count == b.rows.count, "\(name): \(a.rows.count) rows merged, \(b.rows.count) in one process")
            #expect(a.rows.count > 0, "\(name) is empty")
            if let k = zip(a.rows, b.rows).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                let c = zip(a.rows[k], b.rows[k]).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
                Issue.record("\(name).json row \(k) differs first in column \(a.columns[c]): merged \(a.rows[k][c].serialized()), single \(b.rows[k][c].serialized())")
            }
        }
    }

    func table(_ url: URL) throws -> (columns: [String], rows: [[JSONValue]]) {
        let v = try JSONValue.parse(try String(contentsOf: url, encoding: .utf8))
        let columnValues = v["columns"]?.arrayValue?.compactMap(\.stringValue)
        let rowValues = v["rows"]?.arrayValue?.map { $0.arrayValue ?? [] }
        let columns = try #require(columnValues, "\(url.path)")
        let rows = try #require(rowValues, "\(url.path)")
        let wall: Set<String> = ["seconds", "total_seconds"]
        let keep = columns.indices.filter { !wall.contains(columns[$0]) }
        let sameLength = rows.allSatisfy { $0.count == columns.count }
        try #require(sameLength, "\(url.path): a row of another length")
        return (keep.map { columns[$0] }, rows.map { row in keep.map { row[$0] } })
    }
}
