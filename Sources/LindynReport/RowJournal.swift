import Foundation

/// An append-only file of finished table rows, one JSON line each, so that a long run that is
/// interrupted can resume from the rows it had finished.
///
/// The file is JSON Lines: a header `{"lindyn_row_journal":1,"columns":[...]}`, then one compact
/// JSON array per row. Cells keep their kind exactly: doubles are written in shortest round-trip
/// form with a decimal point or exponent, integers without; ``Cell/missing`` is `null`; NaN and
/// infinities, which JSON lacks, are written as `{"number":"NaN"}`, `{"number":"inf"}`,
/// `{"number":"-inf"}`.
///
/// Each row is handed to the operating system with one `write` as soon as it is appended, so it
/// survives a crash of the process; with `synchronizesEachRow` it is also flushed to the disk
/// (surviving a power loss, at the cost of a sync per row). A line is complete only once its
/// newline is written: an unterminated last line, left by an interrupted write, is ignored when
/// reading and cut off when resuming.
///
/// Appending is serialized by a lock, so one journal may be shared by concurrent tasks.
public final class RowJournal: @unchecked Sendable {
    /// What a journal file holds.
    public struct Contents: Sendable, Hashable {
        public var columns: [String]
        /// The complete rows, in the order they were appended.
        public var rows: [[Cell]]
        /// The number of bytes of an unterminated last line that were ignored (0 if none).
        public var ignoredTrailingBytes: Int

        /// The rows as a ``Table``.
        public var table: Table { Table(columns: columns, rows: rows) }
    }

    public let url: URL
    public let columns: [String]
    /// The rows the journal already held when it was opened; empty for a new journal.
    public let resumedRows: [[Cell]]

    private let synchronizesEachRow: Bool
    private let lock = NSLock()
    private var handle: FileHandle?

    /// Opens the journal at `url` for appending rows with `columns`, creating it (and its
    /// directory) if needed. An existing journal is resumed: its rows are in ``resumedRows`` and an
    /// unterminated last line is cut off.
    /// - Throws: ``ReportError/journalColumnsMismatch(path:expected:found:)`` if the existing
    ///   journal has other columns; ``ReportError/invalidJournal(path:line:reason:)`` if it is
    ///   corrupt before its last line; ``ReportError/fileOperation(path:operation:reason:)``.
    /// - Parameter header: further members of a new journal's header line (Lindyn's validation
    ///   runs put their ``Provenance`` there as `"provenance"`); readers ignore them.
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
            if existing == nil {
                try manager.createDirectory(at: url.deletingLastPathComponent(),
                                            withIntermediateDirectories: true)
                guard manager.createFile(atPath: url.path, contents: nil) else {
                    throw ReportError.fileOperation(path: url.path, operation: "create",
                                                    reason: String(cString: strerror(errno)))
                }
            }
            let handle = try FileHandle(forWritingTo: url)
            self.handle = handle
            if let (contents, completeBytes) = existing, !contents.columns.isEmpty {
                try handle.truncate(atOffset: UInt64(completeBytes))
                try handle.seekToEnd()
                resumedRows = contents.rows
            } else {
                // New, or only an interrupted header: start afresh.
                try handle.truncate(atOffset: 0)
                var headerObject: JSONObject = [
                    "lindyn_row_journal": 1, "columns": .array(columns.map(JSONValue.string)),
                ]
                for (key, value) in extraHeader where headerObject[key] == nil { headerObject[key] = value }
                let header = JSONValue.object(headerObject)
                try handle.write(contentsOf: Data((header.serialized() + "\n").utf8))
                if synchronizesEachRow { try handle.synchronize() }
                resumedRows = []
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw .fileOperation(path: url.path, operation: "open the row journal",
                                 reason: error.localizedDescription)
        }
    }

    deinit { try? handle?.close() }

    /// Appends one row (one cell per column) as a complete line.
    public func append(_ row: [Cell]) throws(ReportError) {
        precondition(row.count == columns.count,
                     "a row has \(row.count) cells but the journal has \(columns.count) columns")
        let line = JSONValue.array(row.map(RowJournal._encode)).serialized() + "\n"
        lock.lock()
        defer { lock.unlock() }
        guard let handle else {
            preconditionFailure("append to a closed row journal")
        }
        do {
            try handle.write(contentsOf: Data(line.utf8))
            if synchronizesEachRow { try handle.synchronize() }
        } catch {
            throw .fileOperation(path: url.path, operation: "append to", reason: error.localizedDescription)
        }
    }

    /// Closes the file; later appends are programmer errors. Closing twice is harmless.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        try? handle?.close()
        handle = nil
    }

    /// Reads the complete rows of the journal at `url`, ignoring an unterminated last line.
    public static func read(_ url: URL) throws(ReportError) -> Contents {
        try _parse(try _readData(url), path: url.path).contents
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
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .fileOperation(path: url.path, operation: "read the row journal",
                                 reason: error.localizedDescription)
        }
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
            let value: JSONValue
            do {
                value = try JSONValue.parse(String(decoding: line, as: UTF8.self))
            } catch {
                throw .invalidJournal(path: path, line: lineNumber, reason: error.description)
            }
            if lineNumber == 1 {
                guard value["lindyn_row_journal"] != nil,
                    let names = value["columns"]?.arrayValue?.compactMap(\.stringValue)
                else {
                    throw .invalidJournal(path: path, line: 1, reason: "not a row journal header")
                }
                contents.columns = names
                continue
            }
            guard let elements = value.arrayValue, elements.count == contents.columns.count else {
                throw .invalidJournal(path: path, line: lineNumber,
                                      reason: "expected an array of \(contents.columns.count) cells")
            }
            var row: [Cell] = []
            row.reserveCapacity(elements.count)
            for element in elements {
                guard let cell = _decode(element) else {
                    throw .invalidJournal(path: path, line: lineNumber, reason: "a cell is not a table value")
                }
                row.append(cell)
            }
            contents.rows.append(row)
        }
        return (contents, completeBytes)
    }
}
