import Foundation
import Testing
import LindynCheck
import LindynModels
@testable import LindynValidation

/// Every field of every built-in model against every method: `solve` (the flow), `descend`,
/// `formula`, `check` and `validate`. A field must reach each method (changing it changes the
/// output, or provably leaves it unchanged where the method is invariant to it, such as the
/// orientation of a network's singular vectors for its mode strengths) or be refused with the
/// field named. The table below is the audit; the coverage test makes sure that a field added
/// to a model parser without a row here fails.
@Suite("Model field audit")
struct ModelFieldAuditTests {
    /// What a method does with a changed field.
    enum Reach: CustomStringConvertible, Sendable {
        /// The output changes.
        case changes
        /// The output is unchanged (the method is invariant to the field), for the reason given.
        case same(String)
        /// The file is refused, naming this field.
        case refused(String)

        var description: String {
            switch self {
            case .changes: "changes"
            case let .same(why): "same (\(why))"
            case let .refused(field): "refused naming \(field)"
            }
        }
    }

    /// One row: a base model, the field changed to `value`, and what each method must do.
    /// `validate` runs one grid point comparing integrator, descent and closed form: it must pass,
    /// with a formula refused by `formula` reported unavailable (naming the field), or refuse
    /// the point naming `refusedField`.
    struct Row: CustomStringConvertible, Sendable {
        var base: String
        var field: String
        var value: String
        var solve: Reach
        var descend: Reach
        var formula: Reach
        var description: String { "\(base): model.\(field) = \(value)" }
    }

