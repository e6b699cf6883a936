import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file access for everything Lindyn writes: whole writes that retry on short
/// writes and interrupts, a size cap on reads, and a fault hook for tests.
///
/// The fault hook: when the environment variable `LINDYN_FAULT_WRITE_LIMIT` holds a byte count,
/// the file writes of the process (journal rows, tables, figures; not standard output) fail with
/// `ENOSPC` ("No space left on device") once that many bytes have been written in total, as on a
/// full disk. It exists so that the behaviour on a full disk can be tested without one.
public enum FileIO {
    /// The largest input file, or standard input, that is read: 64 MiB.
    public static let inputLimit = 64 << 20

    private static let faultLimit: Int? = ProcessInfo.processInfo.environment["LINDYN_FAULT_WRITE_LIMIT"].flatMap { Int($0) }
    private static let budget = WriteBudget()

    final class WriteBudget: @unchecked Sendable {
        private let lock = NSLock()
        private var written = 0
        /// How many of `count` bytes may still be written (all of them without a fault limit).
        func take(_ count: Int) -> Int {
            guard let limit = FileIO.faultLimit else { return count }
            lock.lock()
            defer { lock.unlock() }
            let allowed = max(0, min(count, limit - written))
            written += allowed
            return allowed
        }
    }

    /// Closes a descriptor, ignoring the result.
    public static func closeDescriptor(_ fd: Int32) { _ = close(fd) }

    /// The host name (empty if unknown).
    public static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// The system's message for `code`.
    public static func message(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Writes all of `bytes` to the open descriptor `fd`; returns 0, or the `errno` of the failure.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, counted: Bool = true) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            var length = bytes.count - offset
            if counted {
                length = budget.take(length)
                if length == 0 { return ENOSPC }
            }
            let n = write(fd, bytes.baseAddress! + offset, length)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }

    /// Writes all of `data` to `fd`; returns 0 or the `errno` of the failure.
    public static func writeAll(_ fd: Int32, _ data: Data, counted: Bool = true) -> Int32 {
        data.withUnsafeBytes { writeAll(fd, $0, counted: counted) }
    }

    /// Reads all of `fd`, failing once more than `limit` bytes arrive.
    /// - Throws: ``ReportError/inputTooLarge(path:limit:)`` past the limit; a failed read as
    ///   ``ReportError/fileOperation(path:operation:reason:)``.
    public static func readAll(_ fd: Int32, path: String, limit: Int = inputLimit) throws(ReportError) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .fileOperation(path: path, operation: "read", reason: message(errno))
            }
            if n == 0 { return data }
            if data.count + n > limit { throw .inputTooLarge(path: path, limit: limit) }
            data.append(contentsOf: buffer[0..<n])
        }
    }
}

/// Reads the file at `url`, refusing one larger than `limit` bytes (which also stops an endless
/// device such as `/dev/zero`).
/// - Throws: ``ReportError/inputTooLarge(path:limit:)``, or
///   ``ReportError/fileOperation(path:operation:reason:)`` when the file cannot be opened or read.
public func readFileCapped(_ url: URL, limit: Int = FileIO.inputLimit) throws(ReportError) -> Data {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .fileOperation(path: url.path, operation: "open", reason: FileIO.message(errno)) }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
        throw .fileOperation(path: url.path, operation: "read", reason: "it is a directory")
    }
    return try FileIO.readAll(fd, path: url.path, limit: limit)
}
