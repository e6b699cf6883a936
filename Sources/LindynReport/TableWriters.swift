import Foundation

/// The text formats a ``Table`` can be written in.
public enum TableFormat: String, Sendable, Hashable, CaseIterable {
    /// RFC 4180 CSV with a header line (see ``Table/csv()``).
    case csv
    /// A pipe table (see ``Table/markdown(significantDigits:)``).
    case markdown
    /// A booktabs `tabular` (see ``Table/latex(significantDigits:)``).
    case latex
    /// A JSON object with `columns` and `rows` (see ``Table/json(leading:trailing:layout:)``).
    case json
    /// Aligned plain-text columns for a terminal (see ``Table/text(significantDigits:)``).
    case text

    /// The file name extension, without a dot: `csv`, `md`, `tex`, `json`, `txt`.
    public var fileExtension: String {
        switch self {
        case .csv: return "csv"
        case .markdown: return "md"
        case .latex: return "tex"
        case .json: return "json"
        case .text: return "txt"
        }
    }
}

extension Table {
    /// The table in `format` with default options; the text ends with a newline.
    public func rendered(as format: TableFormat) -> String {
        switch format {
        case .csv: return csv()
        case .markdown: return markdown()
        case .latex: return latex()
        case .json: return json() + "\n"
        case .text: return text()
        }
    }

    // MARK: CSV