    /// Base models: small, learned within `time.end` = 300 epochs, tau = 100 so that descent
    /// follows the flow (the validate descent rule allows 5% of the scale; the lag is O(1/tau)).
    static let bases: [String: String] = [
        "scalar": #"{"kind": "scalar", "x": 1, "y": 2, "w1": 0.1, "w2": 0.1, "tau": 100}"#,
        "scalar-lr": #"{"kind": "scalar", "x": 1, "y": 2, "w1": 0.1, "w2": 0.1, "learning_rate": 0.01}"#,
        "chain": #"{"kind": "chain", "depth": 3, "s": 2, "initial": 0.5, "tau": 100}"#,
        "chain-lr": #"{"kind": "chain", "depth": 3, "s": 2, "initial": 0.5, "learning_rate": 0.01}"#,
        "mode": #"{"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}"#,
        "mode-lr": #"{"kind": "mode", "s": 2, "u0": 0.01, "learning_rate": 0.01}"#,
        "mode-dropout": #"{"kind": "mode", "s": 2, "u0": 0.01, "tau": 100, "dropout": {"keep": 0.8, "units": 2}}"#,
        "mode-noise": #"{"kind": "mode", "s": 2, "u0": 0.01, "tau": 100, "noise_variance": 0.1, "samples": 2}"#,
        "mode-deep": #"{"kind": "mode", "s": 2, "u0": 0.1, "depth": 3, "tau": 100}"#,
        "mode-linear": #"{"kind": "mode", "s": 2, "u0": 0.1, "depth": 1, "tau": 100}"#,
        "network": #"{"kind": "network", "widths": [2, 2, 2], "singular_values": [2, 1], "init": {"u0": 0.01}, "tau": 100}"#,
        "network-lr": #"{"kind": "network", "widths": [2, 2, 2], "singular_values": [2, 1], "init": {"u0": 0.01}, "learning_rate": 0.01}"#,
        "network-dropout": #"{"kind": "network", "widths": [2, 2, 2], "singular_values": [2, 1], "init": {"u0": 0.01}, "tau": 100, "dropout": {"keep": 0.8}}"#,
        "network-noise": #"{"kind": "network", "widths": [2, 2, 2], "singular_values": [2, 1], "init": {"u0": 0.01}, "tau": 100, "noise_variance": 0.1, "samples": 2}"#,
        "network-random": #"{"kind": "network", "widths": [2, 2, 2], "singular_values": [2, 1], "init": {"kind": "random", "scale": 0.3}, "tau": 100}"#,
        "network-deep": #"{"kind": "network", "widths": [2, 2, 2, 2], "singular_values": [2, 1], "init": {"u0": 0.1}, "tau": 100}"#,
        "single_neuron": #"{"kind": "single_neuron", "beta": [1.5, -0.5], "w": [0.1, 0.05], "a": 0.1, "tau": 100}"#,
        "single_neuron-rates": #"{"kind": "single_neuron", "beta": [1.5, -0.5], "w": [0.1, 0.05], "a": 0.1, "learning_rate_w": 0.01, "learning_rate_a": 0.02}"#,
        "end_to_end": #"{"kind": "end_to_end", "depth": 2, "correlation": [[2, 0.3], [0.1, 1]], "initial": [[0.1, 0], [0, 0.1]], "tau": 100}"#,
        "end_to_end-lr": #"{"kind": "end_to_end", "depth": 2, "correlation": [[2, 0.3], [0.1, 1]], "initial": [[0.1, 0], [0, 0.1]], "learning_rate": 0.01}"#,
        "network-correlation": #"{"kind": "network", "widths": [2, 2, 2], "correlation": [[2, 0.5], [0, 1]], "init": {"u0": 0.01}, "tau": 100}"#,
        "network-balanced": #"{"kind": "network", "widths": [2, 2, 2], "singular_values": [2, 1], "init": {"kind": "lambda_balanced", "lambda": 0.5, "scale": 0.1, "seed": 3}, "tau": 100}"#,
        "network-explicit": #"{"kind": "network", "widths": [2, 2, 2], "singular_values": [2, 1], "init": {"kind": "explicit", "weights": [[[0.1, 0], [0, 0.1]], [[0.1, 0], [0, 0.1]]]}, "tau": 100}"#,
        "autoencoder": #"{"kind": "autoencoder", "eigenvalues": [4, 2, 1], "hidden": 2, "samples": 10, "init": {"u0": 0.01}, "learning_rate": 0.1}"#,
        "autoencoder-tau": #"{"kind": "autoencoder", "eigenvalues": [4, 2, 1], "hidden": 2, "samples": 10, "init": {"u0": 0.01}, "tau": 100}"#,
        "autoencoder-rotated": #"{"kind": "autoencoder", "eigenvalues": [4, 2, 1], "hidden": 2, "samples": 10, "init": {"u0": 0.01}, "learning_rate": 0.1, "aligned": false}"#,
        // N = 4 inputs, P = 6 samples: Sigma_xx = X^T X has eigenvalues of order 1, so with tau = 100
        // the 300 epochs cover a few relaxation times and every field moves the curves.
        "regression": #"{"kind": "regression", "inputs": 4, "samples": 6, "teacher_variance": 1, "noise_variance": 0.1, "init_variance": 0.01, "tau": 100, "seed": 1}"#,
        "regression-lr": #"{"kind": "regression", "inputs": 4, "samples": 6, "teacher_variance": 1, "noise_variance": 0.1, "init_variance": 0.01, "learning_rate": 0.01, "seed": 1}"#,
    ]

    static let rotation = "a rotation of the singular vectors leaves the mode strengths unchanged"

