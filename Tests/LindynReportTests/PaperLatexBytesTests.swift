import Foundation
import Testing
@testable import LindynReport

/// The LaTeX writer for papers gives exactly the text of the definition it replaces (kept here
/// as the reference: each cell's text built and joined as strings, the siunitx column formatting
/// as it was; the cell and header escaping it shares with the writer), and the shortcut of
/// `latexTextSafe` for plain text changes nothing.
@Suite("Paper LaTeX tables")
struct PaperLatexBytesTests {
    static func tables() -> [Table] {
        var generator = SystemRandomNumberGenerator()
        var out: [Table] = []
        let texts = ["pass", "fail", "rk8pd", "a_b", "50%", "x < y | z", "λ = 2", "τ×α", "tab\tx", "{braces}", "~^", "", "line\nbreak", "é"]
        for shape in 0..<8 {
            var table = Table(columns: ["point", "value", "small", "mixed", "status", "wide", "ints"], title: shape % 2 == 0 ? "Errors, grid g_1" : nil,
                              caption: shape % 3 == 0 ? "Ratio <= 1 passes." : nil)
            for k in 0..<30 {
                let scale = pow(10, Double(Int.random(in: -12...8, using: &generator)))
                let value: Cell = shape == 7 ? .integer(-k) : .number(Double.random(in: -1...1, using: &generator) * scale)
                let small: Cell = k % 7 == 3 ? .missing : .number(Double.random(in: 0...1, using: &generator) * (shape % 2 == 0 ? 1e3 : 1))
                let specials: [Cell] = [.number(.nan), .number(.infinity), .number(-.infinity), .missing, .integer(3), .number(0), .number(-0.0)]
                let mixed = shape >= 4 ? specials[k % specials.count] : .number(Double(k) * 0.125)
                let wide: Cell = .number([1e5, 99999.5, 1e-3, 0.00099, 1234.5678, -12.5][k % 6] * (shape == 3 ? 1 : Double(k + 1)))
                table.append([.integer(k), value, small, mixed, .text(texts[k % texts.count]), wide, .integer(k * (shape == 5 ? -1 : 1000))])
            }
            out.append(table)
        }
        return out
    }

    @Test func paperLatexIsTheReferenceText() {
        for (k, table) in Self.tables().enumerated() {
            for digits in [1, 2, 3, 5] {
                var options = LaTeXTableOptions(columns: k == 2 ? ["status", "value", "point"] : nil, headers: ["value": "the value_x"], label: k % 2 == 0 ? "tab:t" : nil,
                                                long: k % 3 != 0, significantDigits: digits, size: "\\small")
                options.digitsByColumn = ["small": 2]
                options.headerWidth = 6
                #expect(table.paperLatex(options) == table.referencePaperLatex(options), "table \(k), \(digits) digits")
            }
        }
        // No columns at all.
        #expect(Table(columns: ["a"], rows: [[1], [2]]).paperLatex(LaTeXTableOptions(columns: [])) == Table(columns: ["a"], rows: [[1], [2]]).referencePaperLatex(LaTeXTableOptions(columns: [])))
    }

    @Test func textSafetyIsTheReference() {
        for text in ["pass", "x < y | z", "λ = 2", "τ×α", "tab\tx", "{b}_%&#$~^\\", "", "a\r\nb", "é 🙂", "plain words 123.5"] {
            #expect(Table.latexTextSafe(text) == Table._latexTextSafeEscaped(text), "\(text)")
        }
    }
}

extension Table {
    func referencePaperLatex(_ options: LaTeXTableOptions) -> String {
        let picked = (options.columns ?? columnNames).compactMap { columnIndex(named: $0) }
        let digits = max(1, options.significantDigits)
        // Per numeric column: the formatted numbers and their table-format.
        var specs: [String] = []
        var cells: [[String]] = rows.map { _ in [] }
        for c in picked {
            if _isNumericColumn(c) {
                let column = rows.map { $0[c] }
                let (texts, format) = Table._referenceSiunitxColumn(column, digits: max(1, options.digitsByColumn[columns[c].name] ?? digits))
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

    static func _referenceSiunitxColumn(_ column: [Cell], digits: Int) -> (texts: [String], format: String) {
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
            return CFormat.format(x, precision: decimals, conversion: "f")
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
            let text = CFormat.format(x, precision: digits - 1, conversion: "e")
            let parts = text.split(separator: "e")
            let exponent = Int(parts[1]) ?? 0
            negativeExponent = negativeExponent || exponent < 0
            exponentWidth = max(exponentWidth, String(abs(exponent)).count)
            texts.append("\(parts[0])e\(exponent)")
        }
        return (texts, "\(sign)1.\(digits - 1)e\(negativeExponent ? "-" : "")\(exponentWidth)")
    }

}
