import ArgumentParser
import Foundation
import LindynValidation

/// `lindyn cluster submit|status|resubmit`: validation grids as Slurm job arrays.
public struct ClusterCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Run validation grids on a Slurm cluster: a job array of shards plus a dependent merge; track and recover it.",
        discussion: """
            `submit` splits the grids into N shards (shard k runs every N-th point, as `validate --shard k/N`), submits them \
            as one job array with a merge job that starts when every task succeeded, and records the job ids in DIR/cluster.json. \
            `status` reports each shard from its journal and the scheduler; `resubmit` submits again only the shards that are \
            incomplete (each continues its own journal) and the merge. Exit 69 when Slurm's tools are missing or refuse a job.
            """,
        subcommands: [ClusterSubmitCommand.self, ClusterStatusCommand.self, ClusterResubmitCommand.self])

    public init() {}
}

/// The largest `--tasks` and `--cpus-per-task` accepted; the cluster's own MaxArraySize (1001 by
/// default, task ids up to 1000) is asked with scontrol when submitting.
let maximumTasks = 100_000
let maximumCPUsPerTask = 1024

public struct ClusterSubmitCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit validation grids as a Slurm job array of N shards plus a dependent merge job.",
        discussion: """
            Writes DIR/shard.sbatch and DIR/merge.sbatch, submits the array (task k runs shard k/N into DIR/shards/k with --resume, \
            using SLURM_CPUS_PER_TASK workers) and the merge (--dependency=afterok, into DIR/merged), and records the job ids and \
            the run's fingerprint in DIR/cluster.json. The memory a task needs is estimated from the largest point and checked \
            against --mem before anything is submitted. --dry-run prints the scripts and sbatch commands and changes nothing. \
            Paths are made absolute: DIR, the grid files and this lindyn binary must be visible on the compute nodes.
            """)

    @Argument(help: "Grid files (JSON), or directories of them.")
    public var files: [String]

    @Option(name: .long, help: "Run directory (new, or empty).")
    public var out: String

    @Option(name: .long, help: "Array tasks N (shards), 1 <= N <= the number of points.")
    public var tasks: Int

    @Option(name: .long, help: "Slurm partition (sbatch --partition).")
    public var partition: String?

    @Option(name: .long, help: "Time limit per task in Slurm's format, e.g. 30, 2:00:00 or 1-00:00:00 (sbatch --time).")
    public var time: String?

    @Option(name: .long, help: "Memory per task in Slurm's format, e.g. 500M or 4G (sbatch --mem); checked against the estimate.")
    public var mem: String?

    @Option(name: .customLong("cpus-per-task"), help: "Cores per task; each task runs that many points at once.")
    public var cpusPerTask: Int = 1

    @Flag(name: .long, help: "A quick run: each axis keeps its first and last value, two steppers, the tightest tolerance.")
    public var quick = false

    @Flag(name: .customLong("no-plots"), help: "The merge writes the tables only.")
    public var noPlots = false

    @Flag(name: .customLong("dry-run"), help: "Print the scripts and sbatch commands; write and submit nothing.")
    public var dryRun = false

    public init() {}

    public mutating func validate() throws {
        guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1, got \(tasks)") }
        guard tasks <= maximumTasks else { throw ValidationError("--tasks must be at most \(maximumTasks), got \(tasks)") }
        guard (1...maximumCPUsPerTask).contains(cpusPerTask) else {
            throw ValidationError("--cpus-per-task must be between 1 and \(maximumCPUsPerTask), got \(cpusPerTask)")
        }
        if let mem, SlurmFormat.memory(mem) == nil {
            throw ValidationError("--mem expects a positive size in Slurm's format such as 500M, 4G or 1024 (megabytes), got '\(mem)'")
        }
        if let time, !SlurmFormat.isTime(time) {
            throw ValidationError("--time expects a positive limit in Slurm's format (minutes, HH:MM:SS or D-HH:MM:SS), got '\(time)'")
        }
        if let partition, !SlurmFormat.isPartition(partition) {
            throw ValidationError("--partition expects a partition name (letters, digits, _ . -; several separated by commas), got '\(partition)'")
        }
        if out.isEmpty { throw ValidationError("--out needs a directory name") }
        if files.contains("-") { throw ValidationError("array tasks cannot read standard input: give grid files instead of '-'") }
    }

    public func run() throws {
        let paths = try expandGridFiles(files)
        var grids = try loadGrids(paths)
        if quick { grids = grids.map { $0.reduced() } }
        let entries = grids.map(ShardPlan.GridEntry.init)
        let points = ShardPlan.totalPoints(entries)
        guard tasks <= points else {
            printError("--tasks \(tasks) is more than the \(points) point\(points == 1 ? "" : "s") of the run; use at most \(points) tasks")
            throw ExitCode(64)
        }
        let estimate = ShardPlan.taskMemory(grids, workers: cpusPerTask)
        let estimatedMB = (estimate + (1 << 20) - 1) >> 20
        let largest = ShardPlan.largestPoint(grids)
        let memory = mem.flatMap(SlurmFormat.memory)
        if let memory, memory.megabytes < estimatedMB {
            var why = "--mem \(memory.text) is less than the \(estimatedMB) MB a task is estimated to need"
            if let largest {
                why += " (\(cpusPerTask) point\(cpusPerTask == 1 ? "" : "s") at once; the largest, \(largest.grid) #\(largest.point), has \(largest.variables) variable\(largest.variables == 1 ? "" : "s") and \(largest.outputs) output times)"
            }
            printError(why + "; give --mem \(estimatedMB)M or more, or fewer --cpus-per-task")
            throw ExitCode(64)
        }
        let directory = URL(fileURLWithPath: out).standardizedFileURL
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(ClusterRun.fileName).path) {
            printError("\(out) already holds a cluster run; follow it with `lindyn cluster status \(out)`, recover it with `lindyn cluster resubmit \(out)`, or choose another --out")
            throw ExitCode(64)
        }
        var run = ClusterRun(
            directory: directory, lindyn: currentExecutable(), files: paths, quick: quick, plots: !noPlots, tasks: tasks,
            fingerprint: ShardPlan.fingerprint(entries, shards: tasks), grids: entries, partition: partition, time: time,
            memory: memory?.text, cpusPerTask: cpusPerTask, estimatedMegabytes: estimatedMB)
        let shards = Array(1...tasks)
        if dryRun {
            var text = "# \(run.shardScript.path)\n" + run.shardScriptText + "\n# \(run.mergeScript.path)\n" + run.mergeScriptText
            text += "\n# submitted with\n"
            text += (["sbatch"] + run.arrayArguments(shards)).map(shellQuote).joined(separator: " ") + "\n"
            text += (["sbatch"] + run.mergeArguments(after: "ARRAY_JOB_ID")).map(shellQuote).joined(separator: " ") + "\n"
            text += "# \(points) point\(points == 1 ? "" : "s") in \(tasks) task\(tasks == 1 ? "" : "s"); estimated memory per task \(estimatedMB) MB; fingerprint \(run.fingerprint). Dry run: nothing written or submitted.\n"
            emit(text)
            return
        }
        guard SlurmTools.find("sbatch") != nil else {
            printError("sbatch not found on PATH: run this on a Slurm login node, or use --dry-run to see the scripts")
            throw ExitCode(69)
        }
        try checkArraySize(tasks)
        _ = try prepareOutputDirectory(out)
        let lock = try RunDirectoryLock(directory)
        defer { lock.unlock() }
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(ClusterRun.fileName).path) {
            printError("\(out) already holds a cluster run; choose another --out")
            throw ExitCode(64)
        }
        for d in [run.logs, run.taskStates, run.directory.appendingPathComponent("shards")] {
            try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        }
        try writeScript(run.shardScriptText, to: run.shardScript)
        try writeScript(run.mergeScriptText, to: run.mergeScript)
        let submission = try submit(&run, shards: shards, merge: true)
        emit("""
            Submitted \(points) point\(points == 1 ? "" : "s") in \(grids.count) grid\(grids.count == 1 ? "" : "s") as job array \(submission.arrayJob) \
            (\(tasks) task\(tasks == 1 ? "" : "s"), \(cpusPerTask) CPU\(cpusPerTask == 1 ? "" : "s") each\(memory.map { ", \($0.text) each" } ?? "")) \
            and merge job \(submission.mergeJob ?? "?") (starts when every task succeeded).
            Estimated memory per task: \(estimatedMB) MB\(memory == nil ? " (no --mem given: the cluster's default applies)" : "").
            Run directory: \(directory.path) (cluster.json, logs/, shards/, merged/ when done); fingerprint \(run.fingerprint).
            Follow it with: lindyn cluster status \(shellQuote(out))

            """)
    }
}

