import Foundation
import LindynReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an output directory cannot be used.
public enum OutputDirectoryError: Error, Sendable, CustomStringConvertible {
    /// Another run holds the directory's lock; `holder` says who (pid, host, start, command).
    case busy(directory: String, holder: String)
    /// A path Lindyn would write holds something Lindyn did not write (a directory, a link).
    case foreignEntry(path: String)
    /// `validate merge` was given a set of shard directories that is not one complete run.
    case incompleteShards([String])

    /// One sentence naming the directory or path and what to do about it.
    public var description: String {
        switch self {
        case .busy(let directory, let holder):
            return "\(directory) is in use by another lindyn run (\(holder)); wait for it to finish, or choose another --out"
        case .foreignEntry(let path):
            return "\(path) is not a file Lindyn wrote (a directory or a link); Lindyn does not replace or delete it: move it away or choose another --out"
        case .incompleteShards(let problems):
            return "the shard directories are not one complete run: " + problems.joined(separator: "; ")
                + ". Merge a complete set, or pass --allow-partial to merge anyway with the tables marked partial"
        }
    }
}

/// An output directory held by one run: an exclusive lock (`flock` on `.lindyn.lock`, which
/// records the holder), and a staging directory (`.lindyn-staging`) where the new set of tables,
/// figures, journal and manifest is written. The set replaces the old one only once it is
/// complete: a marker listing its files is written, then the files are renamed into place and
/// the old set's files that the new one lacks are removed. A switch cut short (a kill between
/// renames) is finished by the next run that takes the lock, so a reader never finds old and
/// new tables mixed once any later lindyn run has started, and a run that fails before the
/// switch leaves the previous set untouched.
final class OutputDirectory {
    static let lockName = ".lindyn.lock"
    static let stagingName = ".lindyn-staging"
    static let markerName = ".complete"
    /// The table base names of a run's set.
    static let tableNames = ["errors", "stiffness", "work-precision", "summary", "generalisation"]

    let url: URL
    let staging: URL
    private var lockDescriptor: Int32

