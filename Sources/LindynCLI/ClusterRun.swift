import ArgumentParser
import Foundation
import LindynReport
import LindynValidation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A validation run split over a Slurm job array: what `lindyn cluster submit` records in the run
/// directory as `cluster.json`, and the layout of that directory.
///
/// ```
/// DIR/cluster.json     this record: inputs, fingerprint, resources, every submission's job ids
/// DIR/shard.sbatch     the array task script (task k runs shard k/n)
/// DIR/merge.sbatch     the merge script
/// DIR/shards/K/        shard K's output directory (its journal.jsonl)
/// DIR/tasks/           one line per task: running, or its exit code
/// DIR/logs/            Slurm's output of every task and merge
/// DIR/merged/          the merged tables and plots
/// ```
struct ClusterRun {
    struct Submission {
        var arrayJob: String
        var mergeJob: String?
        var shards: [Int]
        var submitted: String
    }

    static let fileName = "cluster.json"

    var directory: URL
    var lindyn: String
    var files: [String]
    var quick: Bool
    var plots: Bool
    var tasks: Int
    var fingerprint: String
    var grids: [ShardPlan.GridEntry]
    var partition: String?
    var time: String?
    var memory: String?
    var cpusPerTask: Int
    var estimatedMegabytes: Int
    var submissions: [Submission] = []

    var shardScript: URL { directory.appendingPathComponent("shard.sbatch") }
    var mergeScript: URL { directory.appendingPathComponent("merge.sbatch") }
    func shardDirectory(_ k: Int) -> URL { directory.appendingPathComponent("shards").appendingPathComponent(String(k)) }
    var mergedDirectory: URL { directory.appendingPathComponent("merged") }
    var logs: URL { directory.appendingPathComponent("logs") }
    var taskStates: URL { directory.appendingPathComponent("tasks") }
    var totalPoints: Int { ShardPlan.totalPoints(grids) }

    /// The job name: `lindyn-` and the run directory's name, reduced to safe characters.
    var jobName: String {
        let base = directory.lastPathComponent.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
        return "lindyn-" + String((base.isEmpty ? "run" : base).prefix(40))
    }

    // MARK: scripts

    /// The array task script: task k runs shard k/n into shards/k, continuing its journal.
    var shardScriptText: String {
        var validate = [shellQuote(lindyn), "validate"] + files.map(shellQuote)
        validate += ["--out", "\"$out\"", "--shard", "\"$k/\(tasks)\"", "--resume", "--no-plots", "--workers", "\"$workers\""]
        if quick { validate.append("--quick") }
        return """
            #!/bin/bash
            # One shard of a lindyn validation run split into \(tasks) tasks (written by `lindyn cluster submit`).
            # Slurm runs it as array task k; it runs the points of shard k/\(tasks) into shards/k and continues that
            # shard's journal (--resume), so a requeued, preempted or resubmitted task redoes nothing it finished.
            set -u
            run=\(shellQuote(directory.path))
            k=${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task (sbatch --array)}
            out="$run/shards/$k"
            state="$run/tasks/shard-$k"
            workers=${SLURM_CPUS_PER_TASK:-1}
            mkdir -p "$run/shards" "$run/tasks"
            echo "running ${SLURM_JOB_ID:-} $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$state"
            \(validate.joined(separator: " "))
            rc=$?
            # Exit 1: some points disagree. Their results are complete; the merge reports them.
            if [ "$rc" -eq 1 ]; then rc=0; fi
            echo "exit $rc ${SLURM_JOB_ID:-} $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$state"
            exit "$rc"

            """
    }

    /// The merge script: joins shards/1..n into merged/ (the merge refuses an incomplete set).
    var mergeScriptText: String {
        var merge = [shellQuote(lindyn), "validate", "merge", "\"${shards[@]}\"", "--out", "\"$run/merged\""]
        if !plots { merge.append("--no-plots") }
        return """
            #!/bin/bash
            # The merge of a lindyn validation run split into \(tasks) tasks (written by `lindyn cluster submit`);
            # submitted to start once every array task has succeeded.
            set -u
            run=\(shellQuote(directory.path))
            mkdir -p "$run/tasks"
            echo "running ${SLURM_JOB_ID:-} $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$run/tasks/merge"
            shards=()
            for k in $(seq 1 \(tasks)); do shards+=("$run/shards/$k"); done
            \(merge.joined(separator: " "))
            rc=$?
            echo "exit $rc ${SLURM_JOB_ID:-} $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$run/tasks/merge"
            # Exit 1: the merged run has disagreeing points (see merged/README.md); the tables are complete.
            if [ "$rc" -eq 1 ]; then rc=0; fi
            exit "$rc"

            """
    }

