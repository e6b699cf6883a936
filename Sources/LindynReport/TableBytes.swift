import Foundation

// The writers of CSV, Markdown and JSON tables, straight into bytes: each cell's text is made
// once, into one buffer, and the lines are assembled from it, so that a table of thousands of
// rows costs little more than the formatting of its numbers. The text is exactly that of the
// definitions in TableWriters.swift (tested against them in `TableBytesTests`).

extension CFormat {
    /// Appends `value` formatted as `%.<precision><conversion>` (``format(_:precision:conversion:)``).
    static func append(_ value: Double, precision: Int, conversion: Character, into out: inout ByteText) {
        let done = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestDigits.bufferSize) { buffer -> Bool in
            guard let count = ShortestDigits.format(value, precision: precision, conversion: conversion.asciiValue!, into: buffer.baseAddress!) else { return false }
            out.append(bytes: UnsafeBufferPointer(rebasing: buffer[..<count]))
            return true
        }
        if done { return }
        if let strfromd = strfromdFunction, (0...40).contains(precision) {
            let done: Bool = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
                let out0 = buffer.baseAddress!
                let capacity = buffer.count - 8
                var k = capacity
                out0[k] = 37  // %
                out0[k + 1] = 46  // .
                k += 2
                if precision >= 10 {
                    out0[k] = CChar(48 + precision / 10)
                    k += 1
                }
                out0[k] = CChar(48 + precision % 10)
                out0[k + 1] = CChar(conversion.asciiValue!)
                out0[k + 2] = 0
                let written = strfromd(out0, capacity, out0 + capacity, value)
                guard written > 0, written < capacity else { return false }
                out.append(bytes: UnsafeRawBufferPointer(start: out0, count: Int(written)))
                return true
            }
            if done { return }
        }
        out.append(format(value, precision: precision, conversion: conversion))
    }
}

/// The texts of a table's cells in one buffer: cell (r, c) is `bytes[start[i]..<start[i + 1]]`
/// with i = r * columns + c.
struct _CellTexts {
    var text = ByteText()
    var starts: [Int] = [0]
    /// Per cell, its display width when it is not its byte count (non-ASCII text); else -1.
    var widths: [Int] = []

    init(cells: Int, bytesPerCell: Int) {
        text = ByteText(capacity: cells * bytesPerCell)
        starts.reserveCapacity(cells + 1)
        widths.reserveCapacity(cells)
    }

    mutating func close(width: Int = -1) {
        starts.append(text.count)
        widths.append(width)
    }

    func width(_ i: Int) -> Int {
        if widths[i] >= 0 { return widths[i] }
        return starts[i + 1] - starts[i]
    }

    func append(_ i: Int, to out: inout ByteText) {
        text.bytes.withUnsafeBufferPointer { all in
            out.append(bytes: UnsafeBufferPointer(rebasing: all[starts[i]..<starts[i + 1]]))
        }
    }
}

/// The shortest text (`Double.description`) of every finite number of a table, made once and
/// shared by the writers of its CSV, JSON and Markdown (each would otherwise convert every number
/// again; Markdown rounds these digits, ``ShortestDigits``). Cells are numbered in row order.
package struct TableNumberTexts: Sendable {
    var text: [UInt8] = []
    /// Cell i's text is `text[starts[i]..<starts[i + 1]]`, empty when it is not a finite number.
    var starts: [Int32] = [0]

    @inline(__always)
    func isEmpty(_ i: Int) -> Bool { starts[i] == starts[i + 1] }

    @inline(__always)
    func append(_ i: Int, to out: inout ByteText) {
        text.withUnsafeBufferPointer { all in
            out.append(bytes: UnsafeBufferPointer(rebasing: all[Int(starts[i])..<Int(starts[i + 1])]))
        }
    }

    /// Cell i's number (`value`) as `%.<precision><conversion>`, appended to `out`.
    func appendFormatted(_ i: Int, value: Double, precision: Int, conversion: Character, into out: inout ByteText) {
        let done = text.withUnsafeBufferPointer { all in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestDigits.bufferSize) { buffer -> Bool in
                guard let count = ShortestDigits.format(
                    shortest: UnsafeBufferPointer(rebasing: all[Int(starts[i])..<Int(starts[i + 1])]), of: value, precision: precision,
                    conversion: conversion.asciiValue!, into: buffer.baseAddress!)
                else { return false }
                out.append(bytes: UnsafeBufferPointer(rebasing: buffer[..<count]))
                return true
            }
        }
        if !done { CFormat.append(value, precision: precision, conversion: conversion, into: &out) }
    }
}

extension Table {
    /// The table in `format` as UTF-8 bytes: the text of ``rendered(as:)``.
    package func renderedBytes(as format: TableFormat) -> [UInt8] { renderedBytes(as: format, numbers: nil) }

