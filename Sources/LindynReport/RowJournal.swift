import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of finished table rows, one JSON line each, so that a long run that is
/// interrupted can resume from the rows it had finished.
///
/// The file is JSON Lines: a header `{"lindyn_row_journal":3,"columns":[...]}`, then one line per
/// row, `{"crc32":"xxxxxxxx","row":[...]}`, where the row is a compact JSON array of cells and
/// `crc32` is the CRC-32 (IEEE 802.3, as zlib computes it) of the row's bytes exactly as written,
/// in 8 lowercase hex digits. Cells keep their kind exactly: doubles are written in shortest
/// round-trip form with a decimal point or exponent, integers without; ``Cell/missing`` is
/// `null`; NaN and infinities, which JSON lacks, are written as `{"number":"NaN"}`,
/// `{"number":"inf"}`, `{"number":"-inf"}`.
///
/// Columns named in the header's `json_columns` hold JSON documents: a text cell of such a column
/// that is a compact JSON object or array (one line) is written as that JSON, not as a string
/// holding it, so that a record is encoded once rather than once and then again with its quotes
/// escaped, and it reads back as the same text. Version 2 journals (the same lines, no JSON
/// columns) and version 1 journals (bare arrays, no checksum) are still read; a journal of a later
/// version is refused, naming its version.
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
        /// The format version of the header (1, 2 or 3).
        public var version: Int = currentVersion
        /// The header's `json_columns` (version 3): columns whose cells are JSON text.
        public var jsonColumns: [String] = []
        /// The header's other members (for instance a validation run's `provenance`).
        public var header: JSONObject = [:]

        /// The rows as a ``Table``.
        public var table: Table { Table(columns: columns, rows: rows) }
    }

    /// The format version written.
    public static let currentVersion = 3

    /// The journal file.
    public let url: URL
    /// The column names every row has.
    public let columns: [String]
    /// The columns whose cells are JSON text, written as JSON (see the type's description).
    public let jsonColumns: [String]
    /// The rows the journal already held when it was opened; empty for a new journal.
    public let resumedRows: [[Cell]]
    /// Lines of the existing journal that were corrupt and dropped when it was opened.
    public let droppedLines: [Int]

    private let jsonMask: [Bool]
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
    /// - Parameter jsonColumns: the columns whose cells are JSON text (a subset of `columns`). An
    ///   existing journal with other JSON columns, or of an earlier version, is rewritten with
    ///   these; its cells keep their values.
    /// - Parameter synchronizesEachRow: flush each appended row to disk (fsync) before returning.
    /// - Parameter extraHeader: further members of a new journal's header line (Lindyn's validation
    ///   runs put their ``Provenance`` there as `"provenance"`); readers ignore them. A resumed
    ///   journal keeps the header it has.
    public init(url: URL, columns: [String], jsonColumns: [String] = [], synchronizesEachRow: Bool = false,
                header extraHeader: JSONObject = [:]) throws(ReportError)
    {
        precondition(jsonColumns.allSatisfy(columns.contains), "JSON columns \(jsonColumns) must be among the columns \(columns)")
        self.url = url
        self.columns = columns
        self.jsonColumns = jsonColumns
        self.jsonMask = columns.map(jsonColumns.contains)
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
            if !contents.corruptLines.isEmpty || contents.version != RowJournal.currentVersion || contents.jsonColumns != jsonColumns {
                // Rewrite the good rows whole, so that appends follow a clean file.
                var text = ByteText()
                text.append(RowJournal._header(columns, jsonColumns, contents.header))
                for row in contents.rows { RowJournal._line(row, jsonMask: jsonMask, into: &text) }
                try writeAtomically(Data(text.bytes), to: url)
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
            try _write(Array(RowJournal._header(columns, jsonColumns, extraHeader).utf8))
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

    private func _write(_ bytes: [UInt8]) throws(ReportError) {
        var failure = bytes.withUnsafeBytes { FileIO.writeAll(descriptor, $0) }
        if failure == 0, synchronizesEachRow, fsync(descriptor) != 0 { failure = errno }
        if failure != 0 {
            throw .fileOperation(path: url.path, operation: "append to", reason: FileIO.message(failure))
        }
    }

    /// Appends one row (one cell per column) as a complete line.
    public func append(_ row: [Cell]) throws(ReportError) {
        precondition(row.count == columns.count,
                     "a row has \(row.count) cells but the journal has \(columns.count) columns")
        var line = ByteText()
        RowJournal._line(row, jsonMask: jsonMask, into: &line)
        try _appendLine(line.bytes)
    }

    /// Appends one row given as the compact JSON text of its array of cells, exactly as
    /// ``append(_:)`` would write it (one element per column, a JSON column's document inline, no
    /// line break): for a caller that encodes its record in one pass instead of building cells.
    /// The checksum is taken of these bytes, so a reader sees exactly this row.
    package func append(encodedRow body: [UInt8]) throws(ReportError) {
        precondition(body.first == UInt8(ascii: "[") && body.last == UInt8(ascii: "]") && !body.contains(0x0A) && !body.contains(0x0D),
                     "an encoded journal row is one JSON array on one line")
        var line = ByteText(capacity: body.count + 32)
        RowJournal._frame(body, into: &line)
        try _appendLine(line.bytes)
    }

    private func _appendLine(_ line: [UInt8]) throws(ReportError) {
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

    /// Checks the journal at `url` without decoding its rows: its header, and the checksum of
    /// every complete line. For a caller that holds the rows in memory and only asks whether they
    /// all reached the file intact; much cheaper than ``read(_:)``. A version 1 journal, which has
    /// no checksums, is read in full.
    /// - Returns: the number of complete rows whose checksum matches, and the (1-based) lines
    ///   that are corrupt.
    /// - Throws: as ``read(_:)``.
    public static func verify(_ url: URL) throws(ReportError) -> (rows: Int, corruptLines: [Int]) {
        let data = try _readData(url)
        let bytes = [UInt8](data)
        let completeBytes = (bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        guard completeBytes > 0 else { return (0, []) }
        let headerEnd = bytes.firstIndex(of: UInt8(ascii: "\n"))!
        let version = try _headerVersion(bytes[..<headerEnd], path: url.path)
        guard version >= 2 else {
            let contents = try _parse(data, path: url.path).contents
            return (contents.rows.count, contents.corruptLines)
        }
        var rows = 0
        var corrupt: [Int] = []
        bytes.withUnsafeBufferPointer { all in
            var start = headerEnd + 1
            var lineNumber = 1
            while start < completeBytes {
                lineNumber += 1
                var end = start
                while all[end] != UInt8(ascii: "\n") { end += 1 }
                let line = UnsafeBufferPointer(rebasing: all[start..<end])
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
                if _checkedBodyRange(line) != nil { rows += 1 } else { corrupt.append(lineNumber) }
            }
        }
        return (rows, corrupt)
    }

    /// The version of a journal's header line, which must be one this reader knows.
    static func _headerVersion(_ line: ArraySlice<UInt8>, path: String) throws(ReportError) -> Int {
        guard let header = try? JSONValue.parse(String(decoding: line, as: UTF8.self)),
            case .integer(let version)? = header["lindyn_row_journal"], header["columns"]?.arrayValue != nil
        else {
            throw .invalidJournal(path: path, line: 1, reason: "not a row journal header")
        }
        guard (1...currentVersion).contains(version) else {
            throw .invalidJournal(
                path: path, line: 1,
                reason: "a row journal of format version \(version), which this Lindyn (versions 1 to \(currentVersion)) cannot read; use the Lindyn that wrote it, or a newer one")
        }
        return version
    }

    static func _header(_ columns: [String], _ jsonColumns: [String], _ extra: JSONObject) -> String {
        var header: JSONObject = ["lindyn_row_journal": .integer(currentVersion), "columns": .array(columns.map(JSONValue.string))]
        if !jsonColumns.isEmpty { header["json_columns"] = .array(jsonColumns.map(JSONValue.string)) }
        for (key, value) in extra where header[key] == nil { header[key] = value }
        return JSONValue.object(header).serialized() + "\n"
    }

    static let _linePrefix = Array(#"{"crc32":""#.utf8)
    static let _lineMiddle = Array(#"","row":"#.utf8)

    /// Appends one row line, with its newline: the cells as a compact JSON array (a text cell of a
    /// JSON column that holds a one-line JSON object or array inline), framed by ``_frame(_:into:)``.
    static func _line(_ row: [Cell], jsonMask: [Bool], into out: inout ByteText) {
        var body = ByteText()
        body.append(byte: UInt8(ascii: "["))
        for (k, cell) in row.enumerated() {
            if k > 0 { body.append(byte: UInt8(ascii: ",")) }
            if k < jsonMask.count, jsonMask[k], case .text(let text) = cell, _isInlineJSON(text) {
                body.append(text)
            } else {
                _encode(cell, into: &body)
            }
        }
        body.append(byte: UInt8(ascii: "]"))
        _frame(body.bytes, into: &out)
    }

    /// `{"crc32":"<crc of body>","row":<body>}` and a newline.
    static func _frame(_ body: [UInt8], into out: inout ByteText) {
        out.append(bytes: _linePrefix)
        _appendHex8(CRC32.checksum(body), into: &out)
        out.append(bytes: _lineMiddle)
        out.append(bytes: body)
        out.append(bytes: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    /// True when `text` is a JSON object or array on one line, with nothing around it: written
    /// inline, it reads back as exactly `text`.
    static func _isInlineJSON(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last,
            (first == UInt8(ascii: "{") && last == UInt8(ascii: "}")) || (first == UInt8(ascii: "[") && last == UInt8(ascii: "]")),
            !utf8.contains(0x0A), !utf8.contains(0x0D)
        else { return false }
        return (try? JSONValue.parse(text)) != nil
    }

    /// `value` as 8 lowercase hex digits (as `%08x`).
    static func _hex8(_ value: UInt32) -> String {
        var out = ByteText()
        _appendHex8(value, into: &out)
        return out.string
    }

    static func _appendHex8(_ value: UInt32, into out: inout ByteText) {
        let digits: StaticString = "0123456789abcdef"
        for k in (0..<8).reversed() { out.append(byte: digits.utf8Start[Int((value >> (4 * UInt32(k))) & 0xF)]) }
    }

    /// The value of 8 lowercase or uppercase hex digits, or nil.
    static func _parseHex8(_ digits: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard digits.count == 8 else { return nil }
        var value: UInt32 = 0
        for d in digits {
            let v: UInt8
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = d - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = d - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = d - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(v)
        }
        return value
    }

    /// The positions within `line` of the row array text of a version 2 or 3 line whose checksum
    /// matches, or nil.
    static func _checkedBodyRange(_ line: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let p = _linePrefix.count, m = _lineMiddle.count
        guard line.count > p + 8 + m + 1, line.last == UInt8(ascii: "}"),
            _linePrefix.withUnsafeBufferPointer({ memcmp(line.baseAddress!, $0.baseAddress!, p) == 0 }),
            _lineMiddle.withUnsafeBufferPointer({ memcmp(line.baseAddress! + p + 8, $0.baseAddress!, m) == 0 }),
            let stated = _parseHex8(UnsafeBufferPointer(rebasing: line[p..<(p + 8)]))
        else { return nil }
        let body = (p + 8 + m)..<(line.count - 1)
        return CRC32.checksum(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(line)[body])) == stated ? body : nil
    }

    /// The row array text of a version 2 or 3 line whose checksum matches, or nil.
    static func _checkedBody(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let range = line.withUnsafeBufferPointer { _checkedBodyRange($0) }
        return range.map { line[(line.startIndex + $0.lowerBound)..<(line.startIndex + $0.upperBound)] }
    }

    // MARK: Encoding

    /// Appends `cell` as a journal cell (see the type's description).
    package static func _encode(_ cell: Cell, into out: inout ByteText) {
        switch cell {
        case .number(let value) where value.isNaN: out.append(#"{"number":"NaN"}"#)
        case .number(let value) where value.isInfinite: out.append(value < 0 ? #"{"number":"-inf"}"# : #"{"number":"inf"}"#)
        case .number(let value): out.appendShortest(value)
        case .integer(let value): out.appendInteger(value)
        case .text(let value): out.appendJSONString(value)
        case .bool(let value): out.append(value ? "true" : "false")
        case .missing: out.append("null")
        }
    }

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

    /// The cells of a row's JSON array text, or nil when it is not one; an object or array in a
    /// JSON column (`jsonMask`) becomes the text it is written as.
    static func _decodeRow(_ body: ArraySlice<UInt8>, jsonMask: [Bool]) -> [Cell]? {
        var parser = _JSONParser(bytes: Array(body))
        var row: [Cell] = []
        row.reserveCapacity(jsonMask.count)
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "[") else { return nil }
        parser.index += 1
        parser.skipWhitespace()
        if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "]") {
            parser.index += 1
        } else {
            while true {
                parser.skipWhitespace()
                let start = parser.index
                guard let value = try? parser.parseValue(depth: 1) else { return nil }
                let k = row.count
                var inline = value.arrayValue != nil
                if case .object = value { inline = true }
                if k < jsonMask.count, jsonMask[k], inline {
                    row.append(.text(String(decoding: parser.bytes[start..<parser.index], as: UTF8.self)))
                } else {
                    guard let cell = _decode(value) else { return nil }
                    row.append(cell)
                }
                parser.skipWhitespace()
                guard parser.index < parser.bytes.count else { return nil }
                if parser.bytes[parser.index] == UInt8(ascii: ",") { parser.index += 1; continue }
                if parser.bytes[parser.index] == UInt8(ascii: "]") { parser.index += 1; break }
                return nil
            }
        }
        parser.skipWhitespace()
        return parser.index == parser.bytes.count ? row : nil
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
        var jsonMask: [Bool] = []
        for line in bytes[..<completeBytes].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .dropLast()
        {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            if lineNumber == 1 {
                let version = try _headerVersion(line, path: path)
                guard let value = try? JSONValue.parse(String(decoding: line, as: UTF8.self)),
                    let names = value["columns"]?.arrayValue?.compactMap(\.stringValue)
                else {
                    throw .invalidJournal(path: path, line: 1, reason: "not a row journal header")
                }
                contents.columns = names
                contents.version = version
                if version >= 3 { contents.jsonColumns = value["json_columns"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
                jsonMask = names.map(contents.jsonColumns.contains)
                if case .object(let members) = value {
                    for (key, member) in members where !["lindyn_row_journal", "columns", "json_columns"].contains(key) { contents.header[key] = member }
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
            guard let row = _decodeRow(body, jsonMask: jsonMask), row.count == contents.columns.count else {
                contents.corruptLines.append(lineNumber)
                continue
            }
            contents.rows.append(row)
        }
        return (contents, completeBytes)
    }
}

/// CRC-32 with the IEEE 802.3 polynomial (reflected, 0xEDB88320), as zlib's `crc32`, eight
/// bytes at a time ("slicing by 8": eight tables, one lookup per byte but no dependency between
/// the lookups of a word).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// `tables[256 k + n]`: the CRC of byte n followed by k zero bytes.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 { t[n] = table[n] }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = t[256 * (k - 1) + n]
                t[256 * k + n] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let c = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return c }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { t in
            var c: UInt32 = 0xFFFF_FFFF
            var p = 0
            let n = buffer.count
            while n - p >= 8 {
                let one = buffer.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian ^ c
                let two = buffer.loadUnaligned(fromByteOffset: p + 4, as: UInt32.self).littleEndian
                c = t[7 * 256 + Int(one & 0xFF)] ^ t[6 * 256 + Int((one >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((one >> 16) & 0xFF)] ^ t[4 * 256 + Int(one >> 24)]
                    ^ t[3 * 256 + Int(two & 0xFF)] ^ t[2 * 256 + Int((two >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((two >> 16) & 0xFF)] ^ t[Int(two >> 24)]
                p += 8
            }
            while p < n {
                c = t[Int((c ^ UInt32(buffer[p])) & 0xFF)] ^ (c >> 8)
                p += 1
            }
            return c ^ 0xFFFF_FFFF
        }
    }
}
