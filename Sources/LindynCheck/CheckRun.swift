import Foundation
import LindynExpr
import LindynIntegrator
import LindynModels

/// Programs compiled once per check and evaluated at every grid point and time.
struct _CheckPrograms {
    /// Inputs `t` + parameters; outputs the candidates c_k, then their time derivatives dc_k/dt.
    let candidate: CompiledProgram
    /// Inputs `t` + state + parameters; outputs d(target_k)/dt = grad(target_k) . f (chain rule),
    /// where target_k is the state variable or observable that candidate k describes.
    let rate: CompiledProgram
    /// Inputs state + parameters; outputs target_k (a state variable or an observable).
    let target: CompiledProgram
    /// Symbolic residuals d/dt c_k - f_k(c) with the parameters symbolic (state-covering candidates).
    let residuals: [SymbolicExpression]?
    /// Whether the residual was proved zero for every parameter value.
    let provedEverywhere: Bool
}

extension DerivationCheck {
    /// The expression of the state variable or observable named by candidate `k`, in the state.
    func _target(_ name: String) -> SymbolicExpression {
        if stateNames.contains(name) { return .variable(name) }
        return observables.first { $0.name == name }!.expression
    }

    func _compile() throws(ProblemFileError) -> _CheckPrograms {
        let parameters = parameterNames
        let values = candidate.map(\.expression)
        let rates = values.map { $0.derivative("t").simplified() }
        let targets = candidate.map { _target($0.name) }
        let chain: [SymbolicExpression] = targets.map { target in
            SymbolicExpression.sum(
                of: zip(SymbolicExpression.gradient(target, stateNames), rightHandSides).map { $0 * $1 }
            ).simplified()
        }
        var residuals: [SymbolicExpression]? = nil
        var proved = false
        if coversState {
            let substitution = Dictionary(
                candidate.filter { stateNames.contains($0.name) }.map { ($0.name, $0.expression) }, uniquingKeysWith: { a, _ in a })
            let r = zip(rates, chain).map { ($0 - $1.substituting(substitution)).simplified() }
            residuals = r
            proved = r.allSatisfy { $0 == 0 || _RationalNormalizer.provesZero($0) }
        }
        do {
            return _CheckPrograms(
                candidate: try CompiledProgram(values + rates, inputs: ["t"] + parameters),
                rate: try CompiledProgram(chain, inputs: ["t"] + stateNames + parameters),
                target: try CompiledProgram(targets, inputs: stateNames + parameters),
                residuals: residuals, provedEverywhere: proved)
        } catch {
            throw ProblemFileError(field: "candidate", message: "cannot be compiled: \(error)")
        }
    }

    /// Runs every check at every grid point (sequentially, in grid order: the last axis varies
    /// fastest). `progress`, when given, is called after each point with the points done and
    /// the total.
    ///
    /// A numerical failure or an undefined candidate at a point is a verdict in the report
    /// (``CheckVerdict/integrationFailed``, ``CheckVerdict/undefined``), not an error.
    /// - Throws: `ProblemFileError` naming the field when the file cannot be checked at all: the
    ///   dynamics or the candidate do not compile, or (model checks) a model field evaluated at
    ///   some point is refused by the model (the message names the point), or the check would
    ///   exceed ``ModelCheckSpec/maximumTermEvaluations``.
    public func run(progress: ((Int, Int) -> Void)? = nil) throws(ProblemFileError) -> CheckReport {
        if kind == .model { return try _runModel(progress: progress) }
        let programs = try _compile()
        var results: [CheckPointResult] = []
        let total = pointCount
        results.reserveCapacity(total)
        for index in 0..<total {
            results.append(_runPoint(index, programs))
            progress?(index + 1, total)
        }
        var notes = [
            "relative errors divide by max(|reference(t)|, \(relativeFloor) * max_t |reference|) per component",
            "residual: max_t |d/dt candidate - rate| / max_t |rate|, the rate being f(candidate) when the candidate gives the whole state, else grad(observable) . f along the integrated trajectory",
            "integrator_error: the same relative error between the solve and one with rkck (implicit steppers: the same stepper) at 100x looser tolerances, an upper estimate of the solve's own error",
        ]
        if runDescent {
            notes.append(
                "descent: gradient descent with learning rate 1/tau at whole epochs; descent_lag is the flow's own distance to descent (the O(alpha) lag), descent_time_ratio = half-time of descent / half-time of the candidate"
                    + (descentTolerance == nil ? "; descent does not decide the verdict (no descent_tolerance given)" : ""))
        }
        if coversState {
            notes.append(programs.provedEverywhere
                ? "symbolic residual proved zero for all parameter values"
                : "symbolic residual not proved zero for symbolic parameters; tried again with each point's values")
        } else {
            notes.append("symbolic residual not applicable: the candidate does not give every state variable")
        }
        return CheckReport(
            axisNames: grid.map(\.name), tolerance: tolerance, descentTolerance: descentTolerance,
            relativeFloor: relativeFloor, points: results, notes: notes)
    }

