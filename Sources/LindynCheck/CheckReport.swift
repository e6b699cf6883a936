import Foundation
import LindynIntegrator
import LindynReport

/// The verdict of one grid point.
public enum CheckVerdict: String, Sendable, Hashable, CaseIterable {
    /// Checks 1, 3 and 4 (and descent, when it has a tolerance) are within tolerance; for a
    /// model check, the initial value, the trajectory and the formula.
    case pass
    /// At least one of them is not.
    case fail
    /// The candidate (or a setting) does not evaluate to a finite number at this point: not
    /// verified, so it fails the run, but is counted apart from real disagreements.
    case undefined
    /// The integration itself failed (exit code 2).
    case integrationFailed = "integration_failed"
}

/// The outcome of the symbolic residual d/dt candidate - f(candidate).
public enum SymbolicVerdict: String, Sendable, Hashable {
    /// The residual, with the parameters symbolic (or, failing that, at this point's values),
    /// reduces to a quotient of polynomials whose numerator is the zero polynomial: the candidate
    /// solves the dynamics exactly (`proved_zero`).
    case provedZero = "proved_zero"
    /// The reduction did not reach zero (`not_proved`). This is not a disproof: relations between
    /// atoms such as exp(a) exp(b) = exp(a + b) are not used. The numeric residual (check 3)
    /// decides the verdict either way.
    case notProved = "not_proved"
    /// The candidate does not give every state variable.
    case notApplicable = "n/a"
}

/// Candidate against gradient descent with learning rate 1/tau (check 5).
public struct DescentComparison: Sendable, Hashable {
    /// How the descent ended; nil when it was not run (a span shorter than one epoch or
    /// longer than 10^7: ``message`` says which). A descent refused before its first epoch
    /// reports `SolveStatus.failure` with the refusal as its message.
    public var status: SolveStatus?
    /// The status word of the check's output: the status's raw value, or `skipped`.
    public var statusWord: String { status?.rawValue ?? "skipped" }
    /// Why descent was skipped, refused or stopped early (the descent's own message); nil when it
    /// ran to the end without comment.
    public var message: String?
    /// Whole epochs from `time.start` to `time.end` (0 when descent was skipped); one epoch is one
    /// unit of the flow's time t.
    public var epochs: Int
    /// The learning rate descent used, 1/tau at the point's tau (nil when it did not run).
    public var learningRate: Double?
    /// Largest relative error of the candidate against descent, over whole epochs reached.
    public var error: Double?
    /// The time of the largest ``error``: `time.start` plus a whole number of epochs.
    public var errorTime: Double?
    /// Largest relative error of the integrated flow against descent: the discretization lag alone.
    public var lag: Double?
    /// Half-time of descent / half-time of the candidate (the level halfway between the
    /// candidate's first and last value); about 1 + alpha a / 2 for a logistic mode.
    public var timeRatio: Double?
    /// Whether the descent error is within `descent_tolerance` (nil when none was given).
    public var passed: Bool?

    /// A comparison with the given status and epoch count; the errors are filled in by the run.
    public init(status: SolveStatus?, epochs: Int) {
        self.status = status
        self.epochs = epochs
    }
}

/// Every check at one grid point.
public struct CheckPointResult: Sendable {
    /// The point's position in the grid, from 0, in the order of ``DerivationCheck/grid`` (the
    /// last axis varies fastest).
    public var index: Int
    /// The grid axes' values at this point.
    public var parameters: [(name: String, value: Double)]
    /// The point's verdict, set from the errors against the tolerances.
    public var verdict: CheckVerdict = .fail
    /// Why the point failed or is undefined: the check, the error, the time and the component.
    public var reason: String?
    /// Check 1: relative error of the candidate at the start against the initial state or observable.
    public var initialError: Double?
    /// Check 2: the symbolic residual d/dt candidate - f(candidate) (only when the candidate
    /// gives every state variable; it never decides the verdict).
    public var symbolic: SymbolicVerdict = .notApplicable
    /// Check 3: max_t |d/dt candidate - rate| / max_t |rate|.
    public var residual: Double?
    /// The time of the largest residual.
    public var residualTime: Double?
    /// The candidate (state variable or observable) with the largest residual.
    public var residualComponent: String?
    /// Check 4: largest absolute error of the candidate against the integrated trajectory.
    public var absoluteError: Double?
    /// Check 4: largest relative error |c - y| / max(|y(t)|, relative floor * max_t |y|) over the
    /// time grid and the candidates.
    public var relativeError: Double?
    /// The time of the largest relative trajectory error.
    public var errorTime: Double?
    /// The candidate (state variable or observable) with the largest relative trajectory error.
    public var errorComponent: String?
    /// The integrator's own error estimate (relative, the same measure as `relativeError`).
    public var integratorError: Double?
    /// Model checks: the candidate against the model's exact formula for this data set, where it has one.
    public var formulaError: Double?
    /// The time of the largest formula error.
    public var formulaErrorTime: Double?
    /// The observable with the largest formula error.
    public var formulaComponent: String?
    /// Check 5 (loss checks only): the candidate and the flow against gradient descent; nil for
    /// system and model checks.
    public var descent: DescentComparison?
    /// The step and function-evaluation counts of the tight reference solve (check 4).
    public var statistics: SolverStatistics?
    /// The largest error / tolerance among the checks that decide the verdict (NaN when undefined).
    public var severity: Double = .nan

