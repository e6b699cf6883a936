import Foundation
import Testing

/// `lindyn cluster` without a scheduler: option checks, the memory check, the scripts a dry run
/// prints, and status and resubmit on directories that are not (or not yet) cluster runs.
@Suite struct ClusterCommandTests {
    static let grid = "Validation/grids/saxe-modes.json"  // 16 points of one variable

    static func temporary(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-cluster-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Each bad option exits 64 with a one-line error naming the option.
    @Test(arguments: [
        (["--tasks", "0"], "--tasks"), (["--tasks", "-3"], "--tasks"), (["--tasks", "17"], "--tasks 17 is more than the 16 points"),
        (["--tasks", "200000"], "--tasks"), (["--tasks", "2", "--mem", "0"], "--mem"), (["--tasks", "2", "--mem", "-1G"], "--mem"),
        (["--tasks", "2", "--mem", "4X"], "--mem"), (["--tasks", "2", "--mem", "G"], "--mem"), (["--tasks", "2", "--mem", "1.5G"], "--mem"),
        (["--tasks", "2", "--mem", "10M"], "--mem 10M is less than"), (["--tasks", "2", "--time", "0"], "--time"),
        (["--tasks", "2", "--time", "1:75"], "--time"), (["--tasks", "2", "--time", "soon"], "--time"), (["--tasks", "2", "--time", "1-2-3"], "--time"),
        (["--tasks", "2", "--partition", "a b"], "--partition"), (["--tasks", "2", "--partition", "x;rm"], "--partition"),
        (["--tasks", "2", "--partition", ""], "--partition"), (["--tasks", "2", "--cpus-per-task", "0"], "--cpus-per-task"),
        (["--tasks", "2", "--cpus-per-task", "5000"], "--cpus-per-task"),
    ])
    func badOptionsExit64(_ options: [String], _ named: String) throws {
        let out = Self.temporary("bad").appendingPathComponent("run")
        let r = try LindynRun.run(["cluster", "submit", Self.grid, "--out", out.path, "--dry-run"] + options)
        #expect(r.status == 64, "\(options): \(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains(named), "\(options): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written for a refused submission")
    }

    @Test func badInputsAreRefused() throws {
        let out = Self.temporary("inputs").appendingPathComponent("run").path
        let stdin = try LindynRun.run(["cluster", "submit", "-", "--out", out, "--tasks", "1", "--dry-run"], stdin: "{}")
        #expect(stdin.status == 64)
        #expect(stdin.stderr.contains("standard input"))
        let missing = try LindynRun.run(["cluster", "submit", "no-such-grid.json", "--out", out, "--tasks", "1", "--dry-run"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no-such-grid.json"))
        let badFile = Self.temporary("badgrid").appendingPathComponent("g.json")
        try #"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "grid": {"model.u0": [-1]}}"#.write(to: badFile, atomically: true, encoding: .utf8)
        let bad = try LindynRun.run(["cluster", "submit", badFile.path, "--out", out, "--tasks", "1", "--dry-run"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("model.u0"))
        let noTasks = try LindynRun.run(["cluster", "submit", Self.grid, "--out", out, "--dry-run"])
        #expect(noTasks.status == 64)
    }

    /// The dry run prints both scripts with every path quoted for the shell, the array and the
    /// dependent merge, and writes nothing.
    @Test func dryRunPrintsQuotedScripts() throws {
        let parent = Self.temporary("dry")
        let out = parent.appendingPathComponent("it's a run")
        let r = try LindynRun.run([
            "cluster", "submit", Self.grid, "Validation/grids/seed-scalar.json", "--out", out.path, "--tasks", "3", "--mem", "2G",
            "--time", "1:00:00", "--partition", "short", "--cpus-per-task", "2", "--dry-run",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("run='\(parent.path)/it'\\''s a run'"), "\(r.stdout)")
        #expect(r.stdout.contains("--shard \"$k/3\" --resume"))
        #expect(r.stdout.contains("--workers \"$workers\""))
        #expect(r.stdout.contains("workers=${SLURM_CPUS_PER_TASK:-1}"))
        #expect(r.stdout.contains("\(LindynRun.repositoryRoot.path)/Validation/grids/saxe-modes.json"), "input paths are absolute")
        #expect(r.stdout.contains("--array=1-3 --cpus-per-task=2"))
        #expect(r.stdout.contains("--partition=short --time=1:00:00 --mem=2G"))
        #expect(r.stdout.contains("--dependency=afterok:ARRAY_JOB_ID --kill-on-invalid-dep=yes"))
        #expect(r.stdout.contains("validate merge \"${shards[@]}\" --out \"$run/merged\""))
        #expect(r.stdout.contains("40 points in 3 tasks"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// The memory estimate grows with the cores per task: twice the points at once need more.
    @Test func memoryCheckCountsPointsRunAtOnce() throws {
        let grid = Self.temporary("mem").appendingPathComponent("wide.json")
        // Two 30 x 30 layers: 1800 variables.
        try #"{"model": {"kind": "network", "widths": [30, 30, 30], "singular_values": [3, 2, 1], "init": {"kind": "decoupled", "u0": 0.001}, "tau": 10}, "time": {"end": 20, "points": 11}, "grid": {"model.tau": [10, 20]}, "steppers": ["rk8pd"], "tolerances": [1e-8]}"#
            .write(to: grid, atomically: true, encoding: .utf8)
        let out = Self.temporary("mem").appendingPathComponent("run").path
        // The estimate (ShardPlan.pointMemory): ten 1800 x 1800 matrices of doubles, 247 MiB, plus the
        // 64 MiB base: about 312 MiB for one point at once (200M refused, 400M enough) and 560 MiB
        // for two (400M refused).
        let refused = try LindynRun.run(["cluster", "submit", grid.path, "--out", out, "--tasks", "2", "--mem", "200M", "--dry-run"])
        #expect(refused.status == 64, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("1800 variables"), "\(refused.stderr)")
        let one = try LindynRun.run(["cluster", "submit", grid.path, "--out", out, "--tasks", "2", "--mem", "400M", "--dry-run"])
        #expect(one.status == 0, "\(one.stderr)")
        let two = try LindynRun.run(["cluster", "submit", grid.path, "--out", out, "--tasks", "2", "--mem", "400M", "--cpus-per-task", "2", "--dry-run"])
        #expect(two.status == 64, "two points at once: \(two.stderr)")
    }

    @Test func statusAndResubmitNeedAClusterRun() throws {
        let empty = Self.temporary("empty")
        for command in ["status", "resubmit"] {
            let r = try LindynRun.run(["cluster", command, empty.path])
            #expect(r.status == 64, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("holds no cluster run"))
        }
        try "{\"lindyn_cluster_run\": 1, \"tasks\": 0}".write(to: empty.appendingPathComponent("cluster.json"), atomically: true, encoding: .utf8)
        let damaged = try LindynRun.run(["cluster", "status", empty.path])
        #expect(damaged.status == 65, "\(damaged.stderr)")
        #expect(damaged.stderr.contains("cluster.json"))
    }
}