    /// The grid values of point `index` (last axis fastest).
    public func gridValues(_ index: Int) -> [(name: String, value: Double)] {
        var rest = index
        var out: [(name: String, value: Double)] = []
        for axis in grid.reversed() {
            out.append((axis.name, axis.values[rest % axis.values.count]))
            rest /= axis.values.count
        }
        return out.reversed()
    }

    /// The checker's solver when the file gives none: rk8pd at epsrel 1e-12; epsabs is set per
    /// point to 1e-14 times the size of the initial state (1 when it is zero) unless given.
    public var defaultSolverOptions: SolverOptions { SolverOptions(stepper: .rk8pd, relativeTolerance: 1e-12) }

    /// Solver settings for a point: the file's, or ``defaultSolverOptions``, with epsabs scaled
    /// to the initial state unless the file or command line gives it.
    func _solverOptions(initialState: [Double]) -> SolverOptions {
        var options = solver ?? defaultSolverOptions
        if !solverAbsoluteToleranceGiven {
            let scale = initialState.map { Swift.abs($0) }.max() ?? 0
            options.absoluteTolerance = 1e-14 * (scale > 0 ? scale : 1)
        }
        return options
    }

    /// The solve that estimates the integrator's error: 100x looser tolerances and, for an
    /// explicit stepper, the lower-order rkck (Cash-Karp 4(5)), so its steps differ from the main
    /// solve's even when output times limit them. Its larger error dominates the difference, which
    /// is therefore an upper estimate of the main solve's error.
    static func _estimateOptions(_ options: SolverOptions) -> SolverOptions {
        var loose = options
        loose.absoluteTolerance *= 100
        loose.relativeTolerance *= 100
        if !options.stepper.isImplicit { loose.stepper = .rkck }
        return loose
    }

