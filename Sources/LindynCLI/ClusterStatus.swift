import Foundation
import LindynReport
import LindynValidation

/// The state of a cluster run: each shard's journal against the points it should hold, each
/// task's state as the scheduler tells it, the merge, and the next step.
struct ClusterStatus {
    struct Shard {
        var index: Int
        var progress: ShardProgress
        /// The task of the latest submission that ran this shard, as the scheduler or the task's
        /// own record tells it; nil when it was never submitted.
        var job: SlurmTools.JobState?
    }

    enum MergeOutcome: String {
        case notRun = "not run", running, passed, disagreed, failed
    }

    var run: ClusterRun
    var shards: [Shard]
    var merge: SlurmTools.JobState?
    var mergeOutcome: MergeOutcome
    /// Whether squeue answered (so that "not in the queue" means it).
    var queueKnown: Bool
    /// Where the final states came from: sacct, scontrol or the tasks' own records.
    var sources: [String]
    /// Grids whose files changed since the run was submitted (empty when they did not, or cannot be read).
    var changedGrids: String?

    static func gather(_ run: ClusterRun) -> ClusterStatus {
        let jobs = run.allJobs
        let queued = SlurmTools.queue(jobs)
        var known: [String: SlurmTools.JobState] = [:]
        for s in queued ?? [] { known[s.id] = s }
        // Final states: accounting when configured, else the controller's recent memory.
        var sources: [String] = queued == nil ? [] : ["squeue"]
        let finals = SlurmTools.accounting(jobs) ?? SlurmTools.controller(jobs) ?? []
        if let source = finals.first?.source { sources.append(source) }
        for s in finals where known[s.id] == nil { known[s.id] = s }
        var shards: [Shard] = []
        for k in 1...run.tasks {
            let progress = ShardPlan.progress(run.shardDirectory(k), grids: run.grids, shard: k, of: run.tasks)
            var job: SlurmTools.JobState?
            if let array = run.latestJob(forShard: k) {
                job = known["\(array)_\(k)"]
                if job == nil, let recorded = run.recordedState("shard-\(k)") {
                    // The task's own record, when the scheduler no longer knows the job.
                    let state: String
                    switch (recorded.word, recorded.code) {
                    case ("exit", 0?): state = "COMPLETED"
                    case ("exit", _): state = "FAILED"
                    default: state = "ENDED"  // began, never recorded an end: cancelled, timed out, preempted or lost
                    }
                    job = .init(id: "\(array)_\(k)", arrayJob: array, task: k, state: state, reason: nil, exitCode: recorded.code.map(String.init), source: "tasks/shard-\(k)")
                    if !sources.contains("task records") { sources.append("task records") }
                } else if job == nil {
                    job = .init(id: "\(array)_\(k)", arrayJob: array, task: k, state: queued == nil ? "UNKNOWN" : "NOT_STARTED", reason: nil, exitCode: nil, source: "none")
                }
            }
            shards.append(Shard(index: k, progress: progress, job: job))
        }
        var merge: SlurmTools.JobState?
        if let id = run.latestMerge { merge = known[id] }
        var outcome = MergeOutcome.notRun
        if let recorded = run.recordedState("merge"), recorded.job == nil || recorded.job == run.latestMerge || run.latestMerge == nil {
            switch (recorded.word, recorded.code) {
            case ("exit", 0?): outcome = .passed
            case ("exit", 1?): outcome = .disagreed
            case ("exit", _): outcome = .failed
            default: outcome = merge?.isActive == true ? .running : .failed
            }
        } else if merge?.isActive == true, merge?.state != "PENDING" {
            outcome = .running
        }
        // Did the grid files change since the submission?
        var changed: String?
        if var grids = try? run.files.map({ try ValidationGrid.load(contentsOf: URL(fileURLWithPath: $0)) }) {
            if run.quick { grids = grids.map { $0.reduced() } }
            let entries = grids.map(ShardPlan.GridEntry.init)
            if entries != run.grids { changed = describeChange(run.grids, entries) }
        } else {
            changed = "a grid file can no longer be read"
        }
        return ClusterStatus(run: run, shards: shards, merge: merge, mergeOutcome: outcome, queueKnown: queued != nil, sources: sources, changedGrids: changed)
    }

    static func describeChange(_ old: [ShardPlan.GridEntry], _ new: [ShardPlan.GridEntry]) -> String {
        var parts: [String] = []
        let byName = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for g in old {
            guard let n = byName[g.name] else { parts.append("grid '\(g.name)' is gone"); continue }
            if n.fingerprint != g.fingerprint { parts.append("grid '\(g.name)' was edited") }
            else if n.points != g.points { parts.append("grid '\(g.name)' has \(n.points) points, not \(g.points)") }
        }
        for g in new where !old.contains(where: { $0.name == g.name }) { parts.append("grid '\(g.name)' is new") }
        return parts.isEmpty ? "the grids are in another order" : parts.joined(separator: "; ")
    }

    var activeShards: [Shard] { shards.filter { $0.job?.isActive == true } }
    /// Shards whose run did not finish: points left, or every point journaled but the tables
    /// not written (the task stopped in between); a resubmitted task finishes either.
    var incompleteShards: [Shard] { shards.filter { !$0.progress.finished } }
    var complete: Bool { incompleteShards.isEmpty && (mergeOutcome == .passed || mergeOutcome == .disagreed) }

