import Foundation

/// Writes `data` to `url` so that `url` is either its old content or all of `data`, never a part:
/// the bytes go to a temporary file in the same directory, are flushed to disk, and the file is
/// renamed over `url` (an atomic replacement within one file system). Missing parent directories
/// are created. On failure the temporary file is removed.
public func writeAtomically(_ data: Data, to url: URL) throws(ReportError) {
    let directory = url.deletingLastPathComponent()
    let manager = FileManager.default
    do {
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
        throw .fileOperation(path: directory.path, operation: "create the directory",
                             reason: error.localizedDescription)
    }
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    guard manager.createFile(atPath: temporary.path, contents: nil) else {
        throw .fileOperation(path: temporary.path, operation: "create the temporary file",
                             reason: String(cString: strerror(errno)))
    }
    do {
        let handle = try FileHandle(forWritingTo: temporary)
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
        try handle.synchronize()
    } catch {
        try? manager.removeItem(at: temporary)
        throw .fileOperation(path: temporary.path, operation: "write", reason: error.localizedDescription)
    }
    guard rename(temporary.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? manager.removeItem(at: temporary)
        throw .fileOperation(path: url.path, operation: "replace", reason: reason)
    }
}

/// Writes `text` as UTF-8 to `url` atomically; see ``writeAtomically(_:to:)-(Data,_)``.
public func writeAtomically(_ text: String, to url: URL) throws(ReportError) {
    try writeAtomically(Data(text.utf8), to: url)
}
