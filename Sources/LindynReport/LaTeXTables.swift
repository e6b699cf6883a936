import Foundation

/// How ``Table/paperLatex(_:)`` writes a table for a paper.
public struct LaTeXTableOptions: Sendable, Hashable {
    /// The columns to keep, in this order (all columns when `nil`).
    public var columns: [String]?
    /// Header text by column name (the column's heading when absent).
    public var headers: [String: String]
    /// `\label{...}` of the table (none when `nil`).
    public var label: String?
    /// A `longtable` that breaks across pages, instead of a `table` float.
    public var long: Bool
    /// Significant digits of the numbers.
    public var significantDigits: Int
    /// A size command applied to the table (`\small`, `\footnotesize`).
    public var size: String
    /// Significant digits of particular columns, by name (others use ``significantDigits``).
    public var digitsByColumn: [String: Int] = [:]
    /// Headers longer than this many characters are broken over lines at spaces and underscores.
    public var headerWidth: Int = 10
    /// The space on each side of a column (`\tabcolsep`).
    public var columnSeparation: String = "4pt"

    /// Options; by default every column, in a `table` float, without a label.
    public init(columns: [String]? = nil, headers: [String: String] = [:], label: String? = nil, long: Bool = false,
                significantDigits: Int = 3, size: String = "\\small")
    {
        self.columns = columns
        self.headers = headers
        self.label = label
        self.long = long
        self.significantDigits = significantDigits
        self.size = size
    }
}

extension Table {
    /// The preamble a document needs for ``paperLatex(_:)``: T1 fonts, booktabs, siunitx, longtable.
    public static let paperLatexPreamble = """
        \\usepackage[T1]{fontenc}
        \\usepackage{booktabs}
        \\usepackage{siunitx}
        \\usepackage{longtable}
        """

