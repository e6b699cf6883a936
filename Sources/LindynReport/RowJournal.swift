import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of finished table rows, one JSON line each, so that a long run that is
/// interrupted can resume from the rows it had finished.
///
/// The file is JSON Lines: a header `{"lindyn_row_journal":2,"columns":[...]}`, then one line per
/// row, `{"crc32":"xxxxxxxx","row":[...]}`, where the row is a compact JSON array of cells and
/// `crc32` is the CRC-32 (IEEE 802.3, as zlib computes it) of the row's bytes exactly as written,
/// in 8 lowercase hex digits. Cells keep their kind exactly: doubles are written in shortest
/// round-trip form with a decimal point or exponent, integers without; ``Cell/missing`` is
/// `null`; NaN and infinities, which JSON lacks, are written as `{"number":"NaN"}`,
/// `{"number":"inf"}`, `{"number":"-inf"}`. Version 1 journals (bare arrays, no checksum) are
/// still read.
///
/// Each row is handed to the operating system with one `write` on a descriptor opened with
/// `O_APPEND` as soon as it is appended, so it survives a crash of the process; with
/// `synchronizesEachRow` it is also flushed to the disk (surviving a power loss, at the cost of a
/// sync per row). A line is complete only once its newline is written: an unterminated last line,
/// left by an interrupted write, is ignored when reading and cut off when resuming. A complete
/// line that does not parse or whose checksum does not match (a changed digit, a torn write, two
/// writers) is skipped and reported in ``Contents/corruptLines``; resuming drops it, so the caller
/// runs that row again.
///
/// Appending is serialized by a lock, so one journal may be shared by concurrent tasks.
public final class RowJournal: @unchecked Sendable {
    /// What a journal file holds.
    public struct Contents: Sendable, Hashable {
        /// The column names of the header.
        public var columns: [String]
        /// The complete rows, in the order they were appended.
        public var rows: [[Cell]]
        /// The number of bytes of an unterminated last line that were ignored (0 if none).
        public var ignoredTrailingBytes: Int
        /// Complete lines (1-based) that were skipped: unreadable, the wrong number of cells, or
        /// a checksum that does not match.
        public var corruptLines: [Int] = []
        /// The format version of the header (1 or 2).
        public var version: Int = currentVersion
        /// The header's other members (for instance a validation run's `provenance`).
        public var header: JSONObject = [:]

        /// The rows as a ``Table``.
        public var table: Table { Table(columns: columns, rows: rows) }
    }

    /// The format version written.
    public static let currentVersion = 2

    /// The journal file.
    public let url: URL
    /// The column names every row has.
    public let columns: [String]
    /// The rows the journal already held when it was opened; empty for a new journal.
    public let resumedRows: [[Cell]]
    /// Lines of the existing journal that were corrupt and dropped when it was opened.
    public let droppedLines: [Int]

    private let synchronizesEachRow: Bool
    private let lock = NSLock()
    private var descriptor: Int32 = -1