    /// A point not yet checked (verdict `fail`, no errors) at grid position `index`.
    public init(index: Int, parameters: [(name: String, value: Double)]) {
        self.index = index
        self.parameters = parameters
    }

    /// Sets the verdict, the severity and the reason from the errors.
    mutating func decide(tolerance: Double, descentTolerance: Double?, residualApplies: Bool = true) {
        var checks: [(String, Double?, Double?, String?, Double)] = [("initial condition", initialError, nil, errorComponent, tolerance)]
        if residualApplies { checks.append(("residual", residual, residualTime, residualComponent, tolerance)) }
        checks.append(("trajectory", relativeError, errorTime, errorComponent, tolerance))
        if let formulaError { checks.append(("formula", formulaError, formulaErrorTime, formulaComponent, tolerance)) }
        if let descentTolerance, let descent {
            checks.append(("descent", descent.status == .success ? descent.error : .infinity, descent.errorTime, nil, descentTolerance))
            self.descent?.passed = descent.status == .success && (descent.error ?? .nan) <= descentTolerance
        }
        severity = 0
        var failing: [String] = []
        for (name, value, time, component, tol) in checks {
            let v = value ?? .nan
            let s = v / tol
            if _exceeds(s, severity) { severity = s }
            if !(v <= tol) {
                var text = "\(name): relative error \(_show(v))"
                if let time { text += " at t = \(_show(time))" }
                if let component, name != "initial condition" { text += " (\(component))" }
                failing.append(text)
            }
        }
        if let descent, descent.status != .success, descentTolerance != nil {
            failing.append("descent \(descent.statusWord)")
        }
        verdict = failing.isEmpty ? .pass : .fail
        reason = failing.isEmpty ? nil : failing.joined(separator: "; ")
    }

    /// The time where the point fails worst: of the trajectory error, else the residual.
    public var failureTime: Double? {
        guard verdict == .fail else { return nil }
        if let r = residual, let e = relativeError, r > e { return residualTime }
        return errorTime ?? residualTime
    }
}

/// The results of a derivation check over its grid, with the summary and output tables.
public struct CheckReport: Sendable {
    /// The grid axes, in file order (the parameter columns of the table).
    public var axisNames: [String]
    /// The relative tolerance of checks 1, 3 and 4 (and the formula check of model checks).
    public var tolerance: Double
    /// The relative tolerance of the descent comparison; nil when descent does not decide the verdict.
    public var descentTolerance: Double?
    /// The floor of the relative errors' denominators, as a fraction of each component's largest
    /// magnitude: errors divide by max(|reference(t)|, relativeFloor * max_t |reference|).
    public var relativeFloor: Double
    /// One result per grid point, in grid order.
    public var points: [CheckPointResult]
    /// How the errors are measured, printed with the table.
    public var notes: [String]
    /// Whether the table has a `formula_error` column (model checks).
    public var formulaColumn: Bool

    /// A report of `points` checked against these tolerances.
    public init(
        axisNames: [String], tolerance: Double, descentTolerance: Double?, relativeFloor: Double, points: [CheckPointResult],
        notes: [String], formulaColumn: Bool = false
    ) {
        self.formulaColumn = formulaColumn
        self.axisNames = axisNames
        self.tolerance = tolerance
        self.descentTolerance = descentTolerance
        self.relativeFloor = relativeFloor
        self.points = points
        self.notes = notes
    }

    /// The number of points with `verdict`.
    public func count(_ verdict: CheckVerdict) -> Int { points.filter { $0.verdict == verdict }.count }

    /// The evaluated point with the largest error relative to its tolerance.
    public var worst: CheckPointResult? {
        points.filter { $0.verdict == .pass || $0.verdict == .fail }.max { a, b in _exceeds(b.severity, a.severity) }
    }

    /// 0 when every point passes; 2 when an integration failed; else 1 (a failure or an undefined point).
    public var exitCode: Int32 {
        if count(.integrationFailed) > 0 { return 2 }
        return points.allSatisfy { $0.verdict == .pass } ? 0 : 1
    }

