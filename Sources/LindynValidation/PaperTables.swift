import Foundation
import LindynReport

/// The LaTeX files of a validation run, made to compile on a page: the full tables stay in CSV
/// and JSON, the `.tex` files hold a chosen set of columns, one table per grid (a `longtable`
/// where a grid has many rows), with booktabs rules, siunitx-aligned numbers and a `\label`.
///
/// Each file starts with a comment naming the preamble it needs (`Table.paperLatexPreamble`).
public enum PaperTables {
    /// The tables that have a LaTeX form, by base name.
    public static let tableNames = ["errors", "stiffness", "work-precision", "summary"]

    /// The columns written by default; `parameters` stands for the grid's parameter columns.
    public static let defaultColumns: [String: [String]] = [
        "errors": ["point", "parameters", "method", "epsabs", "max_scaled_error", "error_ratio", "status"],
        "stiffness": ["point", "parameters", "T_max_lambda", "stiffness_ratio_end", "explicit_steps", "implicit_steps", "step_ratio", "verdict"],
        "work-precision": ["stepper", "epsabs", "epsrel", "failed", "worst_scaled_error", "median_scaled_error", "mean_rhs_evaluations", "mean_accepted_steps"],
        "summary": ["grid", "points", "passed", "failed", "worst_integrator_scaled_error", "worst_descent_scaled_error", "worst_formula_scaled_error", "stiff_points"],
    ]

    /// Every column a table offers (besides `parameters` and the grids' parameter paths).
    public static func availableColumns(_ table: String) -> [String] {
        switch table {
        case "errors": return ErrorTable.names
        case "stiffness": return StiffnessTable.names
        case "work-precision": return WorkPrecisionTable.columns.map(\.name)
        case "summary": return SummaryTable.table([]).columnNames
        default: return []
        }
    }

    /// Tolerances need one digit and errors two; the full values are in the CSV.
    static let digits: [String: Int] = [
        "epsabs": 1, "epsrel": 1, "max_scaled_error": 2, "max_abs_error": 2, "max_rel_error": 2, "error_ratio": 2,
        "worst_scaled_error": 2, "median_scaled_error": 2, "T_max_lambda": 2, "stiffness_ratio_end": 2, "step_ratio": 2,
        "mean_rhs_evaluations": 3, "mean_accepted_steps": 3,
    ]

    static let headers: [String: String] = [
        "max_scaled_error": "scaled error", "max_abs_error": "abs. error", "max_rel_error": "rel. error", "error_ratio": "ratio",
        "T_max_lambda": "T max|λ|", "stiffness_ratio_end": "stiffness ratio", "explicit_steps": "explicit steps",
        "implicit_steps": "implicit steps", "step_ratio": "step ratio", "worst_scaled_error": "worst error",
        "median_scaled_error": "median error", "mean_rhs_evaluations": "f evaluations", "mean_accepted_steps": "steps",
        "worst_integrator_scaled_error": "integrator", "worst_descent_scaled_error": "descent",
        "worst_formula_scaled_error": "formula", "stiff_points": "stiff", "half_time": "half time", "descent_lag": "lag",
        "accepted_steps": "steps", "rhs_evaluations": "f evaluations", "jacobian_evaluations": "J evaluations",
    ]

    /// A `\label` key from `parts`: letters, digits and hyphens only.
    static func label(_ parts: String...) -> String {
        "tab:" + parts.joined(separator: "-").map { $0.isLetter && $0.isASCII || $0.isNumber || $0 == "-" ? String($0) : "-" }.joined()
    }

    /// The header of a parameter column: the last component of its path (`model.u0` is `u0`).
    static func parameterHeader(_ path: String) -> String { path.split(separator: ".").last.map(String.init) ?? path }

    /// `table` with the `method` of each integrator row replaced by its stepper's name.
    static func namingSteppers(_ table: Table) -> Table {
        guard let m = table.columnIndex(named: "method"), let s = table.columnIndex(named: "stepper") else { return table }
        let rows = table.rows.map { row -> [Cell] in
            var r = row
            if r[m] == .text("integrator"), case .text = r[s] { r[m] = r[s] }
            return r
        }
        return Table(columns: table.columns, rows: rows, title: table.title, caption: table.caption)
    }

    /// The rows of `table` whose `grid` column is `grid`, as a table with the same columns.
    static func rows(of table: Table, grid: String, title: String?, caption: String?) -> Table {
        guard let g = table.columnIndex(named: "grid") else { return table }
        return Table(columns: table.columns, rows: table.rows.filter { $0[g] == .text(grid) }, title: title, caption: caption)
    }