    /// What to do next, in one or two sentences.
    func next(_ dir: String) -> String {
        let d = shellQuote(dir)
        if let changedGrids {
            return "The grid files changed since submission (\(changedGrids)): the shards run the old version; restore the files to resubmit, or submit the new version into another directory."
        }
        if !activeShards.isEmpty {
            let pending = activeShards.filter { $0.job?.state == "PENDING" }.count
            return "\(activeShards.count - pending) task\(activeShards.count - pending == 1 ? "" : "s") running and \(pending) pending; check again later with `lindyn cluster status \(d)`."
        }
        if !incompleteShards.isEmpty {
            let list = ClusterRun.ranges(incompleteShards.map(\.index))
            return "Shard\(incompleteShards.count == 1 ? "" : "s") \(list) \(incompleteShards.count == 1 ? "is" : "are") incomplete and not in the queue (see \(run.logs.path)/shard-K-JOB.out); `lindyn cluster resubmit \(d)` runs only the missing points."
        }
        switch mergeOutcome {
        case .passed: return "Complete: every point passed; the merged tables are in \(run.mergedDirectory.path)/ (start with README.md)."
        case .disagreed: return "Complete, with disagreeing points: see \(run.mergedDirectory.path)/README.md and errors.md."
        case .running: return "Every shard is complete and the merge is running; check again later."
        case .failed, .notRun:
            if let merge, merge.isActive { return "Every shard is complete; the merge (job \(merge.id)) is \(merge.state.lowercased())\(merge.reason.map { " (\($0))" } ?? "")." }
            return "Every shard is complete but the merge \(mergeOutcome == .failed ? "failed (see \(run.logs.path)/merge-JOB.out)" : "has not run"); `lindyn cluster resubmit \(d)` submits it."
        }
    }

    func text(directoryArgument dir: String) -> String {
        let points = run.totalPoints
        var out = "Cluster run \(run.directory.path): \(points) point\(points == 1 ? "" : "s") in \(run.grids.count) grid\(run.grids.count == 1 ? "" : "s") (\(run.grids.map(\.name).joined(separator: ", "))), \(run.tasks) shard\(run.tasks == 1 ? "" : "s"), fingerprint \(run.fingerprint).\n"
        let arrays = run.submissions.map(\.arrayJob).filter { !$0.isEmpty }
        out += "Submitted \(run.submissions.count) time\(run.submissions.count == 1 ? "" : "s") (array job\(arrays.count == 1 ? "" : "s") \(arrays.joined(separator: ", "))); states from \(sources.isEmpty ? "the journals only (no Slurm tools answered)" : sources.joined(separator: ", ")).\n"
        var rows = [["shard", "points", "done", "failed", "left", "seconds", "finished", "task", "state"]]
        for s in shards {
            rows.append([
                String(s.index), String(s.progress.points), String(s.progress.done), String(s.progress.failed), String(s.progress.remaining),
                String(format: "%.1f", s.progress.seconds), s.progress.finished ? "yes" : "no", s.job?.id ?? "-",
                (s.job.map { $0.state.lowercased() + ($0.reason.map { " (\($0))" } ?? "") } ?? "never submitted"),
            ])
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        for r in rows {
            out += r.enumerated().map { c, cell in c == r.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "\n"
        }
        let done = shards.reduce(0) { $0 + $1.progress.done }
        let failed = shards.reduce(0) { $0 + $1.progress.failed }
        let seconds = shards.reduce(0) { $0 + $1.progress.seconds }
        out += "Points done: \(done) of \(points)\(failed > 0 ? " (\(failed) did not pass)" : "")"
        if done > 0 { out += String(format: "; %.3g s per point on average", seconds / Double(done)) }
        out += ".\n"
        var mergeLine = "Merge: \(mergeOutcome.rawValue)"
        if let merge { mergeLine += " (job \(merge.id), \(merge.state.lowercased())\(merge.reason.map { ", \($0)" } ?? ""))" }
        else if let id = run.latestMerge { mergeLine += " (job \(id))" }
        out += mergeLine + ".\n"
        out += "Next: " + next(dir) + "\n"
        return out
    }

    var json: JSONValue {
        var o: JSONObject = [:]
        o["directory"] = .string(run.directory.path)
        o["fingerprint"] = .string(run.fingerprint)
        o["tasks"] = .integer(run.tasks)
        o["points"] = .integer(run.totalPoints)
        o["sources"] = .array(sources.map(JSONValue.string))
        o["shards"] = .array(shards.map { s in
            var e: JSONObject = [
                "shard": .integer(s.index), "points": .integer(s.progress.points), "done": .integer(s.progress.done),
                "failed": .integer(s.progress.failed), "left": .integer(s.progress.remaining), "seconds": .number(s.progress.seconds),
                "finished": .bool(s.progress.finished),
            ]
            e["task"] = s.job.map { .string($0.id) } ?? .null
            e["state"] = s.job.map { .string($0.state) } ?? .null
            e["state_source"] = s.job.map { .string($0.source) } ?? .null
            return .object(e)
        })
        var m: JSONObject = ["outcome": .string(mergeOutcome.rawValue)]
        m["job"] = (merge?.id ?? run.latestMerge).map(JSONValue.string) ?? .null
        m["state"] = merge.map { .string($0.state) } ?? .null
        o["merge"] = .object(m)
        o["changed_grids"] = changedGrids.map(JSONValue.string) ?? .null
        o["complete"] = .bool(complete)
        o["next"] = .string(next(run.directory.path))
        return .object(o)
    }
}
