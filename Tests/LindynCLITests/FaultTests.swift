import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Faults around `lindyn validate`, through the real binary: a second run on the same directory,
/// signals at seeded random moments, a full disk (an injected write limit, and a small tmpfs when
/// the tests run as root and may mount one), a directory where a file would go, and closed or
/// full standard streams. Each asserts that no result is lost or mixed: the previous tables stay
/// byte for byte until a new set is complete, and `--resume` after any interruption gives the
/// tables of an uninterrupted run.
@Suite(.serialized) struct FaultTests {
    /// Twelve cheap points (Saxe modes, alpha s <= 0.03), so that a run lasts long enough to be
    /// interrupted (about a second on one worker) and short enough to repeat.
    static let grid = """
        {"name": "faults", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 400, "points": 81},
         "grid": {"model.s": [0.5, 1, 1.5, 2, 2.5, 3], "model.weight_decay": [0, 0.1]},
         "steppers": ["rk8pd", "rkf45", "bsimp"], "tolerances": [1e-8, 1e-10], "plots": {"trajectories": [0, 5]}}
        """

    static func scratch(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-faults-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The grid file and an uninterrupted run of it (the reference tables).
    static let reference: (grid: URL, directory: URL) = {
        let base = scratch("reference")
        let file = base.appendingPathComponent("faults.json")
        try? grid.write(to: file, atomically: true, encoding: .utf8)
        let out = base.appendingPathComponent("out")
        let r = try? Launched.run(["validate", file.path, "--out", out.path, "--workers", "1"])
        precondition(r?.status == 0, "the reference run failed: \(String(describing: r))")
        return (file, out)
    }()

    static func run(_ out: URL, _ extra: [String] = [], environment: [String: String] = [:]) throws -> Outcome {
        try Launched.run(["validate", reference.grid.path, "--out", out.path, "--workers", "1"] + extra, environment: environment)
    }

    /// The tables of `directory` are those of the uninterrupted run (wall times aside).
    static func expectReferenceTables(_ directory: URL, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for name in ["errors.csv", "stiffness.csv", "summary.csv"] {
            #expect(csvWithoutSeconds(directory.appendingPathComponent(name)) == csvWithoutSeconds(reference.directory.appendingPathComponent(name)),
                    "\(name) differs from the uninterrupted run (\(context))", sourceLocation: sourceLocation)
        }
        let files = Set(resultFiles(directory).keys), expected = Set(resultFiles(reference.directory).keys)
        #expect(files == expected, "files \(files.symmetricDifference(expected).sorted()) (\(context))", sourceLocation: sourceLocation)
    }