    /// The LaTeX text of each table, by base name. `errors` and `stiffness` must have the
    /// parameter columns (see ``ParameterColumns``); `columns` overrides ``defaultColumns``.
    public static func latex(results: [PointResult], errors: Table, stiffness: Table, work: Table, summary: Table,
                             columns: [String: [String]] = [:], note: String? = nil) -> [String: String]
    {
        let prefix = note.map { $0 + " " } ?? ""
        var grids: [String] = []
        var parameters: [String: [String]] = [:]
        var descriptions: [String: String] = [:]
        for r in results where parameters[r.grid] == nil {
            grids.append(r.grid)
            parameters[r.grid] = ParameterColumns.names(results.filter { $0.grid == r.grid })
            if let d = r.gridDescription { descriptions[r.grid] = d }
        }
        func chosen(_ table: String, grid: String?) -> [String] {
            let names = columns[table] ?? defaultColumns[table] ?? []
            return names.flatMap { $0 == "parameters" ? (grid.flatMap { parameters[$0] } ?? []) : [$0] }
        }
        func headers(grid: String?) -> [String: String] {
            var h = Self.headers
            for p in grid.flatMap({ parameters[$0] }) ?? [] { h[p] = parameterHeader(p) }
            return h
        }
        let preamble = "% Lindyn table for a paper; needs in the preamble:\n" + Table.paperLatexPreamble.split(separator: "\n").map { "%   \($0)\n" }.joined()
            + "% The full table, every column, is in the .csv and .json files beside this one.\n"
        var out: [String: String] = [:]
        let perGrid: [(name: String, table: Table, title: String)] = [
            ("errors", errors, "Errors"), ("stiffness", stiffness, "Stiffness"), ("work-precision", work, "Work against precision"),
        ]
        for (name, table, title) in perGrid {
            var text = preamble
            for grid in grids {
                let caption: String
                switch name {
                case "errors": caption = "Each method at each point against its reference; ratio <= 1 passes (Notes/validation.md)."
                case "stiffness": caption = "Jacobian spectrum along the trajectory and explicit versus implicit accepted steps (Notes/stiffness.md)."
                default: caption = "Worst and median scaled error over the points, against the mean work per point."
                }
                var part = rows(of: table, grid: grid, title: "\(title), grid \(grid)", caption: prefix + caption)
                let picked = chosen(name, grid: grid)
                if name == "errors", picked.contains("method"), !picked.contains("stepper") {
                    // Without a stepper column, an integrator row is named by its stepper.
                    part = namingSteppers(part)
                    part.caption = (part.caption ?? "") + " Integrator rows are named by their GSL stepper."
                }
                guard !part.rows.isEmpty else { continue }
                // Grids with many parameters get a smaller type, so that the table keeps to the page.
                var options = LaTeXTableOptions(
                    columns: picked, headers: headers(grid: grid), label: label(name, grid), long: true,
                    significantDigits: 3, size: picked.count > 7 ? "\\scriptsize" : "\\footnotesize")
                options.headerWidth = 8
                options.digitsByColumn = digits
                options.columnSeparation = picked.count > 8 ? "1.5pt" : "3pt"
                text += "\n" + part.paperLatex(options)
            }
            out[name] = text
        }
        var options = LaTeXTableOptions(columns: chosen("summary", grid: nil), headers: headers(grid: nil), label: label("summary"),
                                        long: summary.rows.count > 30, significantDigits: 2, size: "\\small")
        options.columnSeparation = "4pt"
        var compact = summary
        compact.caption = prefix + "Points passed and failed, and the worst scaled error max |x - r| / max |r| of each method, by grid."
        out["summary"] = preamble + "\n" + compact.paperLatex(options)
        return out
    }
}

extension Validation {
    /// Draws the figures of the run saved in `directory` (its `journal.jsonl`) again, without
    /// running anything, into `output` (default `directory/plots`), each as SVG and in `formats`.
    /// - Returns: the files written.
    /// - Throws: ``ValidationRunError/file(_:)`` when the journal cannot be read, holds no
    ///   finished point, or a figure cannot be written; ``ValidationRunError/figure(_:)`` when
    ///   the saved numbers of the generalisation figures are unreadable.
    public static func redrawFigures(from directory: URL, into output: URL? = nil, formats: [FigureExport.Format] = [],
                                     provenance: Provenance = .current()) throws(ValidationRunError) -> [URL]
    {
        try ValidationRunError.typed { try redrawSavedFigures(from: directory, into: output, formats: formats, provenance: provenance) }
    }

    static func redrawSavedFigures(from directory: URL, into output: URL?, formats: [FigureExport.Format], provenance: Provenance) throws -> [URL] {
        let journal = directory.lastPathComponent == journalName ? directory : directory.appendingPathComponent(journalName)
        let contents = try RowJournal.read(journal)
        var results: [String: PointResult] = [:]
        for row in contents.rows {
            guard let r = PointCodec.point(fromJournalRow: row) else { continue }
            results["\(r.grid)#\(r.index)"] = r
        }
        let sorted = results.values.sorted { ($0.gridOrder, $0.grid, $0.index) < ($1.gridOrder, $1.grid, $1.index) }
        guard !sorted.isEmpty else {
            throw ReportError.fileOperation(path: journal.path, operation: "redraw the figures of", reason: "the journal holds no finished point")
        }
        let errorRows = sorted.flatMap(\.errorRows)
        let target = output ?? journal.deletingLastPathComponent().appendingPathComponent("plots")
        let svgs = try ValidationPlots.writeAll(
            sorted, errorTable: ErrorTable.table(errorRows), workTable: WorkPrecisionTable.table(fromErrorRows: errorRows), to: target,
            metadata: provenance.svgMetadata)
            + GeneralisationFigures.redraw(from: journal.deletingLastPathComponent(), into: target, metadata: provenance.svgMetadata)
        return try svgs + exportFigures(svgs, formats: formats)
    }

    /// PNG or PDF copies of `svgs` beside them.
    /// - Throws: `ReportError` when the converter is missing or fails, naming the file.
    public static func exportFigures(_ svgs: [URL], formats: [FigureExport.Format]) throws(ReportError) -> [URL] {
        var out: [URL] = []
        for svg in svgs {
            for format in formats {
                let url = svg.deletingPathExtension().appendingPathExtension(format.rawValue)
                try FigureExport.convert(svg, to: url, format: format)
                out.append(url)
            }
        }
        return out
    }
}
