import Foundation
import LindynIntegrator
import LindynReport

/// The error table: one row per grid point and method (every stepper and tolerance for the
/// integrator, one row for the descent, one for the closed form).
public enum ErrorTable {
    /// The columns, in order, with units and descriptions (the tables' README lists them).
    public static let columns: [Table.Column] = [
        .init("grid", description: "grid name"),
        .init("point", description: "point index within the grid"),
        .init("parameters", description: "the grid axes' values at this point"),
        .init("method", description: "integrator, descent or formula (the closed form, checked against the tight reference integration); for data-backed problems also large_n (the large-N theory against the exact curves) and aligned_law (a random start against the training-aligned law)"),
        .init("stepper", description: "GSL stepper (integrator rows)"),
        .init("epsabs", description: "GSL absolute tolerance"),
        .init("epsrel", description: "GSL relative tolerance"),
        .init("reference", description: "what the row is compared against: formula, or a tight integration"),
        .init("compared", description: "the compared columns"),
        .init("max_abs_error", description: "max |x - r| over output times and compared columns"),
        .init("max_rel_error", description: "max |x - r| / |r| over samples with r != 0"),
        .init("max_scaled_error", description: "max |x - r| / max|r| (per column)"),
        .init("error_ratio", description: "max |x - r| / allowance of the pass rule; the row passes when <= 1"),
        .init("half_time", unit: "epochs", description: "first crossing of half the fixed point (or of the midpoint): an event on the integrator's dense output; for descent, linear between output rows"),
        .init("half_time_reference", unit: "epochs", description: "the same crossing on the reference: the closed form's root, or a reference integration's crossing between output rows"),
        .init("half_time_formula", unit: "epochs", description: "the closed form's derived half_time"),
        .init("descent_lag", unit: "epochs", description: "half_time of the descent minus that of the reference"),
        .init("status", description: "pass, fail, error (the method failed), gave_up (allowed failure), known_fail (a stepper listed in compare.known_inaccurate), unavailable (no closed form), measured (aligned_law: a discrepancy with no fixed bound)"),
        .init("message"),
        .init("accepted_steps"), .init("rejected_steps"), .init("rhs_evaluations"), .init("jacobian_evaluations"),
        .init("epochs", description: "descent epochs"),
        .init("invariant_drift", description: "integrator rows: the worst drift of the flow's conservation laws (balancedness, linear invariants) in tolerance units; above 1000 the row's message warns"),
        .init("seconds", unit: "s", description: "wall time of the method"),
    ]
    /// The column names, in order.
    public static let names = columns.map(\.name)
    /// Column positions by name (the first of a repeated name), for ``index(_:)``.
    static let positions: [String: Int] = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    /// Values of the `status` column that fail a point.
    public static let failingStatuses: Set<String> = ["fail", "error"]

    /// The position of column `name`.
    ///
    /// - Precondition: `name` is one of ``names``.
    public static func index(_ name: String) -> Int {
        guard let k = positions[name] else { preconditionFailure("no error-table column \(name)") }
        return k
    }

    static func row(grid: String, point: Int, parameters: String, method: String, status: String, message: String?) -> [Cell] {
        var cells = [Cell](repeating: .missing, count: columns.count)
        cells[ErrorColumn.grid] = .text(grid)
        cells[ErrorColumn.point] = .integer(point)
        cells[ErrorColumn.parameters] = .text(parameters)
        cells[ErrorColumn.method] = .text(method)
        cells[ErrorColumn.status] = .text(status)
        if let message { cells[ErrorColumn.message] = .text(message) }
        return cells
    }

    static func set(_ cells: inout [Cell], _ name: String, _ value: Cell) { cells[index(name)] = value }

    @inline(__always)
    static func set(_ cells: inout [Cell], _ column: Int, _ value: Cell) { cells[column] = value }

