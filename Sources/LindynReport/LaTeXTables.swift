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
        let numeric = picked.map(_isNumericColumn)
        // Per numeric column: the formatted numbers and their table-format.
        var specs: [String] = []
        var columnTexts: [[String]] = []
        for (k, c) in picked.enumerated() {
            if numeric[k] {
                let column = rows.map { $0[c] }
                let (texts, format) = Table._siunitxColumn(column, digits: max(1, options.digitsByColumn[columns[c].name] ?? digits))
                specs.append("S[table-format=\(format)]")
                columnTexts.append(texts)
            } else {
                specs.append("l")
                columnTexts.append(rows.map { Table._latexTextCell($0[c]) })
            }
        }
        let header = picked.enumerated().map { k, c -> String in
            let text = Table._wrappedHeader(options.headers[columns[c].name] ?? columns[c].heading, width: options.headerWidth,
                                            align: numeric[k] ? "c" : "l")
            // A header in an S column goes through \multicolumn, so that siunitx leaves it alone
            // and the column is as wide as the wider of header and numbers.
            return numeric[k] ? "\\multicolumn{1}{c}{\(text)}" : text
        }.joined(separator: " & ") + " \\\\"
        var captionText = title.map(Table.latexTextSafe) ?? ""
        if let caption {
            if !captionText.isEmpty { captionText += ".!?:".contains(captionText.last!) ? " " : ". " }
            captionText += Table.latexTextSafe(caption)
        }
        let label = options.label.map { "\\label{\($0)}" } ?? ""
        var out = ByteText(capacity: 256 + rows.count * 16 * max(1, picked.count))
        func line(_ text: String) {
            out.append(text)
            out.append(byte: UInt8(ascii: "\n"))
        }
        func body() {
            for r in rows.indices {
                for k in columnTexts.indices {
                    if k > 0 { out.append(" & ") }
                    out.append(columnTexts[k][r])
                }
                out.append(" \\\\\n")
            }
        }
        if options.long {
            line("{\(options.size)\\setlength{\\tabcolsep}{\(options.columnSeparation)}")
            line("\\begin{longtable}{\(specs.joined())}")
            if !captionText.isEmpty || !label.isEmpty { line("\\caption{\(captionText)}\(label) \\\\") }
            for text in ["\\toprule", header, "\\midrule", "\\endfirsthead", "\\toprule", header, "\\midrule", "\\endhead", "\\bottomrule", "\\endlastfoot"] {
                line(text)
            }
            body()
            line("\\end{longtable}")
            line("}")
        } else {
            for text in ["\\begin{table}[htbp]", "\\centering", options.size, "\\setlength{\\tabcolsep}{\(options.columnSeparation)}"] { line(text) }
            if !captionText.isEmpty { line("\\caption{\(captionText)}\(label)") } else if !label.isEmpty { line(label) }
            for text in ["\\begin{tabular}{\(specs.joined())}", "\\toprule", header, "\\midrule"] { line(text) }
            body()
            for text in ["\\bottomrule", "\\end{tabular}", "\\end{table}"] { line(text) }
        }
        return out.string
    }

    /// `text` escaped with ``latexEscape(_:)`` and made safe for T1 text fonts: `< > |` as text
    /// commands, common Greek letters and maths symbols in math mode, other non-ASCII characters
    /// replaced by `?`, so that pdfLaTeX never stops on an undefined character.
    public static func latexTextSafe(_ text: String) -> String {
        // Most cells (status words, method names) need nothing: return them as they are.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && !_latexSpecialBytes[Int($0)] }) { return text }
        return _latexTextSafeEscaped(text)
    }

    /// ``latexTextSafe(_:)`` without its shortcut for text that needs nothing: every character
    /// through ``latexEscape(_:)`` and the T1 substitutions.
    static func _latexTextSafeEscaped(_ text: String) -> String {
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
        var negative = false
        var anyFiniteNumber = false
        for c in column {
            switch c {
            case .integer(let i): negative = negative || i < 0
            case .number(let x) where x.isFinite:
                anyFiniteNumber = true
                negative = negative || x < 0
            default: break
            }
        }
        let sign = negative ? "-" : ""
        if !anyFiniteNumber {
            var width = 1
            var texts: [String] = []
            texts.reserveCapacity(column.count)
            for c in column {
                if case .integer(let i) = c {
                    let text = String(i)
                    width = max(width, String(i.magnitude).utf8.count)
                    texts.append(text)
                } else {
                    texts.append(_siunitxNonFinite(c))
                }
            }
            return (texts, "\(sign)\(width).0")
        }
        // Fixed notation when it stays short: every finite value is 0, or in [1e-3, 1e5) with
        // `digits` significant digits in at most 7 characters (besides a sign).
        func fixed(_ x: Double) -> String {
            if x == 0 { return "0" }
            let magnitude = Int(floor(log10(abs(x))))
            let decimals = max(0, digits - 1 - magnitude)
            return CFormat.format(x, precision: decimals, conversion: "f")
        }
        var fixedTexts: [String] = []
        fixedTexts.reserveCapacity(column.count)
        var useFixed = true
        var integerWidth = 1
        var decimalWidth = 0
        for c in column {
            guard let x = c.doubleValue, x.isFinite else {
                fixedTexts.append(_siunitxNonFinite(c))
                continue
            }
            let text = fixed(x)
            let utf8 = text.utf8
            guard x == 0 || (abs(x) >= 1e-3 && abs(x) < 1e5 && utf8.count <= 7 + (x < 0 ? 1 : 0)) else {
                useFixed = false
                break
            }
            let unsigned = utf8.first == UInt8(ascii: "-") ? utf8.count - 1 : utf8.count
            if let point = utf8.firstIndex(of: UInt8(ascii: ".")) {
                let integerDigits = utf8.distance(from: utf8.startIndex, to: point) - (unsigned < utf8.count ? 1 : 0)
                integerWidth = max(integerWidth, integerDigits)
                decimalWidth = max(decimalWidth, unsigned - integerDigits - 1)
            } else {
                integerWidth = max(integerWidth, unsigned)
            }
            fixedTexts.append(text)
        }
        if useFixed { return (fixedTexts, "\(sign)\(integerWidth).\(decimalWidth)") }
        var exponentWidth = 1
        var negativeExponent = false
        var texts: [String] = []
        texts.reserveCapacity(column.count)
        for c in column {
            guard let x = c.doubleValue, x.isFinite else { texts.append(_siunitxNonFinite(c)); continue }
            // `%.*e` gives mantissa, `e`, sign and at least two exponent digits: written with the
            // exponent's plain value (`1.2e-7`).
            let text = CFormat.format(x, precision: digits - 1, conversion: "e")
            let utf8 = text.utf8
            let e = utf8.firstIndex(of: UInt8(ascii: "e"))!
            var exponent = 0
            var exponentNegative = false
            for byte in utf8[utf8.index(after: e)...] {
                if byte == UInt8(ascii: "-") { exponentNegative = true } else if byte != UInt8(ascii: "+") { exponent = exponent * 10 + Int(byte - 48) }
            }
            negativeExponent = negativeExponent || (exponentNegative && exponent != 0)
            exponentWidth = max(exponentWidth, String(exponent).utf8.count)
            texts.append(String(text[..<e]) + "e" + (exponentNegative && exponent != 0 ? "-" : "") + String(exponent))
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

/// Bytes that ``Table/latexTextSafe(_:)`` changes: the LaTeX specials and `< > |`.
private let _latexSpecialBytes: [Bool] = {
    var special = [Bool](repeating: false, count: 128)
    for character in "\\{}_%&#$~^<>|" { special[Int(character.asciiValue!)] = true }
    return special
}()
