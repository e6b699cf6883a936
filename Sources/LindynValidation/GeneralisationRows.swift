import Foundation
import LindynModels
import LindynReport

/// The comparisons and the table of data-backed problems (a `regression`, or a `network` with a
/// `data` block): the large-N theory against the exact finite-size curves, a random start
/// against the training-aligned law, and one row per point of the generalisation quantities
/// (early stopping, convergence, ridge, shrinkage, outlier and overlap). See
/// `Notes/generalisation.md`.
enum GeneralisationRows {
    /// The size N that the large-N allowance scales with: the input dimension of a regression,
    /// the smaller side `min(n0, nD)` of a teacher network's data; nil for other models.
    static func size(_ dynamics: any Dynamics) -> Int? {
        if let r = dynamics as? RegressionModel { return r.inputs }
        if let t = dynamics as? TeacherNetworkModel { return min(t.data.inputs, t.data.outputs) }
        return nil
    }

    /// The large-N row: the formula's `*_large_n` curves against the exact ones of the same
    /// formula (`*_expected`, the mean given the inputs, for a regression; this data set's curves
    /// for a teacher network), and the outliers and overlaps of the teacher modes. Passes when
    /// the worst scaled deviation is at most `factor / sqrt(N)`. Nil without large-N columns.
    static func largeNRow(_ formula: RunResult, size n: Int, factor: Double, row: [Cell]) -> [Cell]? {
        var cells = row
        var pairs: [(String, String)] = []
        for base in ["train_error", "test_error"] where formula.columns.contains(base + "_large_n") {
            pairs.append((base + "_large_n", formula.columns.contains(base + "_expected") ? base + "_expected" : base))
        }
        guard !pairs.isEmpty else { return nil }
        var maxAbs = 0.0, maxRel = 0.0, maxScaled = 0.0
        func note(_ e: Double, _ r: Double, _ scale: Double) {
            maxAbs = max(maxAbs, e.isNaN ? .infinity : e)
            if r != 0 { maxRel = max(maxRel, e / abs(r)) }
            maxScaled = max(maxScaled, scale > 0 ? e / scale : e)
        }
        for (large, exact) in pairs {
            guard let x = formula.column(large), let r = formula.column(exact) else { continue }
            let scale = r.map(abs).max() ?? 0
            for (xi, ri) in zip(x, r) { note(abs(xi - ri), ri, scale) }
        }
        // Outliers relative to their value, overlaps (in [0, 1]) absolutely.
        var derivedNames: [String] = []
        let derived = Dictionary(formula.derived.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        for q in formula.derived where q.name.hasSuffix("_large_n") && (q.name.hasPrefix("outlier_singular_value_") || q.name.hasPrefix("overlap_")) {
            let exactName = String(q.name.dropLast("_large_n".count))
            guard let exact = derived[exactName] else { continue }
            derivedNames.append(exactName)
            note(abs(q.value - exact), exact, q.name.hasPrefix("overlap_") ? 1 : abs(exact))
        }
        let allowance = factor / Double(n).squareRoot()
        ErrorTable.set(&cells, "reference", .text(pairs.contains { $0.1.hasSuffix("_expected") } ? "formula, expected given the inputs" : "formula, exact for this data set"))
        ErrorTable.set(&cells, "compared", .text((pairs.map { "\($0.0)~\($0.1)" } + derivedNames).joined(separator: " ")))
        ErrorTable.setDeviation(&cells, Deviation(maxAbsolute: maxAbs, maxRelative: maxRel, maxScaled: maxScaled, ratio: maxScaled / allowance))
        ErrorTable.set(&cells, "status", .text(maxScaled <= allowance ? "pass" : "fail"))
        ErrorTable.set(&cells, "message", .text("allowance \(shortNumber(factor)) N^(-1/2) = \(shortNumber(allowance)) of the scaled error at N = \(n)"))
        return cells
    }

    /// The effective training-aligned start of a random two-layer start of deviation `scale` and
    /// hidden width `h`: in the linear phase mode b's strength grows as `|a_b + c_b|^2/4 e^{2 s T}`
    /// (`a_b = W1 v_b`, `c_b = W2^T u_b`, each of `h` entries of variance `scale^2`), whose mean
    /// is `h scale^2 / 2`.
    static func alignedStart(hidden h: Int, scale: Double) -> Double { Double(h) * scale * scale / 2 }

    /// The aligned problem of a teacher network started at random (depth 2): the same document
    /// with a decoupled init at ``alignedStart(hidden:scale:)``; nil for other points.
    static func alignedProblem(_ problem: Problem) -> (problem: Problem, u0: Double)? {
        guard let m = problem.dynamics as? TeacherNetworkModel, m.network.depth == 2,
            problem.document["model"]?["init"]?["kind"] == .string("random")
        else { return nil }
        let scale = problem.document["model"]?["init"]?["scale"].flatMap { v -> Double? in
            if case .number(let x) = v { return x }
            return nil
        } ?? 1e-3
        let u0 = alignedStart(hidden: m.network.widths[1], scale: scale)
        guard u0 > 0, u0.isFinite,
            let document = try? problem.document.setting(["model", "init"], to: .object([("kind", .string("decoupled")), ("u0", .number(u0))])),
            var aligned = try? Problem.load(document)
        else { return nil }
        aligned.limits = problem.limits
        return (aligned, u0)
    }

    /// The aligned-law row: the smallest test error along the random start's trajectory (its
    /// reference integration, at the output times) against the smallest of the aligned law at the
    /// same times. Status `measured`: the discrepancy has no fixed bound, it shrinks with the
    /// init scale (the test checks the trend).
    static func alignedRow(reference: RunResult, aligned: RunResult, u0: Double, row: [Cell]) -> [Cell] {
        var cells = row
        ErrorTable.set(&cells, "reference", .text("formula, aligned start u0 = \(shortNumber(u0))"))
        ErrorTable.set(&cells, "compared", .text("min test_error"))
        guard let a = reference.column("test_error"), let b = aligned.column("test_error"), let ma = a.min(), let mb = b.min() else {
            ErrorTable.set(&cells, "status", .text("error"))
            ErrorTable.set(&cells, "message", .text("no test_error column to compare"))
            return cells
        }
        let e = abs(ma - mb)
        let scale = b.map(abs).max() ?? 1
        ErrorTable.set(&cells, "max_abs_error", .number(e))
        ErrorTable.set(&cells, "max_rel_error", .number(mb != 0 ? e / abs(mb) : e))
        ErrorTable.set(&cells, "max_scaled_error", .number(scale > 0 ? e / scale : e))
        ErrorTable.set(&cells, "status", .text("measured"))
        ErrorTable.set(&cells, "message", .text("min test error: random start \(shortNumber(ma)), aligned law \(shortNumber(mb))"))
        return cells
    }

    /// Derived quantities shown in the generalisation table (those a formula gives).
    static let derivedColumns = [
        "optimal_stopping_time", "test_error_at_optimal_stopping", "optimal_stopping_time_large_n", "test_error_at_optimal_stopping_large_n",
        "test_error_at_convergence", "test_error_at_convergence_large_n", "ridge_optimum", "ridge_optimum_expected", "ridge_optimum_large_n",
        "shrinkage_test_error", "shrinkage_test_error_large_n", "outlier_singular_value_1", "outlier_singular_value_1_large_n",
        "overlap_1", "overlap_1_large_n",
    ]

    /// One generalisation-table row: the size, the reference curve's smallest and last test error,
    /// the formula's derived quantities (infinite values kept as such: `inf` in the tables) and
    /// the large-N and aligned comparisons of the point.
    static func tableRow(grid: String, point: Int, parameters: String, dynamics: any Dynamics, reference: RunResult?, formula: RunResult?,
                         comparisons: [[Cell]], formulaMessage: String?) -> [Cell] {
        var cells = [Cell](repeating: .missing, count: GeneralisationTable.columns.count)
        func set(_ name: String, _ v: Cell) { cells[GeneralisationTable.index(name)] = v }
        set("grid", .text(grid))
        set("point", .integer(point))
        set("parameters", .text(parameters))
        if let r = dynamics as? RegressionModel {
            set("model", .text("regression"))
            set("size", .integer(r.inputs))
            set("alpha", .number(r.alpha))
        } else if let t = dynamics as? TeacherNetworkModel {
            set("model", .text("network"))
            set("size", .integer(min(t.data.inputs, t.data.outputs)))
            set("alpha", .number(Double(t.data.samples) / Double(t.data.inputs)))
        }
        if let test = reference?.column("test_error"), let last = test.last {
            set("min_test_error", .number(test.min()!))
            set("final_test_error", .number(last))
        }
        if let f = formula {
            for name in derivedColumns {
                if let q = f.derived.first(where: { $0.name == name }) { set(name, .number(q.value)) }
            }
            if f.derived.first(where: { $0.name == "optimal_stopping_time" }) == nil {
                set("note", .text("the exact test error only decreases: no early stopping helps"))
            }
        } else if let formulaMessage {
            set("note", .text("no closed form: \(formulaMessage.prefix(160))"))
        }
        let e = ErrorTable.index
        for row in comparisons {
            switch row[e("method")] {
            case .text("large_n"):
                set("large_n_scaled_error", row[e("max_scaled_error")])
                set("large_n_ratio", row[e("error_ratio")])
            case .text("aligned_law"):
                set("aligned_min_test_error_discrepancy", row[e("max_abs_error")])
            default: break
            }
        }
        return cells
    }
}

/// The generalisation table: one row per point of a data-backed problem.
public enum GeneralisationTable {
    /// The columns, in order (names, units and descriptions as written to every format).
    public static let columns: [Table.Column] = {
        var c: [Table.Column] = [
            .init("grid"), .init("point"), .init("parameters"),
            .init("model", description: "regression or network (with a data block)"),
            .init("size", description: "N: the inputs of a regression, min(n0, nD) of a teacher network (the large-N allowance scales with it)"),
            .init("alpha", description: "samples per input, P/N"),
            .init("min_test_error", description: "smallest test error of the reference curve (the closed form, else the tight integration) at the output times"),
            .init("final_test_error", description: "test error of the reference curve at the last output time"),
        ]
        let notes: [String: String] = [
            "optimal_stopping_time": "epochs minimising this data set's test error (exact finite-size)",
            "test_error_at_convergence": "t -> infinity, exact for this data set",
            "test_error_at_convergence_large_n": "large-N theory; inf at alpha = 1 (the overfitting peak)",
            "ridge_optimum": "test error of ridge regression at the Bayes-optimal strength on this data set",
            "shrinkage_test_error": "the data-only shrinkage estimator on this data set",
        ]
        for name in GeneralisationRows.derivedColumns {
            c.append(.init(name, unit: name.hasPrefix("optimal_stopping_time") ? "epochs" : nil, description: notes[name] ?? (name.hasSuffix("_large_n") ? "large-N theory" : "exact finite-size")))
        }
        c += [
            .init("large_n_scaled_error", description: "worst |large-N - exact| / max|exact| over the curves, outliers (relative) and overlaps"),
            .init("large_n_ratio", description: "large_n_scaled_error / (factor N^(-1/2)); the large_n row passes when <= 1"),
            .init("aligned_min_test_error_discrepancy", description: "random start: |min test error of the flow - min test error of the aligned law|"),
            .init("note"),
        ]
        return c
    }()
    /// The column names.
    public static let names = columns.map(\.name)

    /// Column positions by name (the first of a repeated name), for ``index(_:)``.
    static let positions: [String: Int] = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })

    /// The position of column `name` (a column that does not exist is a programming error).
    public static func index(_ name: String) -> Int {
        guard let k = positions[name] else { preconditionFailure("no generalisation-table column \(name)") }
        return k
    }

    /// The table of `rows` (one per data-backed point) with its title and caption.
    public static func table(_ rows: [[Cell]]) -> Table {
        Table(
            columns: columns, rows: rows, title: "Generalisation",
            caption: "Data-backed points: early stopping, convergence, ridge and shrinkage test errors from the closed forms (exact finite-size and large-N), and the large-N and aligned-start comparisons. Infinite values print as inf. See Notes/generalisation.md.")
    }
}