    static func setDeviation(_ cells: inout [Cell], _ d: Deviation) {
        cells[ErrorColumn.max_abs_error] = .number(d.maxAbsolute)
        cells[ErrorColumn.max_rel_error] = .number(d.maxRelative)
        cells[ErrorColumn.max_scaled_error] = .number(d.maxScaled)
        cells[ErrorColumn.error_ratio] = .number(d.ratio)
    }

    /// The table of `rows`, with its title and a caption stating the pass rules.
    public static func table(_ rows: [[Cell]]) -> Table {
        Table(
            columns: columns, rows: rows, title: "Errors against the closed forms",
            caption: "Each row compares one method at one grid point with its reference (the closed form where one exists, else a tight integration). Pass rules: integrator |x - r| <= factor (epsabs G + epsrel |r|) + floor max|r|, G = max|r| / |r(first output)|; descent max|x - r| <= bound max|r|; formula |x - r| <= rtol |r| + floor max|r| against the tight integration. error_ratio <= 1 passes. See Notes/validation.md.")
    }
}

/// The positions of the error table's columns, looked up once (``ErrorTable/index(_:)`` hashes
/// the name on every call, which adds up over thousands of rows).
enum ErrorColumn {
    static let grid = ErrorTable.index("grid")
    static let point = ErrorTable.index("point")
    static let parameters = ErrorTable.index("parameters")
    static let method = ErrorTable.index("method")
    static let stepper = ErrorTable.index("stepper")
    static let epsabs = ErrorTable.index("epsabs")
    static let epsrel = ErrorTable.index("epsrel")
    static let reference = ErrorTable.index("reference")
    static let compared = ErrorTable.index("compared")
    static let max_abs_error = ErrorTable.index("max_abs_error")
    static let max_rel_error = ErrorTable.index("max_rel_error")
    static let max_scaled_error = ErrorTable.index("max_scaled_error")
    static let error_ratio = ErrorTable.index("error_ratio")
    static let half_time = ErrorTable.index("half_time")
    static let half_time_reference = ErrorTable.index("half_time_reference")
    static let half_time_formula = ErrorTable.index("half_time_formula")
    static let descent_lag = ErrorTable.index("descent_lag")
    static let status = ErrorTable.index("status")
    static let message = ErrorTable.index("message")
    static let accepted_steps = ErrorTable.index("accepted_steps")
    static let rejected_steps = ErrorTable.index("rejected_steps")
    static let rhs_evaluations = ErrorTable.index("rhs_evaluations")
    static let jacobian_evaluations = ErrorTable.index("jacobian_evaluations")
    static let epochs = ErrorTable.index("epochs")
    static let invariant_drift = ErrorTable.index("invariant_drift")
    static let seconds = ErrorTable.index("seconds")
}

/// The stiffness table: one row per grid point.
public enum StiffnessTable {
    static let sampleTags = ["start", "middle", "end"]