    /// Takes the lock on `url` (creating the directory), finishes an interrupted switch and
    /// removes stale temporary files.
    /// - Throws: ``OutputDirectoryError/busy(directory:holder:)`` when another run holds it;
    ///   ``ReportError`` when the lock file cannot be opened.
    init(_ url: URL) throws {
        self.url = url
        self.staging = url.appendingPathComponent(Self.stagingName)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ReportError.fileOperation(path: url.path, operation: "create the directory", reason: error.localizedDescription)
        }
        let lockPath = url.appendingPathComponent(Self.lockName).path
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ReportError.fileOperation(path: lockPath, operation: "open the lock file", reason: FileIO.message(errno)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            // The holder writes its line just after taking the lock: a run that arrives in that
            // moment reads an empty file, so it looks again for up to half a second.
            var holder = ""
            for attempt in 0..<20 {
                if attempt > 0 { usleep(25_000) }
                holder = ((try? readFileCapped(URL(fileURLWithPath: lockPath), limit: 4096)).map { String(decoding: $0, as: UTF8.self) } ?? "")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if !holder.isEmpty || code != EWOULDBLOCK { break }
            }
            FileIO.closeDescriptor(fd)
            if code == EWOULDBLOCK {
                throw OutputDirectoryError.busy(directory: url.path, holder: holder.isEmpty ? "holder unknown" : holder)
            }
            throw ReportError.fileOperation(path: lockPath, operation: "lock", reason: FileIO.message(code))
        }
        lockDescriptor = fd
        let formatter = ISO8601DateFormatter()
        let command = CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        let holder = "pid \(getpid()) on \(FileIO.hostName), started \(formatter.string(from: Date())): \(command)\n"
        if ftruncate(fd, 0) == 0 { _ = FileIO.writeAll(fd, Data(holder.utf8), counted: false) }
        for d in [url, url.appendingPathComponent("plots"), staging, staging.appendingPathComponent("plots")] {
            removeStaleTemporaryFiles(in: d)
        }
        if FileManager.default.fileExists(atPath: staging.appendingPathComponent(Self.markerName).path) {
            try finishSwitch()
        }
    }

    deinit { release() }

    /// Releases the lock (also released when the process ends).
    func release() {
        if lockDescriptor >= 0 {
            FileIO.closeDescriptor(lockDescriptor)
            lockDescriptor = -1
        }
    }

    /// True for the relative paths of files a validation set consists of.
    static func isSetFile(_ relative: String) -> Bool {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 { return parts[0] == "plots" && parts[1].hasSuffix(".svg") && !parts[1].hasPrefix(".") && !parts[1].contains("..") }
        guard parts.count == 1 else { return false }
        let name = parts[0]
        if [Validation.journalName, RunManifest.fileName, Provenance.fileName, "README.md"].contains(name) { return true }
        return tableNames.contains { base in ["csv", "md", "tex", "json"].contains { name == "\(base).\($0)" } }
    }

    /// Whether `path` is absent or a regular file (not a directory, link or device).
    static func isAbsentOrFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) != 0 || (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Prepares the staging directory; a fresh run drops the journal of an unfinished one.
    func prepareStaging(fresh: Bool) throws {
        let fixed = [Validation.journalName, RunManifest.fileName, Provenance.fileName, "README.md"]
            + Self.tableNames.flatMap { base in ["csv", "md", "tex", "json"].map { "\(base).\($0)" } }
        for target in fixed.map({ url.appendingPathComponent($0).path }) + [staging.path] where !Self.isAbsentOrFile(target)
        {
            var isDirectory: ObjCBool = false
            if target == staging.path, FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue { continue }
            throw OutputDirectoryError.foreignEntry(path: target)
        }
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw ReportError.fileOperation(path: staging.path, operation: "create the directory", reason: error.localizedDescription)
        }
        let journal = staging.appendingPathComponent(Validation.journalName)
        guard Self.isAbsentOrFile(journal.path) else { throw OutputDirectoryError.foreignEntry(path: journal.path) }
        if fresh { unlink(journal.path) }
    }

    /// Switches the staged set (the files `relative` to the staging directory) into place.
    func commit(_ relative: [String]) throws {
        for f in relative {
            precondition(Self.isSetFile(f), "\(f) is not a file of a validation set")
            let target = url.appendingPathComponent(f).path
            guard Self.isAbsentOrFile(target) else { throw OutputDirectoryError.foreignEntry(path: target) }
        }
        let old = RunManifest.read(url)?.files ?? []
        let remove = old.filter { Self.isSetFile($0) && !relative.contains($0) }
        let marker: JSONValue = ["files": .array(relative.map(JSONValue.string)), "remove": .array(remove.map(JSONValue.string))]
        try writeAtomically(marker.serialized() + "\n", to: staging.appendingPathComponent(Self.markerName))
        try finishSwitch()
    }

    /// Moves the files the marker lists into place, removes the old set's leftovers, then the
    /// staging directory.
    private func finishSwitch() throws {
        let markerURL = staging.appendingPathComponent(Self.markerName)
        guard let data = try? readFileCapped(markerURL, limit: 16 << 20), let marker = try? JSONValue.parse(String(decoding: data, as: UTF8.self)) else {
            // An unreadable marker: the staged set is not known to be complete; drop the marker.
            unlink(markerURL.path)
            return
        }
        let files = marker["files"]?.arrayValue?.compactMap(\.stringValue).filter(Self.isSetFile) ?? []
        let remove = marker["remove"]?.arrayValue?.compactMap(\.stringValue).filter(Self.isSetFile) ?? []
        // The journal and manifest go last, so that a journal in place always has its tables.
        let ordered = files.filter { $0 != Validation.journalName && $0 != RunManifest.fileName }
            + files.filter { $0 == Validation.journalName || $0 == RunManifest.fileName }
        for f in ordered {
            let source = staging.appendingPathComponent(f), target = url.appendingPathComponent(f)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }  // moved before an interruption
            if f.contains("/") {
                try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            }
            guard Self.isAbsentOrFile(target.path) else { throw OutputDirectoryError.foreignEntry(path: target.path) }
            if rename(source.path, target.path) != 0 {
                throw ReportError.fileOperation(path: target.path, operation: "move the new result into", reason: FileIO.message(errno))
            }
        }
        for f in remove {
            let target = url.appendingPathComponent(f)
            var info = stat()
            if lstat(target.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { unlink(target.path) }
        }
        unlink(markerURL.path)
        removeStaging()
    }

    /// Removes the staging directory's files of a validation set, then the directory if empty.
    func removeStaging() {
        let manager = FileManager.default
        let plots = staging.appendingPathComponent("plots")
        for (dir, prefix) in [(plots, "plots/"), (staging, "")] {
            for name in (try? manager.contentsOfDirectory(atPath: dir.path)) ?? [] where Self.isSetFile(prefix + name) {
                let path = dir.appendingPathComponent(name).path
                if Self.isAbsentOrFile(path) { unlink(path) }
            }
            removeStaleTemporaryFiles(in: dir)
        }
        rmdir(plots.path)
        rmdir(staging.path)
    }
}

/// While a run is in progress: on SIGINT or SIGTERM, waits for a row being appended to finish,
/// prints one line saying what was kept and how to continue, and exits with 128 + the signal
/// number. The journal is then whole (every line complete) and the previous results untouched.
final class InterruptHandler: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: Int
    private let total: Int
    private let journal: RowJournal
    private let directory: URL
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "lindyn.signals")

    init(journal: RowJournal, total: Int, kept: Int, directory: URL) {
        self.journal = journal
        self.total = total
        self.kept = kept
        self.directory = directory
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in self.interrupted(number, name) }
            source.resume()
            sources.append(source)
        }
    }

    func pointKept() {
        lock.lock()
        kept += 1
        lock.unlock()
    }

    private func interrupted(_ number: Int32, _ name: String) {
        journal.withAppendsPaused {
            lock.lock()
            let kept = self.kept
            lock.unlock()
            let what = kept == total
                ? "all \(total) points are in the journal \(journal.url.path) but the tables were not written"
                : "kept \(kept) of \(total) points in the journal \(journal.url.path)"
            let line = "lindyn: interrupted by \(name): \(what); the previous results in \(directory.path) are unchanged; run the same command with --resume to continue.\n"
            _ = FileIO.writeAll(STDERR_FILENO, Data(line.utf8), counted: false)
            _exit(128 + number)
        }
    }

    func stop() {
        for s in sources { s.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