    /// Resource options shared by the array and the merge.
    var resourceArguments: [String] {
        var a: [String] = []
        if let partition { a.append("--partition=\(partition)") }
        if let time { a.append("--time=\(time)") }
        if let memory { a.append("--mem=\(memory)") }
        return a
    }

    /// sbatch's arguments for the array of `shards`.
    func arrayArguments(_ shards: [Int]) -> [String] {
        ["--parsable", "--job-name=\(jobName)", "--array=\(Self.ranges(shards))", "--cpus-per-task=\(cpusPerTask)", "--requeue", "--open-mode=append",
         "--output=\(slurmFilePattern(logs.path))/shard-%a-%A.out"] + resourceArguments + [shardScript.path]
    }

    /// sbatch's arguments for the merge, after `arrayJob` succeeds (none: at once).
    func mergeArguments(after arrayJob: String?) -> [String] {
        var a = ["--parsable", "--job-name=\(jobName)-merge", "--cpus-per-task=\(cpusPerTask)", "--output=\(slurmFilePattern(logs.path))/merge-%j.out"]
        if let arrayJob { a += ["--dependency=afterok:\(arrayJob)", "--kill-on-invalid-dep=yes"] }
        return a + resourceArguments + [mergeScript.path]
    }

    /// `1-3,5,7-8`: Slurm's array index list.
    static func ranges(_ values: [Int]) -> String {
        let sorted = Array(Set(values)).sorted()
        var parts: [String] = []
        var k = 0
        while k < sorted.count {
            var j = k
            while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(j == k ? "\(sorted[k])" : "\(sorted[k])-\(sorted[j])")
            k = j + 1
        }
        return parts.joined(separator: ",")
    }

    // MARK: record

    var json: JSONValue {
        var o: JSONObject = ["lindyn_cluster_run": 1]
        o["fingerprint"] = .string(fingerprint)
        o["lindyn"] = .string(lindyn)
        o["files"] = .array(files.map(JSONValue.string))
        o["quick"] = .bool(quick)
        o["plots"] = .bool(plots)
        o["tasks"] = .integer(tasks)
        o["points"] = .integer(totalPoints)
        o["grids"] = .array(grids.map { ["name": .string($0.name), "fingerprint": .string($0.fingerprint), "points": .integer($0.points)] })
        o["partition"] = partition.map(JSONValue.string) ?? .null
        o["time"] = time.map(JSONValue.string) ?? .null
        o["mem"] = memory.map(JSONValue.string) ?? .null
        o["cpus_per_task"] = .integer(cpusPerTask)
        o["estimated_memory_mb"] = .integer(estimatedMegabytes)
        o["submissions"] = .array(submissions.map { s in
            ["array_job": .string(s.arrayJob), "merge_job": s.mergeJob.map(JSONValue.string) ?? .null,
             "shards": .array(s.shards.map { .integer($0) }), "submitted": .string(s.submitted)]
        })
        return .object(o)
    }

    func write() throws {
        do {
            try writeAtomically(json.serialized(.pretty) + "\n", to: directory.appendingPathComponent(Self.fileName))
        } catch {
            printError("\(directory.path): cannot write \(Self.fileName) (\(error))")
            throw ExitCode(74)
        }
    }