    /// The columns, in order: the point, its eigenvalue summaries at the start, middle and end,
    /// the stability indices (`h max|lambda|`, `alpha max|lambda|`), the step counts and the verdict.
    public static let columns: [Table.Column] = {
        var c: [Table.Column] = [
            .init("grid"), .init("point"), .init("parameters"),
            .init("dimension", description: "number of state variables"),
            .init("solver", description: "eigen solver: symmetric (gradient flows) or general"),
            .init("cutoff", description: "eigenvalues with |Re lambda| <= cutoff max|lambda| count as null"),
        ]
        for tag in sampleTags {
            c += [
                .init("t_\(tag)", unit: "epochs"),
                .init("max_abs_lambda_\(tag)", unit: "1/epoch", description: "largest |lambda| of the Jacobian"),
                .init("min_decaying_lambda_\(tag)", unit: "1/epoch", description: "smallest |Re lambda| with Re lambda < -cutoff max|lambda|"),
                .init("stiffness_ratio_\(tag)", description: "restricted ratio: max / min |Re lambda| over decaying eigenvalues"),
                .init("null_\(tag)", description: "eigenvalues with |Re lambda| <= cutoff max|lambda|"),
                .init("unstable_\(tag)", description: "eigenvalues with Re lambda > cutoff max|lambda|"),
            ]
        }
        c += [
            .init("T_max_lambda", description: "(end - start) max|lambda|: stiffness over the interval"),
            .init("alpha_max_lambda", description: "descent: alpha max|lambda(Hessian)| = 1 epoch x max|lambda(J)|; Euler is stable below 2"),
            .init("explicit_stepper"), .init("explicit_steps"), .init("explicit_status"),
            .init("implicit_stepper"), .init("implicit_steps"), .init("implicit_status"),
            .init("step_ratio", description: "explicit / implicit accepted steps"),
            .init("h_max_lambda_explicit", description: "mean explicit step x max|lambda|"),
            .init("h_max_lambda_implicit", description: "mean implicit step x max|lambda|"),
            .init("h_max_lambda_by_stepper", description: "mean step x max|lambda| of each compared stepper at the loosest tolerance"),
            .init("verdict", description: "stiff, not stiff or undetermined"),
            .init("rule"),
        ]
        return c
    }()
    /// The column names, in order.
    public static let names = columns.map(\.name)
    /// Column positions by name (the first of a repeated name), for ``index(_:)``.
    static let positions: [String: Int] = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })

    /// The position of column `name`.
    ///
    /// - Precondition: `name` is one of ``names``.
    public static func index(_ name: String) -> Int {
        guard let k = positions[name] else { preconditionFailure("no stiffness-table column \(name)") }
        return k
    }

    static func number(_ x: Double?) -> Cell { x.map { .number($0) } ?? .missing }

    /// The row of a point of a grid that turned the analysis off (`"stiffness": false`).
    static func notAnalysedRow(grid: String, point: Int, parameters: String) -> [Cell] {
        var cells = row(grid: grid, point: point, parameters: parameters, report: nil, stepperSteps: [])
        cells[index("verdict")] = .text("not analysed")
        cells[index("rule")] = .text("the grid turns the stiffness analysis off (\"stiffness\": false)")
        return cells
    }

    static func row(grid: String, point: Int, parameters: String, report: StiffnessReport?, stepperSteps: [(Stepper, Double)]) -> [Cell] {
        var cells = [Cell](repeating: .missing, count: columns.count)
        func set(_ name: String, _ v: Cell) { cells[index(name)] = v }
        set("grid", .text(grid))
        set("point", .integer(point))
        set("parameters", .text(parameters))
        guard let report else { return cells }
        set("dimension", .integer(report.samples.first?.eigenvalues.count ?? 0))
        set("solver", .text(report.samples.first.map { $0.symmetric ? "symmetric" : "general" } ?? "none"))
        set("cutoff", .number(report.settings.cutoff))
        // start, middle, end: the first, the middle and the last sample.
        let picks: [EigenSummary?] = report.samples.isEmpty ? [nil, nil, nil] : [report.samples.first, report.samples.count >= 3 ? report.samples[report.samples.count / 2] : nil, report.samples.count >= 2 ? report.samples.last : nil]
        for (tag, s) in zip(sampleTags, picks) {
            guard let s else { continue }
            set("t_\(tag)", .number(s.t))
            set("max_abs_lambda_\(tag)", .number(s.maxAbs))
            set("min_decaying_lambda_\(tag)", number(s.minDecaying))
            set("stiffness_ratio_\(tag)", number(s.restrictedRatio))
            set("null_\(tag)", .integer(s.nullCount))
            set("unstable_\(tag)", .integer(s.unstableCount))
        }
        let m = report.maxAbs
        set("T_max_lambda", number(report.samples.isEmpty ? nil : report.spanIndex))
        set("alpha_max_lambda", number(report.descentIndex))
        set("explicit_stepper", .text(report.explicit.stepper.rawValue))
        set("explicit_steps", .integer(report.explicit.acceptedSteps))
        set("explicit_status", .text(report.explicit.status.description))
        set("implicit_stepper", .text(report.implicit.stepper.rawValue))
        set("implicit_steps", .integer(report.implicit.acceptedSteps))
        set("implicit_status", .text(report.implicit.status.description))
        set("step_ratio", number(report.stepRatio))
        set("h_max_lambda_explicit", number(report.explicit.meanStep.map { $0 * m }))
        set("h_max_lambda_implicit", number(report.implicit.meanStep.map { $0 * m }))
        if !stepperSteps.isEmpty {
            set("h_max_lambda_by_stepper", .text(stepperSteps.map { "\($0.0.rawValue)=\(shortNumber($0.1 * m))" }.joined(separator: " ")))
        }
        set("verdict", .text(report.verdict))
        set("rule", .text(report.rule))
        return cells
    }

    /// The table of `rows`, with its title and caption.
    public static func table(_ rows: [[Cell]]) -> Table {
        Table(
            columns: columns, rows: rows, title: "Stiffness along the trajectory",
            caption: "Eigenvalues of the Jacobian at the start, middle and end of each point's trajectory (symmetric solver for gradient flows, general otherwise); explicit versus implicit accepted steps over the whole interval. See Notes/stiffness.md.")
    }
}