public struct ClusterStatusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per shard: points done, failed and left (from the journals), the task's state (from squeue, sacct or scontrol), and what to do next.")

    @Argument(help: "Run directory of `lindyn cluster submit`.")
    public var directory: String

    @Option(name: .long, help: "Output format: table or json.")
    public var format: OutputFormat = .table

    public init() {}

    public mutating func validate() throws {
        if format == .csv { throw ValidationError("--format for status is table or json") }
    }

    public func run() throws {
        let run = try ClusterRun.read(directory)
        let report = ClusterStatus.gather(run)
        emit(format == .json ? report.json.serialized(.pretty) + "\n" : report.text(directoryArgument: directory))
    }
}

public struct ClusterResubmitCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "resubmit",
        abstract: "Submit again only the shards whose journals are incomplete (each continues its journal), and the merge after them.",
        discussion: "Refused while a task of the run is still pending or running, or when a grid file changed since the run was submitted.")

    @Argument(help: "Run directory of `lindyn cluster submit`.")
    public var directory: String

    @Flag(name: .customLong("dry-run"), help: "Print what would be submitted; submit nothing.")
    public var dryRun = false

    public init() {}

    public func run() throws {
        var run = try ClusterRun.read(directory)
        let lock = try RunDirectoryLock(run.directory)
        defer { lock.unlock() }
        // The grids must be the version the finished shards ran.
        var grids = try loadGrids(run.files)
        if run.quick { grids = grids.map { $0.reduced() } }
        let entries = grids.map(ShardPlan.GridEntry.init)
        if ShardPlan.fingerprint(entries, shards: run.tasks) != run.fingerprint {
            printError("the grid files changed since this run was submitted (\(ClusterStatus.describeChange(run.grids, entries))); the finished shards belong to the old version: restore the files, or submit the new version into another directory")
            throw ExitCode(65)
        }
        guard FileManager.default.isExecutableFile(atPath: run.lindyn) else {
            printError("\(run.lindyn), the lindyn binary this run was submitted with, is gone; rebuild it there or submit the run again into another directory")
            throw ExitCode(64)
        }
        guard dryRun || SlurmTools.find("sbatch") != nil else {
            printError("sbatch not found on PATH: run this on a Slurm login node")
            throw ExitCode(69)
        }
        let status = ClusterStatus.gather(run)
        guard status.queueKnown || dryRun else {
            printError("squeue did not answer, so it is unknown which tasks still run; try again when the scheduler answers")
            throw ExitCode(69)
        }
        let active = status.shards.filter { $0.job?.isActive == true }
        if !active.isEmpty {
            printError("shard\(active.count == 1 ? "" : "s") \(active.map { "\($0.index) (\($0.job!.id), \($0.job!.state.lowercased()))" }.joined(separator: ", ")) \(active.count == 1 ? "is" : "are") still in the queue; wait for \(active.count == 1 ? "it" : "them") or scancel \(active.count == 1 ? "it" : "them"), then resubmit")
            throw ExitCode(64)
        }
        if let merge = status.merge, merge.isActive, merge.state != "PENDING" {
            printError("the merge (job \(merge.id)) is \(merge.state.lowercased()); wait for it")
            throw ExitCode(64)
        }
        let incomplete = status.incompleteShards.map(\.index)
        if incomplete.isEmpty, status.mergeOutcome == .passed || status.mergeOutcome == .disagreed {
            emit("Nothing to resubmit: every shard is complete and merged into \(run.mergedDirectory.path).\n")
            return
        }
        if dryRun {
            var text = ""
            if !incomplete.isEmpty { text += (["sbatch"] + run.arrayArguments(incomplete)).map(shellQuote).joined(separator: " ") + "\n" }
            text += (["sbatch"] + run.mergeArguments(after: incomplete.isEmpty ? nil : "ARRAY_JOB_ID")).map(shellQuote).joined(separator: " ") + "\n"
            emit(text + "# Dry run: nothing submitted.\n")
            return
        }
        // A merge still waiting on the earlier array can never start (a task of it failed): replace it.
        if let merge = status.merge, merge.state == "PENDING" {
            _ = SlurmTools.run("scancel", [merge.id])
        }
        // Scripts are rewritten in case they were removed; their text depends only on the record.
        try writeScript(run.shardScriptText, to: run.shardScript)
        try writeScript(run.mergeScriptText, to: run.mergeScript)
        if incomplete.isEmpty {
            let merge = try sbatch(run.mergeArguments(after: nil), what: "the merge")
            run.submissions.append(.init(arrayJob: "", mergeJob: merge, shards: [], submitted: utcNow()))
            try run.write()
            emit("Every shard is complete; submitted the merge again as job \(merge).\nFollow it with: lindyn cluster status \(shellQuote(directory))\n")
            return
        }
        try checkArraySize(incomplete.max()!)
        let submission = try submit(&run, shards: incomplete, merge: true)
        let left = status.incompleteShards.reduce(0) { $0 + $1.progress.remaining }
        emit("""
            Resubmitted shard\(incomplete.count == 1 ? "" : "s") \(ClusterRun.ranges(incomplete)) (\(left) point\(left == 1 ? "" : "s") left; finished points are kept) \
            as job array \(submission.arrayJob), and the merge as job \(submission.mergeJob ?? "?").
            Follow it with: lindyn cluster status \(shellQuote(directory))

            """)
    }
}

