import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `data` to `url` so that `url` is either its old content or all of `data`, never a part:
/// the bytes go to a temporary file in the same directory, are flushed to disk, and the file is
/// renamed over `url` (an atomic replacement within one file system). Missing parent directories
/// are created. On failure the temporary file is removed; temporary files left by a process that
/// was killed while writing are removed by the next write into the same directory from the same
/// host (their names carry the host and process id, see ``removeStaleTemporaryFiles(in:)``).
/// Refuses to replace anything but a regular file (a directory named like the target is kept).
public func writeAtomically(_ data: Data, to url: URL) throws(ReportError) {
    try data.withUnsafeBytes { bytes in Result { () throws(ReportError) in try _writeAtomically(bytes, to: url) } }.get()
}

/// Writes `bytes` to `url` atomically, as ``writeAtomically(_:to:)-(Data,_)`` does, without
/// copying them into a `Data` first (the tables of a large run are megabytes).
package func writeAtomically(bytes: [UInt8], to url: URL) throws(ReportError) {
    try bytes.withUnsafeBytes { raw in Result { () throws(ReportError) in try _writeAtomically(raw, to: url) } }.get()
}

func _writeAtomically(_ data: UnsafeRawBufferPointer, to url: URL) throws(ReportError) {
    let directory = url.deletingLastPathComponent()
    let manager = FileManager.default
    do {
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
        throw .fileOperation(path: directory.path, operation: "create the directory",
                             reason: error.localizedDescription)
    }
    var info = stat()
    if lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
        throw .fileOperation(path: url.path, operation: "replace", reason: "it is not a regular file (Lindyn only replaces files it wrote); move it away")
    }
    TemporaryFiles.cleanOnce(directory)
    let temporary = directory.appendingPathComponent(TemporaryFiles.name(for: url.lastPathComponent))
    let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        throw .fileOperation(path: temporary.path, operation: "create the temporary file", reason: FileIO.message(errno))
    }
    var failure = FileIO.writeAll(fd, data)
    if failure == 0, fsync(fd) != 0 { failure = errno }
    if close(fd) != 0, failure == 0 { failure = errno }
    if failure != 0 {
        unlink(temporary.path)
        throw .fileOperation(path: url.path, operation: "write", reason: FileIO.message(failure))
    }
    guard rename(temporary.path, url.path) == 0 else {
        let reason = FileIO.message(errno)
        unlink(temporary.path)
        throw .fileOperation(path: url.path, operation: "replace", reason: reason)
    }
}

/// Writes `text` as UTF-8 to `url` atomically; see ``writeAtomically(_:to:)-(Data,_)``.
public func writeAtomically(_ text: String, to url: URL) throws(ReportError) {
    var text = text
    try text.withUTF8 { utf8 in Result { () throws(ReportError) in try _writeAtomically(UnsafeRawBufferPointer(utf8), to: url) } }.get()
}

/// Removes, in `directory`, the temporary files of ``writeAtomically(_:to:)-(Data,_)`` whose
/// writer (same host, recorded process id) no longer runs. Files of live processes, of other
/// hosts and of anyone else are left alone.
/// - Returns: the names removed.
@discardableResult
public func removeStaleTemporaryFiles(in directory: URL) -> [String] {
    TemporaryFiles.removeStale(in: directory)
}

enum TemporaryFiles {
    /// A short stable tag of the host name (FNV-1a, 32 bits), so that names stay short.
    static let hostTag: String = {
        let host = FileIO.hostName
        var h: UInt32 = 0x811c_9dc5
        for b in host.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return String(format: "%08x", h)
    }()

    /// `.<name>.lindyn-<host tag>-<pid>-<UUID>.tmp`
    static func name(for target: String) -> String {
        ".\(target).lindyn-\(hostTag)-\(getpid())-\(UUID().uuidString).tmp"
    }

    /// The process id in a temporary name of this host, or nil.
    static func writer(of name: String) -> Int32? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let stem = name.dropLast(4)  // without ".tmp"
        guard stem.count > 37 else { return nil }
        let beforeUUID = stem.dropLast(37)  // "-<UUID>"
        guard stem[beforeUUID.endIndex] == "-", UUID(uuidString: String(stem.suffix(36))) != nil else { return nil }
        guard let dash = beforeUUID.lastIndex(of: "-"), let pid = Int32(beforeUUID[beforeUUID.index(after: dash)...]) else { return nil }
        let head = beforeUUID[..<dash]
        guard head.hasSuffix(".lindyn-" + hostTag) else { return nil }
        return pid
    }

    static func removeStale(in directory: URL) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for name in names {
            guard let pid = writer(of: name) else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                if unlink(directory.appendingPathComponent(name).path) == 0 { removed.append(name) }
            }
        }
        return removed
    }

    private static let cleaned = CleanedSet()

    final class CleanedSet: @unchecked Sendable {
        let lock = NSLock()
        var paths = Set<String>()
    }

    /// Removes stale temporary files in `directory` the first time this process writes there.
    static func cleanOnce(_ directory: URL) {
        cleaned.lock.lock()
        let first = cleaned.paths.insert(directory.standardizedFileURL.path).inserted
        cleaned.lock.unlock()
        if first { _ = removeStale(in: directory) }
    }
}