    /// Opens the journal at `url` for appending rows with `columns`, creating it (and its
    /// directory) if needed. An existing journal is resumed: its rows are in ``resumedRows``, an
    /// unterminated last line is cut off, and corrupt lines are dropped (listed in
    /// ``droppedLines``; the file is rewritten atomically without them, in the current version).
    /// - Throws: ``ReportError/journalColumnsMismatch(path:expected:found:)`` if the existing
    ///   journal has other columns; ``ReportError/invalidJournal(path:line:reason:)`` if the
    ///   existing file is not a row journal (its first line is not a journal header);
    ///   ``ReportError/fileOperation(path:operation:reason:)``.
    /// - Parameter url: the journal file.
    /// - Parameter columns: the column names of every row.
    /// - Parameter synchronizesEachRow: flush each appended row to disk (fsync) before returning.
    /// - Parameter extraHeader: further members of a new journal's header line (Lindyn's validation
    ///   runs put their ``Provenance`` there as `"provenance"`); readers ignore them. A resumed
    ///   journal keeps the header it has.
    public init(url: URL, columns: [String], synchronizesEachRow: Bool = false, header extraHeader: JSONObject = [:]) throws(ReportError) {
        self.url = url
        self.columns = columns
        self.synchronizesEachRow = synchronizesEachRow
        let manager = FileManager.default
        var existing: (contents: Contents, completeBytes: Int)?
        if manager.fileExists(atPath: url.path) {
            let data = try RowJournal._readData(url)
            existing = try RowJournal._parse(data, path: url.path)
        }
        if let (contents, _) = existing, !contents.columns.isEmpty, contents.columns != columns {
            throw .journalColumnsMismatch(path: url.path, expected: columns, found: contents.columns)
        }
        do {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .fileOperation(path: url.deletingLastPathComponent().path, operation: "create the directory",
                                 reason: error.localizedDescription)
        }
        if let (contents, completeBytes) = existing, !contents.columns.isEmpty {
            if !contents.corruptLines.isEmpty || contents.version != RowJournal.currentVersion {
                // Rewrite the good rows whole, so that appends follow a clean file.
                var text = RowJournal._header(columns, contents.header)
                for row in contents.rows { text += RowJournal._line(row) }
                try writeAtomically(text, to: url)
            } else if truncate(url.path, off_t(completeBytes)) != 0 {
                throw .fileOperation(path: url.path, operation: "cut the interrupted last line of", reason: FileIO.message(errno))
            }
            resumedRows = contents.rows
            droppedLines = contents.corruptLines
            descriptor = try RowJournal._openForAppending(url, create: false)
        } else {
            // New, or only an interrupted header: start afresh.
            resumedRows = []
            droppedLines = []
            descriptor = try RowJournal._openForAppending(url, create: true)
            if ftruncate(descriptor, 0) != 0 {
                let reason = FileIO.message(errno)
                FileIO.closeDescriptor(descriptor)
                descriptor = -1
                throw .fileOperation(path: url.path, operation: "truncate", reason: reason)
            }
            try _write(RowJournal._header(columns, extraHeader))
        }
    }

    deinit { if descriptor >= 0 { FileIO.closeDescriptor(descriptor) } }