// MARK: helpers

/// Grid files, absolute, with each directory replaced by its `.json` files (sorted by name).
func expandGridFiles(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    for path in paths {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            printError("\(path): no such file")
            throw ExitCode(64)
        }
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            files += names.filter { $0.hasSuffix(".json") }.sorted().map { url.appendingPathComponent($0).path }
        } else {
            files.append(url.path)
        }
    }
    guard !files.isEmpty else {
        printError("no grid files given (the directories hold no .json files)")
        throw ExitCode(64)
    }
    return files
}

func writeScript(_ text: String, to url: URL) throws {
    do {
        try writeAtomicallyExecutable(text, to: url)
    } catch {
        printError("\(url.path): cannot write the job script (\(error))")
        throw ExitCode(74)
    }
}

private func writeAtomicallyExecutable(_ text: String, to url: URL) throws {
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier)")
    try Data(text.utf8).write(to: temporary)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary.path)
    if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
    try FileManager.default.moveItem(at: temporary, to: url)
}

/// Runs sbatch and returns the job id it prints (`--parsable`: `id` or `id;cluster`).
func sbatch(_ arguments: [String], what: String) throws -> String {
    guard let r = SlurmTools.run("sbatch", arguments) else {
        printError("sbatch not found on PATH")
        throw ExitCode(69)
    }
    let id = r.stdout.split(separator: "\n").last.map { String($0.split(separator: ";").first ?? "") }?.trimmingCharacters(in: .whitespaces) ?? ""
    guard r.succeeded, !id.isEmpty, id.allSatisfy(\.isNumber) else {
        let message = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        printError("sbatch refused \(what): \(message.isEmpty ? "exit \(r.status), no job id printed" : message)")
        throw ExitCode(69)
    }
    return id
}

