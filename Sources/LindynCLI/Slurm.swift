import Foundation

/// Quotes a word for a POSIX shell: single quotes, with each `'` written as `'\''`. Safe for any
/// path, including spaces, `$`, backquotes and newlines.
func shellQuote(_ word: String) -> String {
    if !word.isEmpty, word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+=:,@%".contains($0)) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Escapes `%` for Slurm's file-name patterns (`--output`), where `%` starts a replacement.
func slurmFilePattern(_ path: String) -> String { path.replacingOccurrences(of: "%", with: "%%") }

/// Slurm's option formats, checked before anything is submitted.
enum SlurmFormat {
    /// `--mem` in Slurm's syntax: a positive whole number with an optional unit K, M, G or T
    /// (M when none is given). Returns megabytes (rounded up) and the normalised text.
    static func memory(_ text: String) -> (megabytes: Int, text: String)? {
        var digits = text
        var unit: Character = "M"
        if let last = text.last, !last.isNumber {
            guard let u = last.uppercased().first, "KMGT".contains(u) else { return nil }
            unit = u
            digits = String(text.dropLast())
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(\.isNumber), let value = Int(digits), value > 0 else { return nil }
        let megabytes: Int
        switch unit {
        case "K": megabytes = (value + 1023) / 1024
        case "G": megabytes = value * 1024
        case "T": megabytes = value * 1024 * 1024
        default: megabytes = value
        }
        // 1 PB per task is beyond any node.
        guard megabytes <= 1 << 30 else { return nil }
        return (megabytes, "\(value)\(unit)")
    }

    /// `--time` in Slurm's formats: minutes, minutes:seconds, hours:minutes:seconds, days-hours,
    /// days-hours:minutes, days-hours:minutes:seconds; a positive duration.
    static func isTime(_ text: String) -> Bool {
        func numbers(_ s: Substring) -> [Int]? {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            var out: [Int] = []
            for p in parts {
                guard !p.isEmpty, p.count <= 6, p.allSatisfy(\.isNumber), let v = Int(p) else { return nil }
                out.append(v)
            }
            return out
        }
        let dash = text.split(separator: "-", omittingEmptySubsequences: false)
        let total: Int
        if dash.count == 2 {
            guard let d = numbers(dash[0]), d.count == 1, let rest = numbers(dash[1]), (1...3).contains(rest.count) else { return false }
            if rest.count >= 2, rest[1] >= 60 { return false }
            if rest.count == 3, rest[2] >= 60 { return false }
            total = d[0] + rest.reduce(0, +)
        } else if dash.count == 1 {
            guard let v = numbers(dash[0]), (1...3).contains(v.count) else { return false }
            if v.count >= 2, v.last! >= 60 { return false }
            if v.count == 3, v[1] >= 60 { return false }
            total = v.reduce(0, +)
        } else {
            return false
        }
        return total > 0
    }

    /// A partition name (or a comma-separated list of them).
    static func isPartition(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 200 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-,".contains($0)) }
            && !text.split(separator: ",", omittingEmptySubsequences: false).contains { $0.isEmpty }
    }
}

/// Runs the Slurm client tools (`sbatch`, `squeue`, `sacct`, `scontrol`, `scancel`) found on
/// `PATH`, each with a bounded wait.
enum SlurmTools {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var succeeded: Bool { status == 0 }
    }

    /// The tool's path on `PATH`, if any.
    static func find(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `tool` with `arguments`; nil when the tool is not on `PATH`. A tool that does not
    /// finish within `timeout` seconds is stopped and reported with status -1.
    static func run(_ tool: String, _ arguments: [String], timeout: Double = 60) -> Output? {
        guard let executable = find(tool) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch { return Output(status: 127, stdout: "", stderr: "\(tool): \(error.localizedDescription)") }
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 5)
            _ = group.wait(timeout: .now() + 5)
            return Output(status: -1, stdout: "", stderr: "\(tool) did not answer within \(Int(timeout)) s")
        }
        _ = group.wait(timeout: .now() + 10)
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The state of one job or array task, as the scheduler reports it.
    struct JobState: Sendable {
        /// `123` or `123_4`.
        var id: String
        /// The array job id (the job id for a plain job).
        var arrayJob: String
        /// The array task id, nil for a plain job.
        var task: Int?
        /// PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
        var state: String
        var reason: String?
        /// Exit code as `code:signal` (sacct and scontrol only).
        var exitCode: String?
        /// Which tool said so: squeue, sacct or scontrol.
        var source: String

        var isActive: Bool {
            ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SUSPENDED", "STAGE_OUT", "SIGNALING", "STOPPED"]
                .contains(state)
        }
    }

    /// Jobs and array tasks of `jobs` still known to the queue (pending, running, completing).
    /// Returns nil when squeue is missing or fails for another reason than unknown job ids.
    static func queue(_ jobs: [String]) -> [JobState]? {
        guard !jobs.isEmpty else { return [] }
        guard let r = run("squeue", ["-h", "-r", "-j", jobs.joined(separator: ","), "-o", "%F|%K|%i|%T|%r"]) else { return nil }
        if !r.succeeded {
            // Every id unknown (finished long ago): nothing is queued.
            return r.stderr.contains("Invalid job id") ? [] : nil
        }
        return r.stdout.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4 else { return nil }
            let task = Int(f[1])
            return JobState(id: f[2], arrayJob: f[0], task: task, state: f[3], reason: f.count > 4 && f[4] != "None" ? f[4] : nil, exitCode: nil, source: "squeue")
        }
    }

    /// Final states from accounting (sacct); nil when accounting is not configured.
    static func accounting(_ jobs: [String]) -> [JobState]? {
        guard !jobs.isEmpty else { return [] }
        guard let r = run("sacct", ["-n", "-P", "-X", "-j", jobs.joined(separator: ","), "-o", "JobID,State,ExitCode"]), r.succeeded else { return nil }
        return r.stdout.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3 else { return nil }
            let parts = f[0].split(separator: "_", maxSplits: 1).map(String.init)
            // "CANCELLED by 0" -> CANCELLED
            let state = f[1].split(separator: " ").first.map(String.init) ?? f[1]
            return JobState(id: f[0], arrayJob: parts[0], task: parts.count > 1 ? Int(parts[1]) : nil, state: state, reason: nil, exitCode: f[2], source: "sacct")
        }
    }

    /// Recent states from the controller's memory (scontrol; jobs are kept for MinJobAge seconds
    /// after they end, 300 by default); nil when scontrol is missing.
    static func controller(_ jobs: [String]) -> [JobState]? {
        var states: [JobState] = []
        guard find("scontrol") != nil else { return nil }
        for job in jobs {
            guard let r = run("scontrol", ["-o", "show", "job", job]), r.succeeded else { continue }
            for line in r.stdout.split(separator: "\n") {
                var fields: [String: String] = [:]
                for word in line.split(separator: " ") {
                    let kv = word.split(separator: "=", maxSplits: 1).map(String.init)
                    if kv.count == 2, fields[kv[0]] == nil { fields[kv[0]] = kv[1] }
                }
                guard let id = fields["JobId"], let state = fields["JobState"] else { continue }
                let arrayJob = fields["ArrayJobId"] ?? id
                let task = fields["ArrayTaskId"].flatMap { Int($0) }
                states.append(JobState(
                    id: task.map { "\(arrayJob)_\($0)" } ?? id, arrayJob: arrayJob, task: task, state: state,
                    reason: fields["Reason"].flatMap { $0 == "None" ? nil : $0 }, exitCode: fields["ExitCode"], source: "scontrol"))
            }
        }
        return states
    }
}