    /// Reads `DIR/cluster.json`: a missing record is a usage error (64), a damaged one a bad input file (65).
    static func read(_ path: String) throws -> ClusterRun {
        let directory = URL(fileURLWithPath: path).standardizedFileURL
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            printError("\(path) holds no cluster run (no \(fileName)); start one with `lindyn cluster submit FILE... --out \(path) --tasks N`")
            throw ExitCode(64)
        }
        func bad(_ what: String) -> ExitCode {
            printError("\(url.path): \(what); the file is written by `lindyn cluster submit` and should not be edited")
            return ExitCode(65)
        }
        guard let data = FileManager.default.contents(atPath: url.path), data.count < 64 << 20 else { throw bad("cannot be read") }
        let v: JSONValue
        do { v = try JSONValue.parse(String(decoding: data, as: UTF8.self)) } catch { throw bad("is not valid JSON (\(error))") }
        guard case .integer(1)? = v["lindyn_cluster_run"] else { throw bad("is not a lindyn cluster record (lindyn_cluster_run)") }
        guard let fingerprint = v["fingerprint"]?.stringValue else { throw bad("lacks fingerprint") }
        guard let lindyn = v["lindyn"]?.stringValue else { throw bad("lacks lindyn") }
        guard let files = v["files"]?.arrayValue?.compactMap(\.stringValue), !files.isEmpty else { throw bad("lacks files") }
        guard case .integer(let tasks)? = v["tasks"], tasks >= 1 else { throw bad("tasks must be a positive integer") }
        guard case .integer(let cpus)? = v["cpus_per_task"], cpus >= 1 else { throw bad("cpus_per_task must be a positive integer") }
        var grids: [ShardPlan.GridEntry] = []
        for g in v["grids"]?.arrayValue ?? [] {
            guard let name = g["name"]?.stringValue, let f = g["fingerprint"]?.stringValue, case .integer(let n)? = g["points"], n >= 0 else { throw bad("grids: each entry needs name, fingerprint and points") }
            grids.append(.init(name: name, fingerprint: f, points: n))
        }
        guard !grids.isEmpty else { throw bad("lacks grids") }
        guard ShardPlan.fingerprint(grids, shards: tasks) == fingerprint else { throw bad("its fingerprint does not match its grids and tasks") }
        var estimated = 0
        if case .integer(let e)? = v["estimated_memory_mb"] { estimated = e }
        var run = ClusterRun(
            directory: directory, lindyn: lindyn, files: files, quick: v["quick"] == .bool(true), plots: v["plots"] != .bool(false), tasks: tasks,
            fingerprint: fingerprint, grids: grids, partition: v["partition"]?.stringValue, time: v["time"]?.stringValue, memory: v["mem"]?.stringValue,
            cpusPerTask: cpus, estimatedMegabytes: estimated)
        for s in v["submissions"]?.arrayValue ?? [] {
            guard let array = s["array_job"]?.stringValue else { throw bad("submissions: each entry needs array_job") }
            let shards = (s["shards"]?.arrayValue ?? []).compactMap { value -> Int? in if case .integer(let k) = value { return k } else { return nil } }
            guard !shards.isEmpty || array.isEmpty, shards.allSatisfy({ (1...tasks).contains($0) }) else { throw bad("submissions: shards must lie in 1...\(tasks)") }
            run.submissions.append(Submission(arrayJob: array, mergeJob: s["merge_job"]?.stringValue, shards: shards, submitted: s["submitted"]?.stringValue ?? ""))
        }
        return run
    }

    // MARK: state

    /// The latest submission's array job that ran shard `k`.
    func latestJob(forShard k: Int) -> String? {
        submissions.last { $0.shards.contains(k) && !$0.arrayJob.isEmpty }?.arrayJob
    }

    /// The latest merge job.
    var latestMerge: String? { submissions.last { $0.mergeJob != nil }?.mergeJob }

    /// What a task wrote in `tasks/NAME`: `running JOB HOST TIME` or `exit RC JOB TIME`.
    func recordedState(_ name: String) -> (word: String, code: Int?, job: String?)? {
        guard let data = FileManager.default.contents(atPath: taskStates.appendingPathComponent(name).path) else { return nil }
        let words = String(decoding: data.prefix(4096), as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard let first = words.first else { return nil }
        if first == "exit" { return ("exit", words.count > 1 ? Int(words[1]) : nil, words.count > 2 ? words[2] : nil) }
        return (first, nil, words.count > 1 ? words[1] : nil)
    }

    /// Every job id this run submitted (arrays and merges).
    var allJobs: [String] { submissions.flatMap { [$0.arrayJob] + ($0.mergeJob.map { [$0] } ?? []) }.filter { !$0.isEmpty } }
}

/// The running `lindyn` executable, by absolute path (array tasks run this same build).
func currentExecutable() -> String {
    if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
    if let path = Bundle.main.executablePath { return URL(fileURLWithPath: path).standardizedFileURL.path }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}

/// An exclusive lock on a run directory while a cluster command changes its record, so that two
/// `submit` or `resubmit` commands cannot submit the same shards twice. Released on `unlock()` or
/// when the process ends.
final class RunDirectoryLock {
    private let fd: Int32

    init(_ directory: URL) throws {
        let path = directory.appendingPathComponent(".cluster.lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            printError("\(directory.path): cannot create the lock file .cluster.lock (\(String(cString: strerror(errno)))); choose a writable directory")
            throw ExitCode(74)
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            printError("\(directory.path) is in use by another `lindyn cluster` command; wait for it to finish and try again")
            throw ExitCode(64)
        }
    }

    func unlock() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// The current time, UTC, ISO 8601.
func utcNow() -> String {
    let f = ISO8601DateFormatter()
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: Date())
}