/// Submits the array of `shards` and (with `merge`) the merge after it, recording each job id
/// in the run's record as soon as it is known.
func submit(_ run: inout ClusterRun, shards: [Int], merge: Bool) throws -> ClusterRun.Submission {
    let array = try sbatch(run.arrayArguments(shards), what: "the job array")
    run.submissions.append(.init(arrayJob: array, mergeJob: nil, shards: shards, submitted: utcNow()))
    try run.write()
    guard merge else { return run.submissions.last! }
    let mergeJob: String
    do {
        mergeJob = try sbatch(run.mergeArguments(after: array), what: "the merge job")
    } catch {
        printError("the array \(array) was submitted; once it has run, `lindyn cluster resubmit \(run.directory.path)` submits the merge")
        throw error
    }
    run.submissions[run.submissions.count - 1].mergeJob = mergeJob
    try run.write()
    return run.submissions.last!
}

/// Refuses task ids above the cluster's MaxArraySize - 1, when scontrol tells it.
func checkArraySize(_ largestTask: Int) throws {
    guard let r = SlurmTools.run("scontrol", ["show", "config"], timeout: 30), r.succeeded else { return }
    for line in r.stdout.split(separator: "\n") where line.hasPrefix("MaxArraySize") {
        if let value = line.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), largestTask > value - 1 {
            printError("this cluster's MaxArraySize is \(value), so array task ids stop at \(value - 1); use --tasks \(value - 1) or fewer")
            throw ExitCode(64)
        }
    }
}