    /// `success`, `disagreement` or `failure` (an integration failed).
    public var status: String {
        switch exitCode {
        case 0: return "success"
        case 2: return "failure"
        default: return "disagreement"
        }
    }

    func _describe(_ p: CheckPointResult) -> String {
        p.parameters.isEmpty ? "the only point" : p.parameters.map { "\($0.name)=\(_show($0.value))" }.joined(separator: " ")
    }

    /// One line: passed n of m, failures and undefined points, and the worst point with where and by how much.
    public var summary: String {
        var text = "passed \(count(.pass)) of \(points.count)"
        if count(.fail) > 0 { text += ", \(count(.fail)) failed" }
        if count(.undefined) > 0 { text += ", \(count(.undefined)) undefined" }
        if count(.integrationFailed) > 0 { text += ", \(count(.integrationFailed)) integration failures" }
        text += " (tolerance \(_show(tolerance)))"
        if let w = worst {
            text += "; worst point \(_describe(w)): "
            if w.verdict == .fail, let reason = w.reason {
                text += reason
            } else {
                text += "\(_show(w.severity * tolerance)) relative (\(_show(w.severity)) of the tolerance)"
            }
        }
        if let u = points.first(where: { $0.verdict == .undefined }) {
            text += "; undefined at \(_describe(u)): \(u.reason ?? "")"
        }
        if let u = points.first(where: { $0.verdict == .integrationFailed }) {
            text += "; integration failed at \(_describe(u)): \(u.reason ?? "")"
        }
        return text
    }

    /// The table's columns after the grid axes, in order (``table`` adds `formula_error` after
    /// `integrator_error` for model checks): the five checks' errors, their times, the verdict
    /// and the reason.
    public static let errorColumns = [
        "initial_error", "symbolic", "residual", "residual_t", "abs_error", "rel_error", "error_t", "integrator_error",
        "descent_error", "descent_lag", "descent_time_ratio", "verdict", "reason",
    ]

    /// One row per grid point: the axes, each error, the verdict and the reason.
    public var table: Table {
        var columns = Self.errorColumns
        if formulaColumn { columns.insert("formula_error", at: columns.firstIndex(of: "integrator_error")! + 1) }
        var table = Table(columns: axisNames + columns)
        func number(_ x: Double?) -> Cell { x.map { Cell.number($0) } ?? .missing }
        for p in points {
            var row: [Cell] = p.parameters.map { .number($0.value) }
            row += [
                number(p.initialError), .text(p.symbolic.rawValue), number(p.residual), number(p.residualTime),
                number(p.absoluteError), number(p.relativeError), number(p.errorTime), number(p.integratorError),
            ]
            if formulaColumn { row.append(number(p.formulaError)) }
            row += [
                number(p.descent?.error), number(p.descent?.lag), number(p.descent?.timeRatio), .text(p.verdict.rawValue),
                .text(p.reason ?? (p.descent.map { $0.status == .success ? "" : "descent \($0.statusWord)" } ?? "")),
            ]
            table.append(row)
        }
        return table
    }

    /// The output contract's JSON object: status, the table, then tolerances, the summary
    /// (counts, the worst point with its failing time) and notes.
    public func json() -> String {
        var summaryObject: JSONObject = [
            "passed": .integer(count(.pass)), "failed": .integer(count(.fail)), "undefined": .integer(count(.undefined)),
            "integration_failed": .integer(count(.integrationFailed)), "total": .integer(points.count), "line": .string(summary),
        ]
        if let w = worst {
            var worstObject = JSONObject(w.parameters.map { ($0.name, JSONValue.number($0.value)) })
            worstObject["verdict"] = .string(w.verdict.rawValue)
            worstObject["severity"] = w.severity.isFinite ? .number(w.severity) : .null
            if let t = w.failureTime { worstObject["t"] = .number(t) }
            if let reason = w.reason { worstObject["reason"] = .string(reason) }
            summaryObject["worst"] = .object(worstObject)
        }
        var trailing: JSONObject = ["tolerance": .number(tolerance), "relative_floor": .number(relativeFloor)]
        if let descentTolerance { trailing["descent_tolerance"] = .number(descentTolerance) }
        trailing["summary"] = .object(summaryObject)
        trailing["notes"] = .array(notes.map { .string($0) })
        return table.json(leading: ["status": .string(status)], trailing: trailing, layout: .compact) + "\n"
    }

    /// The terminal rendering: the table, the notes, then the summary line.
    public func text() -> String {
        var out = table.text()
        for note in notes { out += "note: \(note)\n" }
        out += summary + "\n"
        return out
    }
}