    func _runPoint(_ index: Int, _ programs: _CheckPrograms) -> CheckPointResult {
        let axes = gridValues(index)
        var result = CheckPointResult(index: index, parameters: axes)
        var bindings = Dictionary(fixedParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in axes { bindings[name] = value }
        let parameterValues = parameterNames.map { bindings[$0]! }
        func undefined(_ reason: String) -> CheckPointResult {
            var r = result
            r.verdict = .undefined
            r.reason = reason
            return r
        }
        func value(_ e: SymbolicExpression, _ what: String) -> Result<Double, _PointFailure> {
            guard let x = try? e.evaluate(bindings), x.isFinite else {
                let shown = (try? e.evaluate(bindings)).map { "\($0)" } ?? "no value"
                return .failure(_PointFailure("\(what) evaluates to \(shown)"))
            }
            return .success(x)
        }

        // Settings at this point.
        let start: Double, end: Double
        switch (value(time.start, "time.start"), value(time.end, "time.end")) {
        case (.success(let a), .success(let b)): (start, end) = (a, b)
        case (.failure(let e), _), (_, .failure(let e)): return undefined(e.message)
        }
        guard end > start else { return undefined("time.end (\(end)) is not after time.start (\(start))") }
        var times: [Double]
        if let at = time.at {
            times = []
            for (k, e) in at.enumerated() {
                switch value(e, "time.at[\(k)]") {
                case .success(let x):
                    guard x >= start, x <= end, times.last.map({ x >= $0 }) ?? true else {
                        return undefined("time.at[\(k)] = \(x) is outside [start, end] or out of order")
                    }
                    times.append(x)
                case .failure(let e): return undefined(e.message)
                }
            }
            if times.first != start { times.insert(start, at: 0) }
            if times.last != end { times.append(end) }
        } else {
            times = ODESolver.evenlySpacedTimes(start: start, end: end, points: time.points)
        }
        var initialState: [Double] = []
        for (k, e) in initial.enumerated() {
            switch value(e, "\(kind.rawValue).initial[\(k)]") {
            case .success(let x): initialState.append(x)
            case .failure(let e): return undefined(e.message)
            }
        }
        var tauValue = 1.0
        if let tau {
            switch value(tau, "loss.tau") {
            case .success(let x):
                guard x > 0 else { return undefined("loss.tau evaluates to \(x); it must be positive") }
                tauValue = x
            case .failure(let e): return undefined(e.message)
            }
        }

        // The candidate and its derivative along the time grid.
        let n = candidate.count
        var values = [[Double]](repeating: [], count: n)
        var rates = [[Double]](repeating: [], count: n)
        for t in times {
            let out = programs.candidate.evaluate([t] + parameterValues)
            for k in 0..<n {
                guard out[k].isFinite, out[n + k].isFinite else {
                    let which = out[k].isFinite ? "its time derivative is \(out[n + k])" : "its value is \(out[k])"
                    return undefined("candidate \(candidate[k].name) is not finite at t = \(_show(t)) (\(which)): undefined or overflowing there")
                }
                values[k].append(out[k])
                rates[k].append(out[n + k])
            }
        }

        // Check 2: symbolic residual.
        if let residuals = programs.residuals {
            if programs.provedEverywhere {
                result.symbolic = .provedZero
            } else {
                let numbers = bindings.mapValues { SymbolicExpression.number($0) }
                let proved = residuals.allSatisfy { r in
                    let s = r.substituting(numbers).simplified()
                    return s == 0 || _RationalNormalizer.provesZero(s)
                }
                result.symbolic = proved ? .provedZero : .notProved
            }
        }

        // Check 1: initial condition.
        let targetAtStart = programs.target.evaluate(initialState + parameterValues)
        var initialWorst = 0.0
        for k in 0..<n {
            let scale = relativeFloor * (values[k].map { Swift.abs($0) }.max() ?? 0)
            let e = Swift.abs(values[k][0] - targetAtStart[k]) / Swift.max(Swift.abs(targetAtStart[k]), scale, .leastNormalMagnitude)
            if _exceeds(e, initialWorst) { initialWorst = e }
        }
        result.initialError = initialWorst

        // Check 4: the integrated trajectory, at two tolerance levels.
        let dynamics: any Dynamics
        do {
            dynamics = try _dynamics(bindings, initialState: initialState, tau: tauValue)
        } catch {
            return undefined("the dynamics cannot be built here: \(error)")
        }
        let options = _solverOptions(initialState: initialState)
        let loose = Self._estimateOptions(options)
        // The output times include the start, so row j is times[j].
        let problem = Problem(dynamics: dynamics, time: TimeSpec(start: start, end: end, outputTimes: times), solver: options)
        let tight: RunResult, rough: RunResult
        do {
            tight = try Simulation.integrate(problem)
            var looseProblem = problem
            looseProblem.solver = loose
            rough = try Simulation.integrate(looseProblem)
        } catch {
            result.verdict = .integrationFailed
            result.reason = "the solver refused the settings: \(error)"
            return result
        }
        result.statistics = tight.statistics
        guard tight.succeeded else {
            result.verdict = .integrationFailed
            result.reason = "integration failed (\(tight.status)): \(tight.message ?? "") (t reached \(_show(tight.tReached)))"
            return result
        }
        let stateColumns = stateNames.map { tight.columns.firstIndex(of: $0)! }
        func trajectoryStates(_ run: RunResult) -> [[Double]] {
            run.rows.map { row in stateColumns.map { row[$0] } }
        }
        let states = trajectoryStates(tight)
        let roughStates = rough.succeeded ? trajectoryStates(rough) : nil
        guard states.count == times.count else {
            result.verdict = .integrationFailed
            result.reason = "the solve returned \(states.count) rows for \(times.count) times"
            return result
        }
        var targets = [[Double]](repeating: [], count: n)
        var roughTargets = [[Double]](repeating: [], count: n)
        for (j, state) in states.enumerated() {
            let out = programs.target.evaluate(state + parameterValues)
            for k in 0..<n { targets[k].append(out[k]) }
            if let roughStates {
                let r = programs.target.evaluate(roughStates[j] + parameterValues)
                for k in 0..<n { roughTargets[k].append(r[k]) }
            }
        }
        var worst = _Deviation()
        var integratorWorst = _Deviation()
        for k in 0..<n {
            worst.merge(_Deviation(values[k], targets[k], times, floor: relativeFloor), candidate[k].name)
            if roughStates != nil {
                integratorWorst.merge(_Deviation(roughTargets[k], targets[k], times, floor: relativeFloor), candidate[k].name)
            }
        }
        result.absoluteError = worst.absolute
        result.relativeError = worst.relative
        result.errorTime = worst.time
        result.errorComponent = worst.component
        result.integratorError = roughStates == nil ? nil : integratorWorst.relative

        // Check 3: numeric residual, scaled by the size of the rate.
        var residualWorst = 0.0, residualTime = times[0], residualComponent = candidate[0].name
        let candidateState: [[Double]]? = coversState
            ? (0..<times.count).map { j in stateNames.map { name in values[candidate.firstIndex { $0.name == name }!][j] } }
            : nil
        var reference = [[Double]](repeating: [], count: n)
        for j in times.indices {
            let state = candidateState?[j] ?? states[j]
            let out = programs.rate.evaluate([times[j]] + state + parameterValues)
            for k in 0..<n { reference[k].append(out[k]) }
        }
        for k in 0..<n {
            let peak = reference[k].map { Swift.abs($0) }.max() ?? 0
            let scale = peak > 0 && peak.isFinite ? peak : 1
            for j in times.indices {
                let r = Swift.abs(rates[k][j] - reference[k][j]) / scale
                if _exceeds(r, residualWorst) {
                    residualWorst = r
                    residualTime = times[j]
                    residualComponent = candidate[k].name
                }
            }
        }
        result.residual = residualWorst
        result.residualTime = residualTime
        result.residualComponent = residualComponent

        // Check 5: gradient descent.
        if runDescent {
            result.descent = _descend(problem, start: start, end: end, parameterValues: parameterValues, programs: programs)
        }

        result.decide(tolerance: tolerance, descentTolerance: descentTolerance)
        return result
    }

    func _dynamics(_ bindings: [String: Double], initialState: [Double], tau: Double) throws -> any Dynamics {
        let parameters = parameterNames.map { ($0, bindings[$0]!) }
        let numbers = bindings.mapValues { SymbolicExpression.number($0) }
        let observed = observables.map { ($0.name, $0.expression.substituting(numbers)) }
        switch kind {
        case .loss:
            return try LossFlow(
                weights: stateNames, loss: loss!, parameters: parameters, initial: initialState, tau: tau, observables: observed)
        case .system:
            return try ExpressionSystem(
                variables: stateNames, equations: rightHandSides, parameters: parameters, initial: initialState, observables: observed)
        case .model:
            throw ProblemFileError(field: "model", message: "a model check builds its model per point")
        }
    }

    /// Gradient descent at whole epochs from `start`, against the candidate and against the flow.
    func _descend(_ problem: Problem, start: Double, end: Double, parameterValues: [Double], programs: _CheckPrograms) -> DescentComparison {
        let span = (end - start + 1e-9).rounded(.down)
        var comparison = DescentComparison(status: nil, epochs: 0)
        guard span >= 1 else {
            comparison.message = "the time span is shorter than one epoch"
            return comparison
        }
        guard span <= 10_000_000 else {
            comparison.message = "more than 10^7 epochs"
            return comparison
        }
        let epochs = Int(span)
        comparison.epochs = epochs
        let stride = Swift.max(1, epochs / 5000)
        var outputs = Array(Swift.stride(from: stride, through: epochs, by: stride)).map { start + Double($0) }
        if outputs.last != start + Double(epochs) { outputs.append(start + Double(epochs)) }
        var gdProblem = problem
        gdProblem.time = TimeSpec(start: start, end: start + Double(epochs), outputTimes: [start] + outputs)
        var flowProblem = problem
        flowProblem.time = TimeSpec(start: start, end: start + Double(epochs), outputTimes: [start] + outputs)
        let gd: RunResult, flow: RunResult
        do {
            gd = try Simulation.descend(gdProblem)
            flow = try Simulation.integrate(flowProblem)
        } catch {
            comparison.status = .failure
            comparison.message = "\(error)"
            return comparison
        }
        comparison.status = gd.status
        comparison.message = gd.message
        comparison.learningRate = gd.descent?.learningRate
        let n = candidate.count
        let stateColumns = stateNames.map { gd.columns.firstIndex(of: $0)! }
        let flowColumns = stateNames.map { flow.columns.firstIndex(of: $0)! }
        var flowStates = flow.rows.map { row in flowColumns.map { row[$0] } }
        if !flow.succeeded { flowStates = [] }
        var times: [Double] = [], cand = [[Double]](repeating: [], count: n)
        var descent = [[Double]](repeating: [], count: n), flowTarget = [[Double]](repeating: [], count: n)
        for (j, row) in gd.rows.enumerated() {
            let t = row[0]
            let weights = stateColumns.map { row[$0] }
            let c = programs.candidate.evaluate([t] + parameterValues)
            let g = programs.target.evaluate(weights + parameterValues)
            let fl = j < flowStates.count ? programs.target.evaluate(flowStates[j] + parameterValues) : nil
            times.append(t)
            for k in 0..<n {
                cand[k].append(c[k])
                descent[k].append(g[k])
                flowTarget[k].append(fl?[k] ?? .nan)
            }
        }
        guard !times.isEmpty else { return comparison }
        var worst = _Deviation(), lag = _Deviation()
        for k in 0..<n {
            worst.merge(_Deviation(cand[k], descent[k], times, floor: relativeFloor), candidate[k].name)
            if flowStates.count == times.count {
                lag.merge(_Deviation(flowTarget[k], descent[k], times, floor: relativeFloor), candidate[k].name)
            }
        }
        comparison.error = worst.relative
        comparison.errorTime = worst.time
        comparison.lag = flowStates.count == times.count ? lag.relative : nil
        if let tc = _halfTime(cand[0], times), let tg = _halfTime(descent[0], times, level: _midpoint(cand[0])), tc > start {
            comparison.timeRatio = (tg - start) / (tc - start)
        }
        return comparison
    }
}

/// A failure to set up a point (a setting that does not evaluate), with its reason.
struct _PointFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The largest deviation of a series from a reference: absolute, and relative with a floor.
struct _Deviation {
    var absolute = 0.0
    var relative = 0.0
    var time: Double? = nil
    var component: String? = nil