    private static func _openForAppending(_ url: URL, create: Bool) throws(ReportError) -> Int32 {
        var info = stat()
        if lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw .fileOperation(path: url.path, operation: "open the row journal", reason: "it is not a regular file; move it away")
        }
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0), 0o644)
        guard fd >= 0 else {
            throw .fileOperation(path: url.path, operation: "open the row journal", reason: FileIO.message(errno))
        }
        return fd
    }

    private func _write(_ text: String) throws(ReportError) {
        var failure = FileIO.writeAll(descriptor, Data(text.utf8))
        if failure == 0, synchronizesEachRow, fsync(descriptor) != 0 { failure = errno }
        if failure != 0 {
            throw .fileOperation(path: url.path, operation: "append to", reason: FileIO.message(failure))
        }
    }

    /// Appends one row (one cell per column) as a complete line.
    public func append(_ row: [Cell]) throws(ReportError) {
        precondition(row.count == columns.count,
                     "a row has \(row.count) cells but the journal has \(columns.count) columns")
        let line = RowJournal._line(row)
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else {
            preconditionFailure("append to a closed row journal")
        }
        try _write(line)
    }

    /// Runs `body` while no row is being appended (for a signal handler that must exit between
    /// rows, never in the middle of one).
    public func withAppendsPaused<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Closes the file; later appends are programmer errors. Closing twice is harmless.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if descriptor >= 0 { FileIO.closeDescriptor(descriptor) }
        descriptor = -1
    }

    /// Reads the complete rows of the journal at `url`, ignoring an unterminated last line and
    /// skipping corrupt lines (listed in ``Contents/corruptLines``).
    /// - Throws: ``ReportError/invalidJournal(path:line:reason:)`` when the file is not a row
    ///   journal; ``ReportError/fileOperation(path:operation:reason:)``.
    public static func read(_ url: URL) throws(ReportError) -> Contents {
        try _parse(try _readData(url), path: url.path).contents
    }

    static func _header(_ columns: [String], _ extra: JSONObject) -> String {
        var header: JSONObject = ["lindyn_row_journal": .integer(currentVersion), "columns": .array(columns.map(JSONValue.string))]
        for (key, value) in extra where header[key] == nil { header[key] = value }
        return JSONValue.object(header).serialized() + "\n"
    }

    static let _linePrefix = Array(#"{"crc32":""#.utf8)
    static let _lineMiddle = Array(#"","row":"#.utf8)

    /// One version 2 row line, with its newline.
    static func _line(_ row: [Cell]) -> String {
        let body = JSONValue.array(row.map(RowJournal._encode)).serialized()
        return #"{"crc32":""# + String(format: "%08x", CRC32.checksum(Array(body.utf8))) + #"","row":"# + body + "}\n"
    }

    /// The row array text of a version 2 line whose checksum matches, or nil.
    static func _checkedBody(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let p = _linePrefix.count, m = _lineMiddle.count
        guard line.count > p + 8 + m + 1, line.starts(with: _linePrefix), line.last == UInt8(ascii: "}") else { return nil }
        let start = line.startIndex
        guard line[(start + p + 8)..<(start + p + 8 + m)].elementsEqual(_lineMiddle),
            let stated = UInt32(String(decoding: line[(start + p)..<(start + p + 8)], as: UTF8.self), radix: 16)
        else { return nil }
        let body = line[(start + p + 8 + m)..<(line.endIndex - 1)]
        return CRC32.checksum(body) == stated ? body : nil
    }

    // MARK: Encoding

    static func _encode(_ cell: Cell) -> JSONValue {
        switch cell {
        case .number(let value) where !value.isFinite:
            return ["number": .string(value.isNaN ? "NaN" : value < 0 ? "-inf" : "inf")]
        case .number(let value): return .number(value)
        case .integer(let value): return .integer(value)
        case .text(let value): return .string(value)
        case .bool(let value): return .bool(value)
        case .missing: return .null
        }
    }

    static func _decode(_ value: JSONValue) -> Cell? {
        switch value {
        case .null: return .missing
        case .bool(let value): return .bool(value)
        case .integer(let value): return .integer(value)
        case .number(let value): return .number(value)
        case .string(let value): return .text(value)
        case .object(let object):
            switch object["number"]?.stringValue {
            case "NaN": return .number(.nan)
            case "inf": return .number(.infinity)
            case "-inf": return .number(-.infinity)
            default: return nil
            }
        case .array: return nil
        }
    }

    private static func _readData(_ url: URL) throws(ReportError) -> Data {
        try readFileCapped(url, limit: Int.max)
    }

    /// Parses complete lines; `completeBytes` is the length of the terminated lines. A journal
    /// without a complete header has no columns and no rows.
    static func _parse(_ data: Data, path: String) throws(ReportError) -> (contents: Contents, completeBytes: Int) {
        let bytes = [UInt8](data)
        let completeBytes = (bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        var contents = Contents(columns: [], rows: [], ignoredTrailingBytes: bytes.count - completeBytes)
        var lineNumber = 0
        for line in bytes[..<completeBytes].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .dropLast()
        {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            if lineNumber == 1 {
                guard let value = try? JSONValue.parse(String(decoding: line, as: UTF8.self)),
                    case .integer(let version)? = value["lindyn_row_journal"], (1...currentVersion).contains(version),
                    let names = value["columns"]?.arrayValue?.compactMap(\.stringValue)
                else {
                    throw .invalidJournal(path: path, line: 1, reason: "not a row journal header")
                }
                contents.columns = names
                contents.version = version
                if case .object(let members) = value {
                    for (key, member) in members where key != "lindyn_row_journal" && key != "columns" { contents.header[key] = member }
                }
                continue
            }
            let body: ArraySlice<UInt8>
            if contents.version >= 2 {
                guard let checked = _checkedBody(line) else {
                    contents.corruptLines.append(lineNumber)
                    continue
                }
                body = checked
            } else {
                body = line
            }
            guard let value = try? JSONValue.parse(String(decoding: body, as: UTF8.self)),
                let elements = value.arrayValue, elements.count == contents.columns.count
            else {
                contents.corruptLines.append(lineNumber)
                continue
            }
            var row: [Cell] = []
            row.reserveCapacity(elements.count)
            for element in elements {
                guard let cell = _decode(element) else { break }
                row.append(cell)
            }
            guard row.count == elements.count else {
                contents.corruptLines.append(lineNumber)
                continue
            }
            contents.rows.append(row)
        }
        return (contents, completeBytes)
    }
}

/// CRC-32 with the IEEE 802.3 polynomial (reflected, 0xEDB88320), as zlib's `crc32`.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