    /// The table for a paper: booktabs rules, numeric columns as siunitx `S` columns whose
    /// `table-format` is computed from the data (so decimal points and exponents align), text
    /// escaped for LaTeX and restricted to characters any T1 font has, a `\caption` from the title
    /// and caption, an optional `\label`, and either a `table` float or a `longtable` that repeats
    /// its header on every page. Needs ``paperLatexPreamble``.
    ///
    /// Non-finite numbers print as `NaN`, `$\infty$`, `$-\infty$`; missing cells stay empty.
    public func paperLatex(_ options: LaTeXTableOptions = LaTeXTableOptions()) -> String {
        let picked = (options.columns ?? columnNames).compactMap { columnIndex(named: $0) }
        let digits = max(1, options.significantDigits)
        // Per numeric column: the formatted numbers and their table-format.
        var specs: [String] = []
        var cells: [[String]] = rows.map { _ in [] }
        for c in picked {
            if _isNumericColumn(c) {
                let column = rows.map { $0[c] }
                let (texts, format) = Table._siunitxColumn(column, digits: max(1, options.digitsByColumn[columns[c].name] ?? digits))
                specs.append("S[table-format=\(format)]")
                for r in rows.indices { cells[r].append(texts[r]) }
            } else {
                specs.append("l")
                for r in rows.indices { cells[r].append(Table._latexTextCell(rows[r][c])) }
            }
        }
        let header = picked.map { c -> String in
            let text = Table._wrappedHeader(options.headers[columns[c].name] ?? columns[c].heading, width: options.headerWidth,
                                            align: _isNumericColumn(c) ? "c" : "l")
            // A header in an S column goes through \multicolumn, so that siunitx leaves it alone
            // and the column is as wide as the wider of header and numbers.
            return _isNumericColumn(c) ? "\\multicolumn{1}{c}{\(text)}" : text
        }.joined(separator: " & ") + " \\\\"
        var captionText = title.map(Table.latexTextSafe) ?? ""
        if let caption {
            if !captionText.isEmpty { captionText += ".!?:".contains(captionText.last!) ? " " : ". " }
            captionText += Table.latexTextSafe(caption)
        }
        let label = options.label.map { "\\label{\($0)}" } ?? ""
        let body = cells.map { $0.joined(separator: " & ") + " \\\\" }
        var lines: [String] = []
        if options.long {
            lines.append("{\(options.size)\\setlength{\\tabcolsep}{\(options.columnSeparation)}")
            lines.append("\\begin{longtable}{\(specs.joined())}")
            if !captionText.isEmpty || !label.isEmpty { lines.append("\\caption{\(captionText)}\(label) \\\\") }
            lines += ["\\toprule", header, "\\midrule", "\\endfirsthead", "\\toprule", header, "\\midrule", "\\endhead",
                      "\\bottomrule", "\\endlastfoot"]
            lines += body
            lines.append("\\end{longtable}")
            lines.append("}")
        } else {
            lines += ["\\begin{table}[htbp]", "\\centering", options.size, "\\setlength{\\tabcolsep}{\(options.columnSeparation)}"]
            if !captionText.isEmpty { lines.append("\\caption{\(captionText)}\(label)") } else if !label.isEmpty { lines.append(label) }
            lines += ["\\begin{tabular}{\(specs.joined())}", "\\toprule", header, "\\midrule"] + body
            lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` escaped with ``latexEscape(_:)`` and made safe for T1 text fonts: `< > |` as text
    /// commands, common Greek letters and maths symbols in math mode, other non-ASCII characters
    /// replaced by `?`, so that pdfLaTeX never stops on an undefined character.
    public static func latexTextSafe(_ text: String) -> String {
        var out = ""
        for character in latexEscape(text) {
            switch character {
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "|": out += "\\textbar{}"
            default:
                if character.isASCII { out.append(character); continue }
                let symbols: [Character: String] = [
                    "λ": "$\\lambda$", "τ": "$\\tau$", "α": "$\\alpha$", "σ": "$\\sigma$", "ε": "$\\varepsilon$", "μ": "$\\mu$",
                    "Σ": "$\\Sigma$", "×": "$\\times$", "≤": "$\\le$", "≥": "$\\ge$", "≈": "$\\approx$", "±": "$\\pm$", "−": "-",
                    "–": "--", "—": "---", "’": "'", "‘": "`", "“": "``", "”": "''", "…": "\\ldots{}", "·": "$\\cdot$",
                ]
                out += symbols[character] ?? "?"
            }
        }
        return out
    }

    /// A header as LaTeX: escaped, and when longer than `width` characters broken into lines
    /// (at spaces and underscores) inside a one-column `tabular`.
    static func _wrappedHeader(_ text: String, width: Int, align: String) -> String {
        guard text.count > width else { return latexTextSafe(text) }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "_" }).map(String.init)
        guard words.count > 1 else { return latexTextSafe(text) }
        var lines: [String] = []
        for word in words {
            if let last = lines.last, last.count + 1 + word.count <= width {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(word)
            }
        }
        return "\\begin{tabular}[b]{@{}\(align)@{}}" + lines.map(latexTextSafe).joined(separator: "\\\\") + "\\end{tabular}"
    }

    static func _latexTextCell(_ cell: Cell) -> String {
        switch cell {
        case .number(let value): return latexNumber(value, significantDigits: 3)
        case .integer(let value): return String(value)
        case .text(let value): return latexTextSafe(value)
        case .bool(let value): return value ? "true" : "false"
        case .missing: return ""
        }
    }

    /// The numbers of a column as siunitx input, and the `table-format` that reserves room for
    /// all of them. A column is printed in fixed notation when every value can be shown with
    /// `digits` significant digits in at most 7 characters, else in scientific notation with a
    /// `digits`-digit mantissa.
    static func _siunitxColumn(_ column: [Cell], digits: Int) -> (texts: [String], format: String) {
        let finite = column.compactMap { c -> Double? in
            if case .integer(let i) = c { return Double(i) }
            if case .number(let x) = c, x.isFinite { return x }
            return nil
        }
        let allIntegers = column.allSatisfy { if case .number(let x) = $0 { return !x.isFinite } else { return true } }
        let negative = finite.contains { $0 < 0 }
        let sign = negative ? "-" : ""
        if allIntegers {
            let width = finite.map { String(Int(abs($0))).count }.max() ?? 1
            let texts = column.map { c -> String in
                if case .integer(let i) = c { return String(i) }
                return _siunitxNonFinite(c)
            }
            return (texts, "\(sign)\(width).0")
        }
        // Fixed notation when it stays short.
        func fixed(_ x: Double) -> String {
            if x == 0 { return "0" }
            let magnitude = Int(floor(log10(abs(x))))
            let decimals = max(0, digits - 1 - magnitude)
            return String(format: "%.\(decimals)f", x)
        }
        let useFixed = finite.allSatisfy { x in
            x == 0 || (abs(x) >= 1e-3 && abs(x) < 1e5 && fixed(x).count <= 7 + (x < 0 ? 1 : 0))
        }
        if useFixed {
            var integerWidth = 1
            var decimalWidth = 0
            var texts: [String] = []
            for c in column {
                guard let x = c.doubleValue, x.isFinite else { texts.append(_siunitxNonFinite(c)); continue }
                let text = fixed(x)
                texts.append(text)
                let unsigned = text.hasPrefix("-") ? String(text.dropFirst()) : text
                let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
                integerWidth = max(integerWidth, parts[0].count)
                if parts.count > 1 { decimalWidth = max(decimalWidth, parts[1].count) }
            }
            return (texts, "\(sign)\(integerWidth).\(decimalWidth)")
        }
        var exponentWidth = 1
        var negativeExponent = false
        var texts: [String] = []
        for c in column {
            guard let x = c.doubleValue, x.isFinite else { texts.append(_siunitxNonFinite(c)); continue }
            let text = String(format: "%.\(digits - 1)e", x)
            let parts = text.split(separator: "e")
            let exponent = Int(parts[1]) ?? 0
            negativeExponent = negativeExponent || exponent < 0
            exponentWidth = max(exponentWidth, String(abs(exponent)).count)
            texts.append("\(parts[0])e\(exponent)")
        }
        return (texts, "\(sign)1.\(digits - 1)e\(negativeExponent ? "-" : "")\(exponentWidth)")
    }

    /// A cell of a numeric column that is not a finite number, braced so that siunitx prints it as text.
    static func _siunitxNonFinite(_ cell: Cell) -> String {
        switch cell {
        case .number(let x) where x.isNaN: return "{NaN}"
        case .number(let x) where x.isInfinite: return x < 0 ? "{$-\\infty$}" : "{$\\infty$}"
        default: return ""
        }
    }
}
