import Foundation
import LindynIntegrator
import LindynModels
import LindynReport

/// One curve set for a trajectory plot: times and the compared columns of one method.
public struct TrajectoryCurves: Sendable, Equatable {
    /// The legend label of the method (e.g. `ODE rk8pd`, `GD`, `theory`).
    public var label: String
    /// Output times, in epochs.
    public var times: [Double]
    /// Column name and values, in the order compared.
    public var columns: [String]
    /// One array per column, each as long as ``times``.
    public var values: [[Double]]

    /// Curves from their values.
    public init(label: String, times: [Double], columns: [String], values: [[Double]]) {
        self.label = label
        self.times = times
        self.columns = columns
        self.values = values
    }

    /// The named columns of a run (a column the run lacks is empty).
    public init(label: String, result: RunResult, columns: [String]) {
        self.init(label: label, times: result.times, columns: columns, values: columns.map { result.column($0) ?? [] })
    }
}

/// The trajectories of a plotted point: the reference (theory), the integrator and the descent.
public struct TrajectorySet: Sendable, Equatable {
    /// The reference: the closed form, or the tight reference integration without one.
    public var theory: TrajectoryCurves?
    /// The first stepper's trajectory at the tightest tolerance.
    public var integrator: TrajectoryCurves?
    /// Gradient descent on the same weights (the mean of the Monte-Carlo runs with dropout).
    public var descent: TrajectoryCurves?
    /// The factor between the training-time and test-time output: the keep probability p of
    /// standard dropout (test-time output p u; Notes/dropout.md), `nil` otherwise.
    public var testScale: Double?

    /// A set from its curves; `testScale` as ``testScale``.
    public init(theory: TrajectoryCurves?, integrator: TrajectoryCurves?, descent: TrajectoryCurves?, testScale: Double? = nil) {
        self.theory = theory
        self.integrator = integrator
        self.descent = descent
        self.testScale = testScale
    }

    /// The keep probability of standard dropout with p < 1 in `dynamics` (inverted dropout does
    /// its scaling in training, and p = 1 draws no masks); `nil` otherwise.
    public static func dropoutKeep(_ dynamics: any Dynamics, invertedToo: Bool = false) -> Double? {
        let settings = (dynamics as? ModeModel)?.dropout ?? (dynamics as? NetworkModel)?.dropout
        guard let settings, settings.keep < 1, invertedToo || !settings.inverted else { return nil }
        return settings.keep
    }

    /// The descent's legend label: Monte-Carlo runs only where masks are drawn (p < 1).
    public static func descentLabel(_ problem: Problem) -> String {
        problem.descent.monteCarlo && dropoutKeep(problem.dynamics, invertedToo: true) != nil
            ? "GD, \(problem.descent.runs) Monte-Carlo runs" : "GD"
    }
}

/// Everything one grid point produced: its error-table rows, its stiffness-table row, and the
/// trajectories when the point is plotted. One journal line holds one point.
public struct PointResult: Sendable {
    /// The grid's name.
    public var grid: String
    /// Position of the grid in the run (files in command-line order): the output order.
    public var gridOrder: Int
    /// The point's index in the grid's point order (``GridPoint/index``).
    public var index: Int
    /// ``ValidationGrid/fingerprint`` of the grid version that produced it (resume matches it).
    public var fingerprint: String
    /// The grid's `description`, for the tables' README.
    public var gridDescription: String?
    /// Axis name and value text, in axis order.
    public var parameters: [(String, String)]
    /// Rows of the error table (``ErrorTable/columns``), one per compared method run.
    public var errorRows: [[Cell]]
    /// The point's row of the stiffness table (``StiffnessTable/columns``).
    public var stiffnessRow: [Cell]
    /// The curves, when the point is one of the grid's plotted trajectories.
    public var trajectories: TrajectorySet?
    /// Plot settings of the grid (needed to draw a merged run's figures).
    public var plotTitle: String?
    /// The title of the point's trajectory panel.
    public var panelTitle: String?
    /// The file name stem of the trajectory figure the point is drawn in.
    public var figure: String?
    /// Axis labels of the trajectory panel.
    public var axisLabels: (x: String, y: String)
    /// Logarithmic trajectory axes.
    public var logAxes: (x: Bool, y: Bool) = (false, false)
    /// The generalisation-table row of a data-backed point (``GeneralisationTable``).
    public var generalisationRow: [Cell]? = nil