    @Test func lockedDirectoryIsRefusedNamingTheHolder() throws {
        let out = Self.scratch("locked")
        let fd = open(out.appendingPathComponent(".lindyn.lock").path, O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        let holder = "pid 4242 on cluster-node-7, started 2026-12-01T09:00:00Z: lindyn validate grids --out results\n"
        _ = holder.withCString { write(fd, $0, strlen($0)) }
        let refused = try Self.run(out)
        #expect(refused.status == 74, "\(refused)")
        #expect(refused.stderr.contains("in use by another lindyn run (pid 4242 on cluster-node-7, started 2026-12-01T09:00:00Z: lindyn validate grids --out results)"), "\(refused.stderr)")
        #expect(resultFiles(out).isEmpty)
        close(fd)
        let after = try Self.run(out)
        #expect(after.status == 0, "\(after)")
        Self.expectReferenceTables(out, "after the lock was released")
    }

    /// Two runs started together on one directory: one holds it, the other exits 74 naming it
    /// (or runs after it); the tables are one run's, and the journal resumes whole.
    @Test func concurrentRunsNeverMix() throws {
        for round in 0..<3 {
            let out = Self.scratch("concurrent-\(round)")
            let a = try Launched(["validate", Self.reference.grid.path, "--out", out.path, "--workers", "1"])
            let b = try Launched(["validate", Self.reference.grid.path, "--out", out.path, "--workers", "1"])
            let results = [a.wait(timeout: 120), b.wait(timeout: 120)]
            #expect(results.allSatisfy { !$0.signaled && !$0.timedOut && [0, 74].contains($0.status) }, "\(results)")
            #expect(results.contains { $0.status == 0 }, "\(results)")
            for r in results where r.status == 74 {
                #expect(r.stderr.contains("is in use by another lindyn run (pid \(r.stderr.contains("pid \(a.pid)") ? a.pid : b.pid) on "), "\(r.stderr)")
            }
            Self.expectReferenceTables(out, "round \(round)")
            let resumed = try Self.run(out, ["--resume", "--no-plots"])
            #expect(resumed.status == 0 && resumed.stdout.contains("(12 resumed from the journal)"), "\(resumed)")
        }
    }

    /// SIGINT, SIGTERM and SIGKILL at seeded random moments of plain and resumed runs over a
    /// directory holding an earlier complete run: until a run completes, the directory shows the
    /// earlier run byte for byte; SIGINT and SIGTERM print one line saying what was kept and how
    /// to resume; `--resume` then gives the uninterrupted run's tables.
    @Test func signalsThenResumeGiveTheUninterruptedTables() throws {
        let out = Self.scratch("signals")
        let first = try Self.run(out)
        #expect(first.status == 0)
        // Signals fall anywhere in a run: the delays are spread over the length of this one.
        let length = max(0.2, first.seconds)
        var previous = resultFiles(out)
        var generator = SplitMix(seed: 9)
        var interrupted = 0
        for (round, number) in [SIGINT, SIGTERM, SIGKILL, SIGKILL, SIGINT, SIGKILL].enumerated() {
            let resume = round % 2 == 1
            let delay = (0.02 + Double(generator.next() % 1000) / 1000 * 0.9) * length
            let process = try Launched(["validate", Self.reference.grid.path, "--out", out.path, "--workers", "1"] + (resume ? ["--resume"] : []))
            usleep(UInt32(delay * 1e6))
            process.signal(number)
            let r = process.wait(timeout: 120)
            let context = "round \(round), signal \(number) after \(delay) s, \(r)"
            #expect(!r.timedOut, "\(context)")
            if r.status == 0 && !r.signaled {
                // Finished before the signal: a complete new set.
                Self.expectReferenceTables(out, context)
            } else {
                interrupted += 1
                if number == SIGKILL {
                    #expect(r.signaled && r.status == SIGKILL, "\(context)")
                } else {
                    #expect(!r.signaled && r.status == 128 + number, "\(context)")
                    let lines = r.stderr.split(separator: "\n")
                    #expect(lines.count == 1 && lines[0].contains("interrupted by SIG") && lines[0].contains("--resume"), "\(context)")
                }
                // A kill in the last moments may have caught the switch of the new set (its
                // marker is still there, and the next run finishes it) or come after it (the
                // journal, which is moved after every other file, has left the staging
                // directory: the new set is in place whole). Otherwise the earlier run is there,
                // unchanged, byte for byte.
                let now = resultFiles(out)
                let staging = out.appendingPathComponent(".lindyn-staging")
                let switching = FileManager.default.fileExists(atPath: staging.appendingPathComponent(".complete").path)
                let switched = !FileManager.default.fileExists(atPath: staging.appendingPathComponent("journal.jsonl").path)
                #expect(now == previous || switching || switched, "the earlier results changed (\(context)): \(Set(now.keys).symmetricDifference(previous.keys).sorted())")
                if switched && !switching && now != previous {
                    // Every file of the set is the new run's: the journal moved last, so nothing old is left.
                    Self.expectReferenceTables(out, "killed after the switch, \(context)")
                }
                let resumed = try Self.run(out, ["--resume"])
                #expect(resumed.status == 0, "resume after \(context): \(resumed)")
                Self.expectReferenceTables(out, "resumed after \(context)")
            }
            previous = resultFiles(out)
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(".lindyn-staging").path))
        }
        #expect(interrupted >= 3, "only \(interrupted) of 6 runs were interrupted; the delays are too long for this machine")
    }

    /// Writes that fail with ENOSPC after a number of bytes (the fault hook of the file writer):
    /// the run exits 74 naming the failure, the previous results are intact, and the next run
    /// completes.
    @Test func fullDiskLeavesThePreviousResultsIntact() throws {
        let out = Self.scratch("full")
        #expect(try Self.run(out).status == 0)
        let previous = resultFiles(out)
        for limit in [0, 700, 9_000, 60_000, 150_000] {
            let r = try Self.run(out, environment: ["LINDYN_FAULT_WRITE_LIMIT": String(limit)])
            #expect(!r.signaled && [0, 74].contains(r.status), "limit \(limit): \(r)")
            if r.status == 74 {
                #expect(r.stderr.contains("No space left on device"), "limit \(limit): \(r.stderr)")
                #expect(resultFiles(out) == previous, "limit \(limit): the previous results changed")
            }
            if limit == 0 { #expect(r.status == 74) }
        }
        let resumed = try Self.run(out, ["--resume"])
        #expect(resumed.status == 0, "\(resumed)")
        Self.expectReferenceTables(out, "after the disk had room again")
        // A real small file system, where the tests may mount one.
        try Self.onSmallTmpfs { mount in
            #expect(try Self.run(mount).status == 0)
            let before = resultFiles(mount)
            let full = try Self.run(mount)
            #expect(full.status == 74 && full.stderr.contains("No space left on device"), "\(full)")
            #expect(resultFiles(mount) == before)
        }
    }

    /// Mounts a tmpfs a little larger than one result set (the second set cannot fit beside the
    /// first) when running as root and mount is allowed; otherwise does nothing.
    nonisolated(unsafe) static var mountedTmpfs = false

    static func onSmallTmpfs(_ body: (URL) throws -> Void) throws {
        guard getuid() == 0 else { return }
        let pages = resultFiles(reference.directory).values.reduce(0) { $0 + ($1.count + 4095) / 4096 } + 8
        let mount = scratch("tmpfs")
        let m = Process()
        m.executableURL = URL(fileURLWithPath: "/bin/mount")
        m.arguments = ["-t", "tmpfs", "-o", "size=\(pages * 4096 * 3 / 2)", "tmpfs", mount.path]
        m.standardError = FileHandle(forWritingAtPath: "/dev/null")
        guard (try? m.run()) != nil else { return }
        m.waitUntilExit()
        guard m.terminationStatus == 0 else { return }
        mountedTmpfs = true
        defer {
            let u = Process()
            u.executableURL = URL(fileURLWithPath: "/bin/umount")
            u.arguments = [mount.path]
            try? u.run()
            u.waitUntilExit()
        }
        try body(mount)
    }

    /// A directory where the journal or a table would go is refused and never deleted.
    @Test func foreignDirectoryIsNeverDeleted() throws {
        for name in ["journal.jsonl", "errors.csv"] {
            let out = Self.scratch("foreign")
            let inside = out.appendingPathComponent(name).appendingPathComponent("keep.txt")
            try FileManager.default.createDirectory(at: inside.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "mine".write(to: inside, atomically: true, encoding: .utf8)
            for extra in [[], ["--resume"]] {
                let r = try Self.run(out, extra)
                #expect(r.status == 74 && r.stderr.contains("not a file Lindyn wrote"), "\(name) \(extra): \(r)")
                #expect(try String(contentsOf: inside, encoding: .utf8) == "mine")
            }
        }
    }

    /// Closed or unusable standard streams end with one line on standard error and a documented
    /// exit code, never a crash.
    @Test func closedAndFullStandardStreams() throws {
        let problem = "Validation/problems/saxe-mode.json"
        let out = Self.scratch("streams")
        let cases: [(arguments: [String], redirection: String, status: Int32, says: String)] = [
            (["solve", problem], ">&-", 74, "standard output: it is closed"),
            (["formula", problem, "--format", "json"], "> /dev/full", 74, "No space left on device"),
            (["descend", problem, "--format", "csv"], ">&-", 74, "standard output"),
            (["validate", Self.reference.grid.path, "--out", out.path, "--no-plots"], "> /dev/full", 74, "standard output"),
            (["solve", "-"], "<&-", 74, "standard input is closed"),
            (["solve", "-"], "< /dev/zero", 65, "larger than 64 MiB"),
            (["solve", "/dev/zero"], "", 65, "larger than 64 MiB"),
            (["solve", "-"], "< /dev/null", 65, "-:"),
        ]
        for c in cases {
            let r = try Launched.run(c.arguments, redirection: c.redirection.isEmpty ? nil : c.redirection, timeout: 60)
            #expect(!r.signaled && r.status == c.status, "\(c.arguments) \(c.redirection): \(r)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && r.stderr.contains(c.says), "\(c.arguments) \(c.redirection): \(r.stderr)")
        }
        // A closed standard error: the error has nowhere to go, but the exit code still tells.
        let quiet = try Launched.run(["solve", "no-such-file.json"], redirection: "2>&-")
        #expect(!quiet.signaled && quiet.status == 64, "\(quiet)")
    }
}