/// Four significant digits, for text cells.
func shortNumber(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    return String(format: "%.4g", x)
}

/// The work-precision table: per grid, stepper and tolerance, the error against the work.
public enum WorkPrecisionTable {
    /// The columns, in order.
    public static let columns: [Table.Column] = [
        .init("grid"), .init("stepper"), .init("epsabs"), .init("epsrel"),
        .init("points", description: "points compared"),
        .init("failed", description: "rows that failed or errored"),
        .init("worst_scaled_error", description: "max over points of max |x - r| / max|r|"),
        .init("median_scaled_error"),
        .init("mean_rhs_evaluations"), .init("mean_jacobian_evaluations"), .init("mean_accepted_steps"),
        .init("total_seconds", unit: "s"),
    ]

    /// Aggregates the integrator rows of an error table, in first-appearance order.
    public static func table(fromErrorRows rows: [[Cell]]) -> Table {
        struct Key: Hashable { var grid: String; var stepper: String; var epsabs: Double; var epsrel: Double }
        var order: [Key] = []
        var groups: [Key: [[Cell]]] = [:]
        let e = ErrorTable.index
        for row in rows {
            guard case .text("integrator") = row[ErrorColumn.method], case .text(let grid) = row[ErrorColumn.grid], case .text(let stepper) = row[ErrorColumn.stepper],
                let a = row[ErrorColumn.epsabs].doubleValue, let r = row[ErrorColumn.epsrel].doubleValue
            else { continue }
            let key = Key(grid: grid, stepper: stepper, epsabs: a, epsrel: r)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }
        var table = Table(
            columns: columns, title: "Work against precision",
            caption: "Integrator rows of the error table grouped by grid, stepper and tolerance: error against evaluations and time.")
        for key in order {
            let g = groups[key]!
            let errors = g.compactMap { $0[ErrorColumn.max_scaled_error].doubleValue }.sorted()
            func mean(_ name: String) -> Cell {
                let k = e(name)
                let v = g.compactMap { $0[k].doubleValue }
                return v.isEmpty ? .missing : .number(v.reduce(0, +) / Double(v.count))
            }
            let failed = g.filter { if case .text(let s) = $0[ErrorColumn.status] { return ErrorTable.failingStatuses.contains(s) || s == "gave_up" } else { return false } }.count
            table.append([
                .text(key.grid), .text(key.stepper), .number(key.epsabs), .number(key.epsrel), .integer(g.count), .integer(failed),
                errors.last.map { .number($0) } ?? .missing, errors.isEmpty ? .missing : .number(errors[errors.count / 2]),
                mean("rhs_evaluations"), mean("jacobian_evaluations"), mean("accepted_steps"),
                .number(g.compactMap { $0[ErrorColumn.seconds].doubleValue }.reduce(0, +)),
            ])
        }
        return table
    }
}