    /// ``renderedBytes(as:)`` with the numbers' texts already made (``numberTexts()`` of this
    /// table), for a caller that writes several formats of one table.
    package func renderedBytes(as format: TableFormat, numbers: TableNumberTexts?) -> [UInt8] {
        switch format {
        case .csv: return _csvBytes(numbers: numbers).bytes
        case .markdown: return _markdownBytes(significantDigits: 6, numbers: numbers).bytes
        case .json:
            var out = _jsonBytes(numbers: numbers)
            out.append(byte: UInt8(ascii: "\n"))
            return out.bytes
        case .latex, .text: return Array(rendered(as: format).utf8)
        }
    }

    /// The shortest text of every finite number cell, in row order (``TableNumberTexts``).
    package func numberTexts() -> TableNumberTexts {
        var texts = TableNumberTexts()
        let cells = rows.reduce(0) { $0 + $1.count }
        texts.starts.reserveCapacity(cells + 1)
        var out = ByteText(capacity: cells * 12)
        for row in rows {
            for cell in row {
                if case .number(let value) = cell, value.isFinite { out.appendShortest(value) }
                texts.starts.append(Int32(out.count))
            }
        }
        texts.text = out.bytes
        return texts
    }

    // MARK: CSV

    static func _appendCSVField(_ text: String, into out: inout ByteText) {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return out.append(text) }
        out.append(byte: UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte: byte) }
            out.append(byte: byte)
        }
        out.append(byte: UInt8(ascii: "\""))
    }

    /// ``csv()``'s text.
    func _csvBytes(numbers: TableNumberTexts? = nil) -> ByteText {
        var out = ByteText(capacity: 64 + rows.count * columns.count * 12)
        for (c, column) in columns.enumerated() {
            if c > 0 { out.append(byte: UInt8(ascii: ",")) }
            Table._appendCSVField(column.name, into: &out)
        }
        out.append(byte: UInt8(ascii: "\n"))
        var i = 0
        for row in rows {
            for (c, cell) in row.enumerated() {
                defer { i += 1 }
                if c > 0 { out.append(byte: UInt8(ascii: ",")) }
                switch cell {
                case .number(let value):
                    if value.isNaN {
                        out.append("NaN")
                    } else if value.isInfinite {
                        out.append(value < 0 ? "-inf" : "inf")
                    } else if let numbers {
                        numbers.append(i, to: &out)
                    } else {
                        out.appendShortest(value)
                    }
                case .integer(let value): out.appendInteger(value)
                case .text(let value): Table._appendCSVField(value, into: &out)
                case .bool(let value): out.append(value ? "true" : "false")
                case .missing: break
                }
            }
            out.append(byte: UInt8(ascii: "\n"))
        }
        return out
    }

    // MARK: Markdown

    /// Appends `text` escaped for a Markdown cell (`|` as `\|`, line breaks as spaces); returns
    /// its display width (``_width(_:)`` of the escaped text).
    @discardableResult
    static func _appendMarkdownText(_ text: String, into out: inout ByteText) -> Int {
        var plain = true
        var ascii = true
        for byte in text.utf8 {
            if byte == UInt8(ascii: "|") || byte == 0x0A || byte == 0x0D { plain = false }
            if byte >= 0x80 { ascii = false }
        }
        if plain {
            out.append(text)
            return ascii ? text.utf8.count : text.count
        }
        var escaped = ""
        for character in text {
            switch character {
            case "|": escaped += "\\|"
            case "\r\n", "\n", "\r": escaped += " "
            default: escaped.append(character)
            }
        }
        out.append(escaped)
        return _width(escaped)
    }

    /// ``markdown(significantDigits:)``'s text.
    func _markdownBytes(significantDigits: Int, numbers: TableNumberTexts? = nil) -> ByteText {
        let n = columns.count
        let digits = max(1, significantDigits)
        var texts = _CellTexts(cells: rows.count * n, bytesPerCell: 10)
        var i = 0
        for row in rows {
            for cell in row {
                defer { i += 1 }
                switch cell {
                case .number(let value):
                    if value.isNaN {
                        texts.text.append("NaN")
                    } else if value.isInfinite {
                        texts.text.append(value < 0 ? "-inf" : "inf")
                    } else if let numbers {
                        numbers.appendFormatted(i, value: value, precision: digits, conversion: "g", into: &texts.text)
                    } else {
                        CFormat.append(value, precision: digits, conversion: "g", into: &texts.text)
                    }
                    texts.close()
                case .integer(let value):
                    texts.text.appendInteger(value)
                    texts.close()
                case .text(let value):
                    let before = texts.text.count
                    let width = Table._appendMarkdownText(value, into: &texts.text)
                    texts.close(width: width == texts.text.count - before ? -1 : width)
                case .bool(let value):
                    texts.text.append(value ? "true" : "false")
                    texts.close()
                case .missing:
                    texts.close()
                }
            }
        }
        var header = _CellTexts(cells: n, bytesPerCell: 16)
        for column in columns {
            let before = header.text.count
            let width = Table._appendMarkdownText(column.heading, into: &header.text)
            header.close(width: width == header.text.count - before ? -1 : width)
        }
        let numeric = columns.indices.map(_isNumericColumn)
        var widths = (0..<n).map { max(3, header.width($0)) }
        for r in rows.indices {
            for c in 0..<n { widths[c] = max(widths[c], texts.width(r * n + c)) }
        }
        var out = ByteText(capacity: rows.count * (widths.reduce(0, +) + 3 * n + 2) + 1024)
        func line(_ cells: _CellTexts, row: Int) {
            out.append("| ")
            for c in 0..<n {
                if c > 0 { out.append(" | ") }
                let i = row * n + c
                let padding = max(0, widths[c] - cells.width(i))
                if numeric[c] {
                    out.append(repeating: UInt8(ascii: " "), count: padding)
                    cells.append(i, to: &out)
                } else {
                    cells.append(i, to: &out)
                    out.append(repeating: UInt8(ascii: " "), count: padding)
                }
            }
            out.append(" |\n")
        }
        if let title {
            out.append("**")
            Table._appendMarkdownText(title, into: &out)
            out.append("**\n\n")
        }
        line(header, row: 0)
        out.append(byte: UInt8(ascii: "|"))
        for c in 0..<n {
            if c > 0 { out.append(byte: UInt8(ascii: "|")) }
            if numeric[c] {
                out.append(repeating: UInt8(ascii: "-"), count: widths[c] + 1)
                out.append(byte: UInt8(ascii: ":"))
            } else {
                out.append(byte: UInt8(ascii: ":"))
                out.append(repeating: UInt8(ascii: "-"), count: widths[c] + 1)
            }
        }
        out.append("|\n")
        for r in rows.indices { line(texts, row: r) }
        if let caption {
            out.append(byte: UInt8(ascii: "\n"))
            Table._appendMarkdownText(caption, into: &out)
            out.append(byte: UInt8(ascii: "\n"))
        }
        return out
    }

    // MARK: JSON

    /// Appends `cell` as ``Cell/jsonValue`` serializes.
    static func _appendJSONCell(_ cell: Cell, into out: inout ByteText) {
        switch cell {
        case .number(let value):
            if value.isNaN {
                out.append("\"NaN\"")
            } else if value.isInfinite {
                out.append(value < 0 ? "\"-inf\"" : "\"inf\"")
            } else {
                out.appendShortest(value)
            }
        case .integer(let value): out.appendInteger(value)
        case .text(let value): out.appendJSONString(value)
        case .bool(let value): out.append(value ? "true" : "false")
        case .missing: out.append("null")
        }
    }

    /// `json()`'s text (pretty layout, no leading or trailing members), without building the
    /// ``JSONValue``: ``jsonObject(includeMetadata:)`` serialized.
    func _jsonBytes(numbers: TableNumberTexts? = nil) -> ByteText {
        var out = ByteText(capacity: 256 + rows.count * columns.count * 12)
        func strings(_ values: [String?]) {
            // An array of scalars stays on one line.
            guard !values.isEmpty else { return out.append("[]") }
            out.append(byte: UInt8(ascii: "["))
            for (k, value) in values.enumerated() {
                if k > 0 { out.append(", ") }
                if let value { out.appendJSONString(value) } else { out.append("null") }
            }
            out.append(byte: UInt8(ascii: "]"))
        }
        out.append("{\n  \"columns\": ")
        strings(columns.map(\.name))
        out.append(",\n  \"rows\": ")
        if rows.isEmpty {
            out.append("[]")
        } else {
            out.append("[\n")
            var i = 0
            for (r, row) in rows.enumerated() {
                out.append("    ")
                if row.isEmpty {
                    out.append("[]")
                } else {
                    out.append(byte: UInt8(ascii: "["))
                    for (c, cell) in row.enumerated() {
                        defer { i += 1 }
                        if c > 0 { out.append(", ") }
                        if let numbers, case .number(let value) = cell, value.isFinite {
                            numbers.append(i, to: &out)
                        } else {
                            Table._appendJSONCell(cell, into: &out)
                        }
                    }
                    out.append(byte: UInt8(ascii: "]"))
                }
                out.append(r + 1 < rows.count ? ",\n" : "\n")
            }
            out.append("  ]")
        }
        if let title {
            out.append(",\n  \"title\": ")
            out.appendJSONString(title)
        }
        if let caption {
            out.append(",\n  \"caption\": ")
            out.appendJSONString(caption)
        }
        if columns.contains(where: { $0.unit != nil }) {
            out.append(",\n  \"units\": ")
            strings(columns.map(\.unit))
        }
        if columns.contains(where: { $0.description != nil }) {
            out.append(",\n  \"descriptions\": ")
            strings(columns.map(\.description))
        }
        out.append("\n}")
        return out
    }
}