    /// CSV after RFC 4180: a header line of column names, then one line per row; a field holding
    /// a comma, a double quote, CR or LF is enclosed in double quotes with inner quotes doubled.
    /// Lines end with LF (not CRLF), which every CSV reader accepts.
    ///
    /// Numbers print as the shortest text that reads back as the same `Double`
    /// (`0.1`, `40.0`, `1e-07`); NaN and infinities as `NaN`, `inf`, `-inf` (read by pandas,
    /// NumPy and R); integers as integers; ``Cell/missing`` as an empty field.
    public func csv() -> String {
        var out = columns.map { Table._csvField($0.name) }.joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { Table._csvField(Table._csvText($0)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func _csvText(_ cell: Cell) -> String {
        switch cell {
        case .number(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-inf" : "inf" }
            return JSONValue._shortestDecimal(value)
        case .integer(let value): return String(value)
        case .text(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .missing: return ""
        }
    }

    static func _csvField(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: Human-readable numbers

    /// `value` with `digits` significant digits in `%g` style (`0.98517`, `1.2e-07`);
    /// `NaN`, `inf`, `-inf` for non-finite values.
    static func _significant(_ value: Double, digits: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return _formatG(value, digits: max(1, digits))
    }

    /// C's `%.*g` (``CFormat``): the same text as `String(format:)`, without Foundation's per-call
    /// CFString work or a variadic call (which dominated the writing of large tables).
    static func _formatG(_ value: Double, digits: Int) -> String {
        CFormat.format(value, precision: digits, conversion: "g")
    }

    static func _plainText(_ cell: Cell, digits: Int) -> String {
        switch cell {
        case .number(let value): return _significant(value, digits: digits)
        case .integer(let value): return String(value)
        case .text(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .missing: return ""
        }
    }

    /// The width of `text` in characters; for ASCII (numbers, most names) its byte count, which
    /// needs no walk over grapheme clusters.
    static func _width(_ text: String) -> Int {
        let utf8 = text.utf8
        return utf8.allSatisfy({ $0 < 0x80 }) && !utf8.contains(0x0D) ? utf8.count : text.count
    }

    static func _pad(_ text: String, to width: Int, right: Bool) -> String {
        let padding = String(repeating: " ", count: max(0, width - _width(text)))
        return right ? padding + text : text + padding
    }

    // MARK: Markdown

    /// A GitHub-flavoured Markdown pipe table with padded, aligned columns: numeric columns
    /// right-aligned, others left-aligned. Numbers have `significantDigits` significant digits.
    /// The title, if any, comes first in bold; the caption after the table. Headers show units
    /// in parentheses. `|` in text is escaped and line breaks become spaces.
    public func markdown(significantDigits: Int = 6) -> String {
        func escape(_ text: String) -> String {
            // Most cells are numbers: return them untouched without a search per pattern.
            guard text.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
            else { return text }
            var out = ""
            for character in text {
                switch character {
                case "|": out += "\\|"
                case "\r\n", "\n", "\r": out += " "
                default: out.append(character)
                }
            }
            return out
        }
        let header = columns.map { escape($0.heading) }
        let body = rows.map { row in row.map { escape(Table._plainText($0, digits: significantDigits)) } }
        let numeric = columns.indices.map(_isNumericColumn)
        let widths = columns.indices.map { c in
            max(3, ([header[c]] + body.map { $0[c] }).map(Table._width).max() ?? 0)
        }
        // Each line is appended in place (padding from a run of spaces): a table of thousands of
        // rows would otherwise build a padded copy of every cell and a joined copy of every line.
        let spaces = String(repeating: " ", count: 64)
        func appendSpaces(_ n: Int, to out: inout String) {
            var left = n
            while left > 0 {
                let k = min(left, 64)
                out += spaces.prefix(k)
                left -= k
            }
        }
        func line(_ cells: [String], into out: inout String) {
            out += "| "
            for c in cells.indices {
                if c > 0 { out += " | " }
                let padding = max(0, widths[c] - Table._width(cells[c]))
                if numeric[c] {
                    appendSpaces(padding, to: &out)
                    out += cells[c]
                } else {
                    out += cells[c]
                    appendSpaces(padding, to: &out)
                }
            }
            out += " |\n"
        }
        var out = ""
        out.reserveCapacity(body.count * (widths.reduce(0, +) + 3 * widths.count + 2) + 1024)
        if let title { out += "**\(escape(title))**\n\n" }
        line(header, into: &out)
        out += "|" + columns.indices.map { c in
            numeric[c]
                ? String(repeating: "-", count: widths[c] + 1) + ":"
                : ":" + String(repeating: "-", count: widths[c] + 1)
        }.joined(separator: "|") + "|\n"
        for row in body { line(row, into: &out) }
        if let caption { out += "\n\(escape(caption))\n" }
        return out
    }

    // MARK: LaTeX

    /// A booktabs table (`\toprule`, `\midrule`, `\bottomrule`; needs `\usepackage{booktabs}`).
    ///
    /// Numbers have `significantDigits` significant digits in math mode, with powers of ten as
    /// `$1.2\times10^{-7}$`; infinities are `$\infty$`, NaN is the text `NaN`. Text has
    /// `\ { } _ % & # $ ~ ^` escaped. Numeric columns are right-aligned (`r`), others `l`.
    /// With a title or caption the `tabular` is wrapped in a `table` float with `\caption{Title. Caption}`.
    public func latex(significantDigits: Int = 6) -> String {
        let numeric = columns.indices.map(_isNumericColumn)
        let spec = numeric.map { $0 ? "r" : "l" }.joined()
        var lines: [String] = []
        lines.append("\\begin{tabular}{\(spec)}")
        lines.append("\\toprule")
        lines.append(columns.map { Table.latexEscape($0.heading) }.joined(separator: " & ") + " \\\\")
        lines.append("\\midrule")
        for row in rows {
            lines.append(row.map { Table._latexCell($0, digits: significantDigits) }
                .joined(separator: " & ") + " \\\\")
        }
        lines.append("\\bottomrule")
        lines.append("\\end{tabular}")
        var captionText = title.map(Table.latexEscape) ?? ""
        if let caption {
            if !captionText.isEmpty { captionText += ".!?:".contains(captionText.last!) ? " " : ". " }
            captionText += Table.latexEscape(caption)
        }
        if captionText.isEmpty { return lines.joined(separator: "\n") + "\n" }
        let wrapped = ["\\begin{table}[htbp]", "\\centering", "\\caption{\(captionText)}"]
            + lines + ["\\end{table}"]
        return wrapped.joined(separator: "\n") + "\n"
    }

    /// `text` with the LaTeX special characters `\ { } _ % & # $ ~ ^` escaped so that it prints
    /// literally in text mode; line breaks become spaces.
    public static func latexEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\textbackslash{}"
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "_": out += "\\_"
            case "%": out += "\\%"
            case "&": out += "\\&"
            case "#": out += "\\#"
            case "$": out += "\\$"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// `value` in LaTeX math mode with `digits` significant digits: `$0.5$`, `$-3$`,
    /// `$1.2\times10^{-7}$`, `$\infty$`; NaN as the text `NaN`.
    public static func latexNumber(_ value: Double, significantDigits digits: Int = 6) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "$-\\infty$" : "$\\infty$" }
        let text = _significant(value, digits: digits)
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return "$\(text)$" }
        let mantissa = text[..<e]
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        return "$\(mantissa)\\times10^{\(exponent)}$"
    }

    static func _latexCell(_ cell: Cell, digits: Int) -> String {
        switch cell {
        case .number(let value): return latexNumber(value, significantDigits: digits)
        case .integer(let value): return "$\(value)$"
        case .text(let value): return latexEscape(value)
        case .bool(let value): return value ? "true" : "false"
        case .missing: return ""
        }
    }

    // MARK: JSON

    /// The table as JSON members: `columns` (names) and `rows` (arrays of cells), then, only when
    /// present and `includeMetadata` is true, `title`, `caption`, `units` and `descriptions`
    /// (arrays aligned with `columns`, `null` where a column has none).
    ///
    /// Cells map by ``Cell/jsonValue``: NaN and infinities are the strings `"NaN"`, `"inf"`,
    /// `"-inf"` (as in CSV), ``Cell/missing`` is `null`; doubles print in shortest round-trip form.
    public func jsonObject(includeMetadata: Bool = true) -> JSONObject {
        var object: JSONObject = [
            "columns": .array(columns.map { .string($0.name) }),
            "rows": .array(rows.map { .array($0.map(\.jsonValue)) }),
        ]
        guard includeMetadata else { return object }
        if let title { object["title"] = .string(title) }
        if let caption { object["caption"] = .string(caption) }
        if columns.contains(where: { $0.unit != nil }) {
            object["units"] = .array(columns.map { $0.unit.map(JSONValue.string) ?? .null })
        }
        if columns.contains(where: { $0.description != nil }) {
            object["descriptions"] = .array(columns.map { $0.description.map(JSONValue.string) ?? .null })
        }
        return object
    }

    /// The JSON text of `leading`, then ``jsonObject(includeMetadata:)``, then `trailing`, as one
    /// object. For the command line's shape:
    /// `table.json(leading: ["status": "success"], trailing: ["t_reached": 40.0, "stats": stats])`.
    /// A key in `trailing` replaces the same key earlier, keeping its position.
    public func json(leading: JSONObject = [:], trailing: JSONObject = [:],
                     layout: JSONValue.Layout = .pretty) -> String
    {
        jsonValue(leading: leading, trailing: trailing).serialized(layout)
    }

    /// The value that ``json(leading:trailing:layout:)`` prints: `leading`, then
    /// ``jsonObject(includeMetadata:)``, then `trailing`, as one object.
    public func jsonValue(leading: JSONObject = [:], trailing: JSONObject = [:]) -> JSONValue {
        var object = leading
        object.merge(jsonObject())
        object.merge(trailing)
        return .object(object)
    }

    // MARK: Terminal

    /// Aligned plain-text columns for a terminal: the title (if any), a header with units, a
    /// dashed rule, then the rows; numeric columns are right-aligned, separated by two spaces.
    public func text(significantDigits: Int = 6) -> String {
        let header = columns.map(\.heading)
        let body = rows.map { row in
            row.map { cell in
                // Foundation's replacement only for the rare cell with a line break (the check
                // alone is native and cheap; most of a small solve's printing time was here).
                let text = Table._plainText(cell, digits: significantDigits)
                return text.utf8.contains(10) ? text.replacingOccurrences(of: "\n", with: " ") : text
            }
        }
        let numeric = columns.indices.map(_isNumericColumn)
        let widths = columns.indices.map { c in ([header[c]] + body.map { $0[c] }).map(Table._width).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var text = cells.indices.map { Table._pad(cells[$0], to: widths[$0], right: numeric[$0]) }
                .joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        var out = ""
        if let title { out += title + "\n" }
        out += line(header)
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in body { out += line(row) }
        if let caption { out += caption + "\n" }
        return out
    }

    // MARK: Files

    /// Writes the table to `directory/baseName.<ext>` in each of `formats`, each file atomically
    /// (see ``writeAtomically(_:to:)-(String,_)``); creates `directory` if needed.
    /// - Returns: the files written, in the order of `formats`.
    @discardableResult
    public func write(to directory: URL, baseName: String,
                      formats: [TableFormat] = [.csv, .markdown, .latex, .json]) throws(ReportError) -> [URL]
    {
        var written: [URL] = []
        for format in formats {
            let url = directory.appendingPathComponent(baseName + "." + format.fileExtension)
            try writeAtomically(rendered(as: format), to: url)
            written.append(url)
        }
        return written
    }
}