    init() {}

    /// Relative error at each time: |x - reference| / max(|reference|, floor * max_t |reference|).
    /// NaN anywhere makes the result NaN (never a silent pass).
    init(_ x: [Double], _ reference: [Double], _ times: [Double], floor: Double) {
        let peak = reference.map { Swift.abs($0) }.max() ?? 0
        let minimum = Swift.max(floor * peak, .leastNormalMagnitude)
        for j in x.indices {
            let d = Swift.abs(x[j] - reference[j])
            let r = d / Swift.max(Swift.abs(reference[j]), minimum)
            if _exceeds(d, absolute) { absolute = d }
            if time == nil || _exceeds(r, relative) {
                relative = r
                time = times[j]
            }
        }
    }

    mutating func merge(_ other: _Deviation, _ name: String) {
        if _exceeds(other.absolute, absolute) { absolute = other.absolute }
        if component == nil || _exceeds(other.relative, relative) {
            relative = other.relative
            time = other.time
            component = name
        }
    }
}

/// x > y, with NaN above everything.
func _exceeds(_ x: Double, _ y: Double) -> Bool {
    if y.isNaN { return false }
    return x.isNaN || x > y
}

/// Halfway between the first and last value of a series.
func _midpoint(_ x: [Double]) -> Double { (x.first! + x.last!) / 2 }

/// The first time a series crosses `level` (default: its own midpoint), linearly interpolated.
func _halfTime(_ x: [Double], _ times: [Double], level: Double? = nil) -> Double? {
    guard x.count >= 2 else { return nil }
    let m = level ?? _midpoint(x)
    let rising = x.last! >= x.first!
    for j in 1..<x.count {
        let (a, b) = (x[j - 1], x[j])
        if rising ? (a < m && b >= m) : (a > m && b <= m) {
            let f = b == a ? 0 : (m - a) / (b - a)
            return times[j - 1] + f * (times[j] - times[j - 1])
        }
    }
    return nil
}

/// A number as the reports print it: up to 6 significant digits.
func _show(_ x: Double) -> String {
    if x == x.rounded() && Swift.abs(x) < 1e15 { return String(Int(x)) }
    return String(format: "%.6g", x)
}