    /// False when any error row has status `fail` or `error`.
    public var passed: Bool {
        let k = ErrorTable.index("status")
        return errorRows.allSatisfy { row in
            if case .text(let s) = row[k] { return !ErrorTable.failingStatuses.contains(s) }
            return true
        }
    }
}

/// Runs every comparison at one grid point.
public enum PointRunner {
    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func format(_ x: Double) -> String { "\(x)" }

    /// Runs point `index` of `grid`.
    public static func run(_ grid: ValidationGrid, gridOrder: Int, index: Int) -> PointResult {
        let settings = grid.compare
        var result = PointResult(
            grid: grid.name, gridOrder: gridOrder, index: index, fingerprint: grid.fingerprint, gridDescription: grid.description,
            parameters: [], errorRows: [], stiffnessRow: [], trajectories: nil, plotTitle: grid.plots.title, panelTitle: nil,
            figure: grid.plots.figure, axisLabels: (grid.plots.xLabel, grid.plots.yLabel))
        result.logAxes = (grid.plots.logX, grid.plots.logY)
        let point: GridPoint
        do {
            point = try grid.point(index)
        } catch {
            result.errorRows = [ErrorTable.row(grid: grid.name, point: index, parameters: "", method: "problem", status: "error", message: "\(error)")]
            result.stiffnessRow = StiffnessTable.row(grid: grid.name, point: index, parameters: "", report: nil, stepperSteps: [])
            return result
        }
        result.parameters = point.parameters.map { ($0.0, canonicalText($0.1)) }
        if let k = grid.plots.trajectories.firstIndex(of: index) {
            result.panelTitle = k < grid.plots.panelTitles.count ? grid.plots.panelTitles[k] : readableParameters(point.parameters.map { ($0.0, canonicalText($0.1)) })
        }
        let problem = point.problem
        let parameters = point.parameterText
        func row(_ method: String, status: String, message: String? = nil) -> [Cell] {
            ErrorTable.row(grid: grid.name, point: index, parameters: parameters, method: method, status: status, message: message)
        }

        // References: the closed form when it exists, and a tight integration (the reference
        // where there is no closed form, and the check of the closed form where there is).
        var formula: RunResult? = nil
        var formulaError: String? = nil
        if settings.compares(.formula) {
            // The trajectory is wanted even where a derived quantity is not (an unlearned mode).
            do { formula = try Formula.evaluate(problem, requireLearned: false) } catch { formulaError = "\(error)" }
            if let f = formula, !f.succeeded { formulaError = f.message ?? f.status.rawValue; formula = nil }
        }
        func integrateReference(_ p: Problem) -> (RunResult?, String?) {
            var q = p
            q.solver = settings.referenceSolver
            do {
                let r = try Simulation.integrate(q)
                return r.succeeded ? (r, nil) : (nil, "reference integration \(r.status): \(r.message ?? "")")
            } catch {
                return (nil, "reference integration refused: \(error)")
            }
        }
        let tightStart = now()
        let (tight, tightError) = integrateReference(problem)
        let tightSeconds = now() - tightStart
        let reference = formula ?? tight
        let referenceName = formula != nil ? "formula" : "integration \(settings.referenceSolver.stepper.rawValue) \(format(settings.referenceSolver.absoluteTolerance))"
        let compared = reference.map { Array($0.columns.dropFirst()) } ?? []
        let first = compared.first

        func halfTime(_ r: RunResult, against ref: RunResult) -> Double? {
            guard let c = first, let level = TrajectoryComparison.halfLevel(reference: ref, column: c, first: true), let v = r.column(c) else { return nil }
            return TrajectoryComparison.crossingTime(times: r.times, values: v, target: level)
        }
        // Half times of integrations and of the closed form come from events (root finding on
        // the dense output, or on the closed form), not from the output spacing; a reference
        // integration without a closed form gives its crossing between output rows.
        let halfLevel = first.flatMap { c in reference.flatMap { TrajectoryComparison.halfLevel(reference: $0, column: c, first: true) } }
        let halfEvents: [EventSpec] = {
            guard let c = first, let level = halfLevel,
                problem.dynamics.stateNames.contains(c) || problem.dynamics.observableNames.contains(c)
            else { return [] }
            return [EventSpec(name: "half_time", observable: c, level: level)]
        }()
        func eventHalf(_ r: RunResult) -> Double? { r.events.first { $0.spec.name == "half_time" }?.time }
        let referenceHalf: Double? = {
            if formula != nil, !halfEvents.isEmpty {
                var q = problem
                q.events = halfEvents
                if let f = try? Formula.evaluate(q, requireLearned: false), let t = eventHalf(f) { return t }
            }
            return reference.flatMap { halfTime($0, against: $0) }
        }()
        let derivedHalf = formula.flatMap { f in first.flatMap { TrajectoryComparison.derived("half_time", for: $0, in: f, first: true) } }

        // Formula row: the closed form against the tight integration.
        if settings.compares(.formula) {
            var cells = row("formula", status: "pass")
            ErrorTable.set(&cells, ErrorColumn.reference, .text(tight == nil ? "none" : "integration \(settings.referenceSolver.stepper.rawValue) \(format(settings.referenceSolver.absoluteTolerance))"))
            if let f = formula, let t = tight {
                let names = Array(f.columns.dropFirst().filter { t.columns.contains($0) })
                ErrorTable.set(&cells, ErrorColumn.compared, .text(names.joined(separator: " ")))
                if let d = TrajectoryComparison.deviation(f, from: t, columns: names, allowance: { r, c in settings.formulaRelative * r + settings.formulaFloor * c.largest }) {
                    ErrorTable.setDeviation(&cells, d)
                    ErrorTable.set(&cells, ErrorColumn.status, .text(d.ratio <= 1 ? "pass" : "fail"))
                } else {
                    ErrorTable.set(&cells, ErrorColumn.status, .text("error"))
                    ErrorTable.set(&cells, ErrorColumn.message, .text("the closed form and the reference integration have different times or columns (\(names))"))
                }
                ErrorTable.set(&cells, ErrorColumn.half_time, cell(halfTime(f, against: f)))
                ErrorTable.set(&cells, ErrorColumn.half_time_reference, cell(halfTime(t, against: f)))
                ErrorTable.set(&cells, ErrorColumn.half_time_formula, cell(derivedHalf))
                ErrorTable.set(&cells, ErrorColumn.seconds, .number(tightSeconds))
            } else if formula == nil {
                ErrorTable.set(&cells, ErrorColumn.status, .text(settings.requireFormula ? "fail" : "unavailable"))
                ErrorTable.set(&cells, ErrorColumn.message, .text("no closed form: \(formulaError ?? "")"))
            } else {
                ErrorTable.set(&cells, ErrorColumn.status, .text("error"))
                ErrorTable.set(&cells, ErrorColumn.message, .text(tightError ?? "no reference integration"))
            }
            result.errorRows.append(cells)
        }

        // Data-backed problems: the large-N theory against the exact curves, a random start
        // against the aligned law, and the generalisation-table row (GeneralisationRows).
        if let size = GeneralisationRows.size(problem.dynamics) {
            var comparisons: [[Cell]] = []
            if let f = formula, let cells = GeneralisationRows.largeNRow(f, size: size, factor: settings.largeNFactor, row: row("large_n", status: "pass")) {
                comparisons.append(cells)
            }
            if let t = tight, let (aligned, u0) = GeneralisationRows.alignedProblem(problem) {
                do {
                    let f = try Formula.evaluate(aligned, requireLearned: false)
                    comparisons.append(GeneralisationRows.alignedRow(reference: t, aligned: f, u0: u0, row: row("aligned_law", status: "measured")))
                } catch {
                    comparisons.append(row("aligned_law", status: "error", message: "the aligned law failed: \(error)"))
                }
            }
            result.errorRows += comparisons
            result.generalisationRow = GeneralisationRows.tableRow(
                grid: grid.name, point: index, parameters: parameters, dynamics: problem.dynamics, reference: reference, formula: formula,
                comparisons: comparisons, formulaMessage: formulaError)
        }

        var stepperSteps: [(Stepper, Tolerance, Int, Double)] = []
        var plottedIntegrator: TrajectoryCurves? = nil
        var plottedIntegratorProblem: Problem? = nil
        let tightestTolerance = grid.tolerances.min { $0.absolute + $0.relative < $1.absolute + $1.relative }!
        if settings.compares(.integrator) {
            for stepper in grid.steppers {
                for tolerance in grid.tolerances {
                    var cells = row("integrator", status: "pass")
                    ErrorTable.set(&cells, ErrorColumn.stepper, .text(stepper.rawValue))
                    ErrorTable.set(&cells, ErrorColumn.epsabs, .number(tolerance.absolute))
                    ErrorTable.set(&cells, ErrorColumn.epsrel, .number(tolerance.relative))
                    ErrorTable.set(&cells, ErrorColumn.reference, .text(referenceName))
                    var p = problem
                    p.solver.stepper = stepper
                    p.solver.absoluteTolerance = tolerance.absolute
                    p.solver.relativeTolerance = tolerance.relative
                    p.events = halfEvents
                    let start = now()
                    let run: RunResult
                    do {
                        run = try Simulation.integrate(p)
                    } catch {
                        ErrorTable.set(&cells, ErrorColumn.status, .text(settings.allowMethodFailure ? "gave_up" : "error"))
                        ErrorTable.set(&cells, ErrorColumn.message, .text("\(error)"))
                        result.errorRows.append(cells)
                        continue
                    }
                    ErrorTable.set(&cells, ErrorColumn.seconds, .number(now() - start))
                    if let s = run.statistics {
                        ErrorTable.set(&cells, ErrorColumn.accepted_steps, .integer(s.acceptedSteps))
                        ErrorTable.set(&cells, ErrorColumn.rejected_steps, .integer(s.rejectedSteps))
                        ErrorTable.set(&cells, ErrorColumn.rhs_evaluations, .integer(s.rhsEvaluations))
                        ErrorTable.set(&cells, ErrorColumn.jacobian_evaluations, .integer(s.jacobianEvaluations))
                        if s.acceptedSteps > 0 { stepperSteps.append((stepper, tolerance, s.acceptedSteps, (run.tReached - problem.time.start) / Double(s.acceptedSteps))) }
                    }
                    guard run.succeeded else {
                        ErrorTable.set(&cells, ErrorColumn.status, .text(settings.allowMethodFailure ? "gave_up" : "error"))
                        ErrorTable.set(&cells, ErrorColumn.message, .text("\(run.status): \(run.message ?? "")"))
                        result.errorRows.append(cells)
                        continue
                    }
                    let drifts = InvariantChecks.measure(p, run)
                    if let worst = drifts.max(by: { $0.toleranceUnits < $1.toleranceUnits }) {
                        ErrorTable.set(&cells, ErrorColumn.invariant_drift, .number(worst.toleranceUnits))
                        if worst.toleranceUnits > InvariantChecks.warningMultiple {
                            ErrorTable.set(&cells, ErrorColumn.message, .text("warning: \(worst.name) drifted by \(worst.toleranceUnits) tolerance units at t = \(worst.at)"))
                        }
                    }
                    guard let ref = reference else {
                        ErrorTable.set(&cells, ErrorColumn.status, .text("error"))
                        ErrorTable.set(&cells, ErrorColumn.message, .text("no reference: \(formulaError ?? "") \(tightError ?? "")"))
                        result.errorRows.append(cells)
                        continue
                    }
                    let names = TrajectoryComparison.sharedColumns(run, ref)
                    ErrorTable.set(&cells, ErrorColumn.compared, .text(names.joined(separator: " ")))
                    let factor = settings.integratorFactor, floor = settings.integratorFloor
                    if let d = TrajectoryComparison.deviation(run, from: ref, columns: names, allowance: { r, c in
                        factor * (tolerance.absolute * c.growth + tolerance.relative * r) + floor * c.largest
                    }) {
                        ErrorTable.setDeviation(&cells, d)
                        if d.ratio <= 1 {
                            ErrorTable.set(&cells, ErrorColumn.status, .text("pass"))
                        } else if settings.knownInaccurate.contains(stepper) {
                            ErrorTable.set(&cells, ErrorColumn.status, .text("known_fail"))
                            ErrorTable.set(&cells, ErrorColumn.message, .text("outside the allowance, as expected for \(stepper.rawValue) on this grid (compare.known_inaccurate)"))
                        } else {
                            ErrorTable.set(&cells, ErrorColumn.status, .text("fail"))
                        }
                    } else {
                        ErrorTable.set(&cells, ErrorColumn.status, .text("error"))
                        ErrorTable.set(&cells, ErrorColumn.message, .text("output times or columns differ from the reference"))
                    }
                    let h = halfEvents.isEmpty ? halfTime(run, against: ref) : eventHalf(run)
                    ErrorTable.set(&cells, ErrorColumn.half_time, cell(h))
                    ErrorTable.set(&cells, ErrorColumn.half_time_reference, cell(referenceHalf))
                    ErrorTable.set(&cells, ErrorColumn.half_time_formula, cell(derivedHalf))
                    if stepper == grid.steppers[0] && tolerance == tightestTolerance {
                        plottedIntegrator = TrajectoryCurves(label: "ODE \(stepper.rawValue)", result: run, columns: names)
                        plottedIntegratorProblem = p
                    }
                    result.errorRows.append(cells)
                }
            }
        }

        var plottedDescent: TrajectoryCurves? = nil
        if settings.compares(.descent), problem.dynamics.tau != nil {
            var cells = row("descent", status: "pass")
            let start = now()
            do {
                let run = try Simulation.descend(problem)
                ErrorTable.set(&cells, ErrorColumn.seconds, .number(now() - start))
                ErrorTable.set(&cells, ErrorColumn.epochs, .integer(run.descent?.epochs ?? 0))
                if problem.descent.monteCarlo {
                    ErrorTable.set(&cells, ErrorColumn.stepper, .text("monte_carlo x\(problem.descent.runs)"))
                }
                // The reference at the descent's whole epochs.
                var ref = reference
                var refIsFormula = formula != nil
                if let r = ref, !TrajectoryComparison.sameTimes(run, r) {
                    ref = nil
                    if let last = run.times.last, last > problem.time.start {
                        var q = problem
                        q.time = TimeSpec(start: problem.time.start, end: last, outputTimes: run.times)
                        ref = formula != nil ? try? Formula.evaluate(q) : integrateReference(q).0
                        refIsFormula = formula != nil && ref != nil
                    }
                }
                ErrorTable.set(&cells, ErrorColumn.reference, .text(refIsFormula ? "formula" : referenceName))
                if !run.succeeded {
                    ErrorTable.set(&cells, ErrorColumn.status, .text("error"))
                    ErrorTable.set(&cells, ErrorColumn.message, .text("\(run.status): \(run.message ?? "")"))
                } else if let ref {
                    let names = TrajectoryComparison.sharedColumns(run, ref)
                    ErrorTable.set(&cells, ErrorColumn.compared, .text(names.joined(separator: " ")))
                    let limit = settings.descentMaxScaledError
                    if let d = TrajectoryComparison.deviation(run, from: ref, columns: names, allowance: { _, c in limit * c.largest }) {
                        ErrorTable.setDeviation(&cells, d)
                        ErrorTable.set(&cells, ErrorColumn.status, .text(d.ratio <= 1 ? "pass" : "fail"))
                    } else {
                        ErrorTable.set(&cells, ErrorColumn.status, .text("error"))
                        ErrorTable.set(&cells, ErrorColumn.message, .text("descent columns differ from the reference"))
                    }
                    let h = halfTime(run, against: ref)
                    let hr = halfTime(ref, against: ref)
                    ErrorTable.set(&cells, ErrorColumn.half_time, cell(h))
                    ErrorTable.set(&cells, ErrorColumn.half_time_reference, cell(hr))
                    ErrorTable.set(&cells, ErrorColumn.half_time_formula, cell(derivedHalf))
                    if let h, let hr { ErrorTable.set(&cells, ErrorColumn.descent_lag, .number(h - hr)) }
                    plottedDescent = TrajectoryCurves(label: TrajectorySet.descentLabel(problem), result: run, columns: names)
                } else {
                    ErrorTable.set(&cells, ErrorColumn.status, .text("error"))
                    ErrorTable.set(&cells, ErrorColumn.message, .text("no reference at the descent's epochs"))
                }
            } catch {
                ErrorTable.set(&cells, ErrorColumn.status, .text("error"))
                ErrorTable.set(&cells, ErrorColumn.message, .text("\(error)"))
            }
            result.errorRows.append(cells)
        }

        // Stiffness: spectra along the trajectory and explicit versus implicit steps.
        if grid.stiffness.enabled {
            let report = StiffnessAnalysis.analyse(problem, settings: grid.stiffness, samples: 3)
            let loosest = grid.tolerances.max { $0.absolute + $0.relative < $1.absolute + $1.relative }!
            let perStepper = stepperSteps.filter { $0.1 == loosest }.map { ($0.0, $0.3) }
            result.stiffnessRow = StiffnessTable.row(grid: grid.name, point: index, parameters: parameters, report: report, stepperSteps: perStepper)
        } else {
            result.stiffnessRow = StiffnessTable.notAnalysedRow(grid: grid.name, point: index, parameters: parameters)
        }

        if grid.plots.trajectories.contains(index) {
            let theoryLabel = formula != nil ? "theory" : "reference"
            if problem.dynamics.tau == nil, result.axisLabels == ("Epoch (t)", "Mode strength") {
                // A plain ODE system: its time is not epochs and its state is not a mode strength.
                result.axisLabels = ("t", "State")
            }
            // Plot the observables (mode strengths) when the reference integration carries the whole state.
            let observables = problem.dynamics.observableNames.filter { compared.contains($0) }
            let all = formula == nil && !observables.isEmpty ? observables : compared
            let shown = grid.plots.columns.isEmpty ? all : all.filter { grid.plots.columns.contains($0) }
            func only(_ c: TrajectoryCurves?) -> TrajectoryCurves? {
                guard var c else { return nil }
                let keep = c.columns.indices.filter { shown.contains(c.columns[$0]) }
                c.columns = keep.map { c.columns[$0] }
                c.values = keep.map { c.values[$0] }
                return c
            }
            // Curves from dense output: the closed form, the reference integration and the
            // plotted integration are redrawn at the output times plus 400 evenly spaced ones,
            // so a sparsely sampled problem draws as a smooth curve (the tables keep the
            // problem's own output times).
            var curveTimes = problem.time
            curveTimes.outputTimes = Array(Set(problem.time.outputTimes + ODESolver.evenlySpacedTimes(
                start: problem.time.start, end: problem.time.end, points: 400))).sorted()
            var theory = reference
            if formula != nil {
                var q = problem
                q.time = curveTimes
                if let f = try? Formula.evaluate(q, requireLearned: false), f.succeeded { theory = f }
            } else if tight != nil {
                var q = problem
                q.time = curveTimes
                if let r = integrateReference(q).0 { theory = r }
            }
            if var q = plottedIntegratorProblem, let label = plottedIntegrator?.label, let names = plottedIntegrator?.columns {
                q.time = curveTimes
                q.events = []
                q.solver.output = .dense
                if let r = try? Simulation.integrate(q), r.succeeded {
                    plottedIntegrator = TrajectoryCurves(label: label, result: r, columns: names)
                }
            }
            result.trajectories = TrajectorySet(
                theory: theory.map { TrajectoryCurves(label: theoryLabel, result: $0, columns: shown) },
                integrator: only(plottedIntegrator), descent: only(plottedDescent), testScale: TrajectorySet.dropoutKeep(problem.dynamics))
        }
        return result
    }

    static func cell(_ x: Double?) -> Cell { x.map { .number($0) } ?? .missing }
}

/// Grid parameters as a title a reader can take in: each path by its last component, tied paths
/// sharing one value (`w1 = w2 = 0.01`), large and small numbers in short scientific form
/// (`k2 = 3e+05` rather than `system.parameters.k2=300000`).
public func readableParameters(_ parameters: [(String, String)]) -> String {
    parameters.map { axis, value in
        let names = axis.split(separator: ",").map { $0.split(separator: ".").last.map(String.init) ?? String($0) }
        var text = value
        if let x = Double(value), x.isFinite, x != 0, abs(x) >= 1e5 || abs(x) < 1e-3 { text = String(format: "%.3g", x) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        return (names + [text]).joined(separator: " = ")
    }.joined(separator: ", ")
}