    static let rows: [Row] = [
        // scalar
        Row(base: "scalar", field: "x", value: "1.5", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "scalar", field: "y", value: "3", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "scalar", field: "w1", value: "0.2", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "scalar", field: "w2", value: "0.05", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "scalar", field: "weight_decay", value: "0.1", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "scalar", field: "tau", value: "80", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "scalar-lr", field: "learning_rate", value: "0.0125", solve: .changes, descend: .changes, formula: .changes),
        // chain
        Row(base: "chain", field: "depth", value: "4", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "chain", field: "s", value: "1.5", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "chain", field: "initial", value: "[0.5, 0.4, 0.6]", solve: .changes, descend: .changes, formula: .refused("model.initial")),
        Row(base: "chain", field: "weight_decay", value: "0.1", solve: .changes, descend: .changes, formula: .refused("model.weight_decay")),
        Row(base: "chain", field: "tau", value: "80", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "chain-lr", field: "learning_rate", value: "0.0125", solve: .changes, descend: .changes, formula: .changes),
        // mode, depth 2
        Row(base: "mode", field: "s", value: "1.5", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode", field: "u0", value: "0.001", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode", field: "depth", value: "3", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode", field: "weight_decay", value: "0.1", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode", field: "dropout", value: #"{"keep": 0.8}"#, solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-dropout", field: "dropout.keep", value: "0.6", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-dropout", field: "dropout.inverted", value: "true", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-dropout", field: "dropout.units", value: "4", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode", field: "noise_variance", value: "0.1", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-noise", field: "samples", value: "5", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode", field: "input_variance", value: "2", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode", field: "tau", value: "80", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-lr", field: "learning_rate", value: "0.0125", solve: .changes, descend: .changes, formula: .changes),
        // mode, depth != 2
        Row(base: "mode-deep", field: "input_variance", value: "2", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-deep", field: "s", value: "1.5", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-deep", field: "u0", value: "0.05", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-deep", field: "depth", value: "4", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-deep", field: "weight_decay", value: "0.1", solve: .changes, descend: .changes, formula: .refused("model.weight_decay")),
        Row(base: "mode-deep", field: "dropout", value: #"{"keep": 0.8}"#, solve: .refused("model.dropout"), descend: .refused("model.dropout"), formula: .refused("model.dropout")),
        Row(base: "mode-deep", field: "noise_variance", value: "0.1", solve: .refused("model.noise_variance"), descend: .refused("model.noise_variance"), formula: .refused("model.noise_variance")),
        Row(base: "mode-linear", field: "input_variance", value: "2", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "mode-linear", field: "weight_decay", value: "0.1", solve: .changes, descend: .changes, formula: .changes),
        // network
        Row(base: "network", field: "widths", value: "[2, 3, 2]", solve: .changes, descend: .changes, formula: .same("a wider hidden layer carries the same two modes")),
        Row(base: "network", field: "singular_values", value: "[3, 1]", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network", field: "input_eigenvalues", value: "[2, 1]", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-deep", field: "input_eigenvalues", value: "[2, 1]", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network", field: "init", value: #"{"kind": "random", "scale": 0.3}"#, solve: .changes, descend: .changes, formula: .refused("model.init.kind")),
        Row(base: "network", field: "init.kind", value: #""random""#, solve: .refused("model.init.u0"), descend: .refused("model.init.u0"), formula: .refused("model.init.u0")),
        Row(base: "network-random", field: "init.kind", value: #""decoupled""#, solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network", field: "init.u0", value: "0.001", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-random", field: "init.scale", value: "0.2", solve: .changes, descend: .changes, formula: .refused("model.init.kind")),
        Row(base: "network-random", field: "init.seed", value: "2", solve: .changes, descend: .changes, formula: .refused("model.init.kind")),
        Row(base: "network", field: "weight_decay", value: "0.1", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network", field: "dropout", value: #"{"keep": 0.8}"#, solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-dropout", field: "dropout.keep", value: "0.6", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-dropout", field: "dropout.inverted", value: "true", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network", field: "noise_variance", value: "0.1", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-noise", field: "samples", value: "5", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network", field: "aligned", value: "true", solve: .changes, descend: .changes, formula: .same(rotation)),
        Row(base: "network", field: "seed", value: "7", solve: .changes, descend: .changes, formula: .same(rotation)),
        Row(base: "network", field: "tau", value: "80", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-lr", field: "learning_rate", value: "0.0125", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "single_neuron", field: "beta", value: "[1, 0.5]", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "single_neuron", field: "w", value: "[0.2, 0.05]", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "single_neuron", field: "a", value: "0.3", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "single_neuron", field: "tau", value: "80", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "single_neuron", field: "learning_rate", value: "0.0125", solve: .refused("model.learning_rate"), descend: .refused("model.learning_rate"), formula: .refused("model.learning_rate")),
        Row(base: "single_neuron-rates", field: "learning_rate_w", value: "0.02", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "single_neuron-rates", field: "learning_rate_a", value: "0.01", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "end_to_end", field: "depth", value: "3", solve: .changes, descend: .changes, formula: .refused("model.kind")),
        Row(base: "end_to_end", field: "correlation", value: "[[1, 0.3], [0.1, 2]]", solve: .changes, descend: .changes, formula: .refused("model.kind")),
        Row(base: "end_to_end", field: "input_correlation", value: "[[1.5, 0.2], [0.2, 0.8]]", solve: .changes, descend: .changes, formula: .refused("model.kind")),
        Row(base: "end_to_end", field: "initial", value: "[[0.2, 0], [0, 0.05]]", solve: .changes, descend: .changes, formula: .refused("model.kind")),
        Row(base: "end_to_end", field: "weight_decay", value: "0.1", solve: .changes, descend: .changes, formula: .refused("model.kind")),
        Row(base: "end_to_end", field: "tau", value: "80", solve: .changes, descend: .changes, formula: .refused("model.kind")),
        Row(base: "end_to_end-lr", field: "learning_rate", value: "0.0125", solve: .changes, descend: .changes, formula: .refused("model.kind")),
        Row(base: "network-correlation", field: "correlation", value: "[[3, 0.5], [0.2, 1]]", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network", field: "init.kind", value: #""zero_balanced""#, solve: .refused("model.init.u0"), descend: .refused("model.init.u0"), formula: .refused("model.init.u0")),
        Row(base: "network-balanced", field: "init.lambda", value: "1", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-balanced", field: "init.scale", value: "0.2", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-balanced", field: "init.seed", value: "4", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-balanced", field: "init.aligned", value: "true", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "network-explicit", field: "init.weights", value: "[[[0.2, 0.1], [0, 0.1]], [[0.2, 0], [0.1, 0.1]]]", solve: .changes, descend: .changes, formula: .changes),
        // autoencoder
        Row(base: "autoencoder", field: "eigenvalues", value: "[5, 2, 1]", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "autoencoder", field: "hidden", value: "1", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "autoencoder", field: "samples", value: "20", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "autoencoder", field: "noise_variance", value: "0.05", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "autoencoder", field: "weight_decay", value: "0.05", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "autoencoder", field: "init", value: #"{"u0": 0.001}"#, solve: .changes, descend: .changes, formula: .changes),
        Row(base: "autoencoder", field: "init.u0", value: "0.001", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "autoencoder", field: "aligned", value: "false", solve: .changes, descend: .changes, formula: .same(rotation)),
        Row(base: "autoencoder-rotated", field: "seed", value: "7", solve: .changes, descend: .changes, formula: .same(rotation)),
        Row(base: "autoencoder-tau", field: "tau", value: "80", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "autoencoder", field: "learning_rate", value: "0.125", solve: .changes, descend: .changes, formula: .changes),
        // regression (Advani & Saxe): the data set, the start, the penalty and the time scale
        Row(base: "regression", field: "inputs", value: "5", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "regression", field: "samples", value: "8", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "regression", field: "teacher_variance", value: "2", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "regression", field: "noise_variance", value: "0.3", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "regression", field: "init_variance", value: "0.05", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "regression", field: "weight_decay", value: "0.1", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "regression", field: "seed", value: "2", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "regression", field: "tau", value: "80", solve: .changes, descend: .changes, formula: .changes),
        Row(base: "regression-lr", field: "learning_rate", value: "0.0125", solve: .changes, descend: .changes, formula: .changes),
    ]

    static func problemText(_ model: String) -> String {
        #"{"model": \#(model), "time": {"end": 300, "points": 7}, "solver": {"epsabs": 1e-12, "epsrel": 1e-12}}"#
    }

    /// The base model with the row's field set.
    static func changed(_ row: Row) throws -> String {
        let base = try InputJSON.parse(bases[row.base]!)
        let value = try InputJSON.parse(row.value)
        return canonicalText(try base.setting(row.field.split(separator: ".").map(String.init), to: value))
    }

    enum Outcome {
        case table(RunResult)
        case refused(ProblemFileError)
    }

    static func run(_ method: String, _ model: String) throws -> Outcome {
        let problem: Problem
        do { problem = try Problem.load(text: problemText(model)) } catch { return .refused(error) }
        do {
            let result: RunResult
            switch method {
            case "solve": result = try Simulation.integrate(problem)
            case "descend": result = try Simulation.descend(problem)
            default: result = try Formula.evaluate(problem, requireLearned: false)
            }
            #expect(result.succeeded, "\(method) of \(model): \(result.message ?? result.status.rawValue)")
            return .table(result)
        } catch {
            return .refused(error)
        }
    }

    /// Largest difference of two tables relative to the base's scale (infinite when their
    /// shapes differ).
    static func difference(_ a: RunResult, _ b: RunResult) -> Double {
        guard a.columns == b.columns, a.rows.count == b.rows.count else { return .infinity }
        let scale = a.rows.flatMap { $0.dropFirst() }.map(abs).max() ?? 1
        return zip(a.rows, b.rows).flatMap { zip($0, $1).map { abs($0 - $1) } }.max()! / scale
    }

    @Test("each field reaches solve, descend and formula, or is refused naming it", arguments: rows)
    func fieldReachesEveryMethod(_ row: Row) throws {
        let base = Self.bases[row.base]!
        let changed = try Self.changed(row)
        var tables: [String: RunResult] = [:]
        for (method, expected) in [("solve", row.solve), ("descend", row.descend), ("formula", row.formula)] {
            let before = try Self.run(method, base), after = try Self.run(method, changed)
            switch (expected, before, after) {
            case let (.changes, .table(b), .table(a)):
                // Above 1e-6 of the scale: far beyond the 1e-12 tolerance of the runs.
                #expect(Self.difference(b, a) > 1e-6, "\(row): \(method) ignores the field")
                tables[method] = a
            case let (.changes, .refused, .table(a)):
                tables[method] = a  // the change makes the method applicable
            case let (.same, .table(b), .table(a)):
                #expect(Self.difference(b, a) < 1e-9, "\(row): \(method) should be unchanged")
                tables[method] = a
            case let (.refused(field), _, .refused(error)):
                #expect(error.field == field, "\(row): \(method) refused naming \(error.field), expected \(field): \(error.message)")
            default:
                Issue.record("\(row): \(method) expected \(expected), got \(after) (base \(before))")
            }
        }
        // The closed form, where there is one, follows the flow (1e-7: both are evaluated to
        // ~1e-12; the margin covers the flow's escape amplifying its own error).
        // Columns that are not the flow's own observables are left out: a data-backed model's
        // `*_expected` (the mean over teacher, noise and start) and `*_large_n` (the asymptotic
        // theory) describe other quantities than this data set's trajectory.
        if let f = tables["formula"], let s = tables["solve"] {
            for name in f.columns.dropFirst() where !name.hasSuffix("_expected") && !name.hasSuffix("_large_n") {
                let x = try #require(f.column(name)), y = try #require(s.column(name), "\(row): solve has no column \(name)")
                let scale = y.map(abs).max()!
                let gap = zip(x, y).map { abs($0 - $1) }.max()!
                #expect(gap <= 1e-7 * scale, "\(row): formula \(name) differs from the flow by \(gap / scale)")
            }
        }
        // Descent follows the flow to O(1/tau) (tau = 100 here: a few percent of the table's
        // scale at most).
        if let d = tables["descend"], let s = tables["solve"] {
            let names = d.columns.dropFirst().filter { s.columns.contains($0) }
            let scale = names.flatMap { s.column($0)! }.map(abs).max() ?? 1
            for name in names {
                let x = d.column(name)!, y = s.column(name)!
                #expect(zip(x, y).map { abs($0 - $1) }.max()! <= 0.05 * scale, "\(row): descent \(name) is not near the flow")
            }
        }
    }

    @Test("validate compares every method at the changed point, or refuses it naming the field", arguments: rows)
    func validateAgrees(_ row: Row) throws {
        let changed = try Self.changed(row)
        let text = #"{"model": \#(changed), "time": {"end": 300, "points": 7}, "steppers": ["rk8pd"], "tolerances": [[1e-10, 1e-10]], "compare": {"methods": ["integrator", "descent", "formula"]}}"#
        let grid: ValidationGrid
        do {
            grid = try ValidationGrid.parse(InputJSON.parse(text), defaultName: "audit")
        } catch {
            guard case let .refused(field) = row.solve else {
                Issue.record("\(row): validate refused \(error)")
                return
            }
            #expect(error.field == field)
            return
        }
        let point = PointRunner.run(grid, gridOrder: 0, index: 0)
        #expect(point.passed, "\(row): \(point.errorRows.map { "\(cell($0, "method")) \(cell($0, "status")) \(cell($0, "message"))" })")
        let formulaRows = point.rows("formula")
        #expect(formulaRows.count == 1)
        if case let .refused(field) = row.formula, let r = formulaRows.first {
            #expect(cell(r, "status") == .text("unavailable"))
            #expect("\(cell(r, "message"))".contains(field), "\(row): the unavailable formula should name \(field)")
        } else if let r = formulaRows.first {
            #expect(cell(r, "status") == .text("pass"), "\(row): \(r)")
        }
        #expect(!point.rows("descent").isEmpty && !point.rows("integrator").isEmpty)
    }

    @Test("check takes a loss, a system or a data-backed model: a model without data is refused, naming model and pointing to validate")
    func checkRefusesModelsWithoutData() throws {
        for kind in ["scalar", "chain", "mode", "network", "autoencoder"] {
            let text = #"{"model": \#(Self.bases[kind]!), "candidate": {"u": "1"}, "time": {"end": 1}, "tolerance": 1e-6}"#
            #expect(throws: ProblemFileError.self) { _ = try DerivationCheck.load(text: text) }
            do { _ = try DerivationCheck.load(text: text) } catch {
                #expect(error.field == "model", "\(kind): \(error)")
                #expect(error.message.contains("data-backed model") && error.message.contains("lindyn validate"), "\(kind): \(error)")
            }
        }
    }

    /// The fields a parser accepts, read from its refusal of an unknown one.
    static func acceptedFields(_ json: String) -> [String] {
        do {
            _ = try Problem.load(text: problemText(json))
        } catch {
            guard let range = error.message.range(of: "expected one of: ") else { return [] }
            return error.message[range.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return []
    }

    @Test("the audit table covers every field the model parsers accept")
    func tableCoversEveryField() throws {
        // Base names start with the model kind.
        let covered = Set(Self.rows.map { "\($0.base.split(separator: "-")[0]).\($0.field)" })
        let probes: [(String, String)] = [
            ("scalar", #"{"kind": "scalar", "w1": 1, "w2": 1, "zz": 1}"#),
            ("chain", #"{"kind": "chain", "depth": 2, "s": 1, "initial": 1, "zz": 1}"#),
            ("mode", #"{"kind": "mode", "s": 1, "u0": 0.1, "zz": 1}"#),
            ("mode.dropout", #"{"kind": "mode", "s": 1, "u0": 0.1, "dropout": {"keep": 1, "zz": 1}}"#),
            ("network", #"{"kind": "network", "widths": [1, 1, 1], "singular_values": [1], "zz": 1}"#),
            ("network.dropout", #"{"kind": "network", "widths": [1, 1, 1], "singular_values": [1], "dropout": {"keep": 1, "zz": 1}}"#),
            ("network.init", #"{"kind": "network", "widths": [1, 1, 1], "singular_values": [1], "init": {"zz": 1}}"#),
            ("autoencoder", #"{"kind": "autoencoder", "eigenvalues": [1], "hidden": 1, "zz": 1}"#),
            ("autoencoder.init", #"{"kind": "autoencoder", "eigenvalues": [1], "hidden": 1, "init": {"zz": 1}}"#),
            ("regression", #"{"kind": "regression", "inputs": 1, "samples": 1, "zz": 1}"#),
        ]
        for (prefix, json) in probes {
            let fields = Self.acceptedFields(json)
            #expect(!fields.isEmpty, "\(prefix): no field list in the refusal")
            for field in fields where field != "kind" || prefix.contains(".") {
                // init.scale and init.seed of the autoencoder share the network's rows (the same parser).
                let key = "\(prefix).\(field)"
                let shared = key.replacingOccurrences(of: "autoencoder.init", with: "network.init")
                #expect(covered.contains(key) || covered.contains(shared), "no audit row for model field \(key)")
            }
        }
    }
}