/// One column per grid parameter, so that a table can be filtered and pivoted by parameter
/// (`pandas.pivot_table(errors, index="model.s", columns="model.u0", ...)`) rather than by
/// parsing the `parameters` text. Tied axes (`model.w1,model.w2`) give one column per path. A
/// table set holding several grids has the union of their parameters, in order of appearance;
/// a point of a grid without that axis leaves the cell empty.
public enum ParameterColumns {
    /// The column names for `results`, in order of first appearance.
    public static func names(_ results: [PointResult]) -> [String] {
        var names: [String] = []
        var previous: [(String, String)] = []
        for r in results {
            // The points of a grid share their axes: look at each list of axes once.
            if r.parameters.count == previous.count, zip(r.parameters, previous).allSatisfy({ $0.0 == $1.0 }) { continue }
            previous = r.parameters
            for (axis, _) in r.parameters {
                for path in axis.split(separator: ",").map(String.init) where !names.contains(path) { names.append(path) }
            }
        }
        return names
    }

    /// A parameter value's cell: numbers and booleans keep their type, a JSON string its text,
    /// anything else (a list) its compact JSON.
    static func cell(_ text: String) -> Cell {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let x = Double(text), x.isFinite, text.first.map({ $0.isNumber || $0 == "-" || $0 == "." }) == true {
            if !text.contains(where: { ".eE".contains($0) }), let i = Int(text) { return .integer(i) }
            return .number(x)
        }
        if text.count >= 2, text.first == "\"", text.last == "\"", let value = try? JSONValue.parse(text), let s = value.stringValue {
            return .text(s)
        }
        return .text(text)
    }

    /// The cells of `result` for the columns `names`.
    static func cells(_ result: PointResult, names: [String]) -> [Cell] {
        // Most often the axes are the columns, in order, each one path.
        if result.parameters.count == names.count, zip(result.parameters, names).allSatisfy({ $0.0 == $1 }) {
            return result.parameters.map { cell($0.1) }
        }
        var byPath: [String: Cell] = [:]
        for (axis, value) in result.parameters {
            for path in axis.split(separator: ",") { byPath[String(path)] = cell(value) }
        }
        return names.map { byPath[$0] ?? .missing }
    }

    /// `table` with the parameter columns inserted after its `parameters` column; `owners[k]` is
    /// the point that row `k` belongs to.
    public static func inserting(into table: Table, owners: [PointResult], names: [String]) -> Table {
        guard !names.isEmpty, owners.count == table.rows.count else { return table }
        return inserting(into: table, rowCells: owners.map { cells($0, names: names) }, names: names)
    }

    /// `table` with the parameter cells `rowCells[k]` of each row `k` (``cells(_:names:)`` of its
    /// point, made once per point) inserted after its `parameters` column.
    static func inserting(into table: Table, rowCells: [[Cell]], names: [String]) -> Table {
        guard !names.isEmpty, let at = table.columnIndex(named: "parameters"), rowCells.count == table.rows.count else { return table }
        var columns = table.columns
        columns.insert(contentsOf: names.map { Table.Column($0, description: "grid parameter \($0)") }, at: at + 1)
        var rows: [[Cell]] = []
        rows.reserveCapacity(table.rows.count)
        for (row, inserted) in zip(table.rows, rowCells) {
            var r: [Cell] = []
            r.reserveCapacity(row.count + inserted.count)
            r += row[...at]
            r += inserted
            r += row[(at + 1)...]
            rows.append(r)
        }
        return Table(columns: columns, rows: rows, title: table.title, caption: table.caption)
    }
}
