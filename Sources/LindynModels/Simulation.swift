import Foundation
import LindynIntegrator

/// A named derived quantity (`fixed_point`, `half_time`, ...), with a note on what it means.
public struct DerivedQuantity: Sendable, Hashable {
    /// The quantity's name, e.g. `fixed_point`.
    public var name: String
    /// Its value.
    public var value: Double
    /// What it means or how it was obtained.
    public var note: String

    /// A quantity `name` = `value`.
    public init(_ name: String, _ value: Double, note: String = "") {
        self.name = name
        self.value = value
        self.note = note
    }
}

/// What a descent did.
public struct DescentStatistics: Sendable, Hashable {
    /// Epochs run (up to the failure, when the descent stopped early).
    public var epochs: Int
    /// The learning rate alpha = 1/tau.
    public var learningRate: Double
    /// Runs averaged.
    public var runs: Int
    /// Whether dropout masks were resampled every epoch.
    public var monteCarlo: Bool
}

/// The table a command prints: `t`, then the state, then the observables; a status word, and
/// rows only up to what was reached.
public struct RunResult: Sendable {
    /// How the run ended; `status.rawValue` is the word in the JSON output.
    public var status: SolveStatus
    /// Why the run stopped, when it did not succeed; nil on success.
    public var message: String?
    /// Column names: `t`, the state, then the observables.
    public var columns: [String]
    /// One row per output time reached, in column order.
    public var rows: [[Double]]
    /// The time the run reached (the last good step on failure).
    public var tReached: Double
    /// The integrator's work (integration only).
    public var statistics: SolverStatistics?
    /// What the descent did (descent only).
    public var descent: DescentStatistics?
    /// Derived quantities (closed forms): fixed points, half times, ...
    public var derived: [DerivedQuantity]
    /// Free-form notes (e.g. which closed form was used).
    public var notes: [String]
    /// The problem's events, in the order given, each with its first time or nil.
    public var events: [EventResult] = []

    /// A result; `status` defaults to `SolveStatus.success`.
    public init(
        status: SolveStatus = .success, message: String? = nil, columns: [String], rows: [[Double]], tReached: Double,
        statistics: SolverStatistics? = nil, descent: DescentStatistics? = nil, derived: [DerivedQuantity] = [], notes: [String] = []
    ) {
        self.status = status
        self.message = message
        self.columns = columns
        self.rows = rows
        self.tReached = tReached
        self.statistics = statistics
        self.descent = descent
        self.derived = derived
        self.notes = notes
    }

    /// Whether ``status`` is `SolveStatus.success`.
    public var succeeded: Bool { status == .success }

    /// The values of one column, or nil when absent.
    public func column(_ name: String) -> [Double]? {
        guard let k = columns.firstIndex(of: name) else { return nil }
        return rows.map { $0[k] }
    }

    /// The output times reached (the `t` column).
    public var times: [Double] { rows.map { $0[0] } }
}

/// Runs a problem's integrator and descent.
public enum Simulation {
    /// Integrates the problem's flow with its solver settings. A numerical failure is returned as
    /// a result with a failure status (``RunResult/status``: `maxSteps`, `noProgress`,
    /// `nonFinite`, ...) and the rows reached, never thrown.
    /// - Throws: `InputError`, the one error type of every run, naming the field: a solver
    ///   setting refused before the solve (`solver.epsabs`, `solver.stepper`, ...), a size limit
    ///   exceeded (`--allow-large` raises them), or the argument of a Swift-built model whose
    ///   values were changed to ones it cannot run (`depth`, ...).
    public static func integrate(_ problem: Problem) throws(InputError) -> RunResult {
        let dynamics = problem.dynamics
        try problem.limits.checkJacobian(stepper: problem.solver.stepper, variables: dynamics.stateNames.count)
        if problem.solver.stepper.needsJacobian {
            // Derived now, so that a Jacobian over the size limit is refused before the solve.
            try (dynamics as? ExpressionSystem)?.compiled.prepareJacobian()
            try (dynamics as? LossFlow)?.compiled.prepareJacobian()
        }
        let flow = try dynamics.makeFlow()
        let columns = ["t"] + dynamics.stateNames + dynamics.observableNames
        let nObs = dynamics.observableNames.count
        let dim = dynamics.stateNames.count
        func rows(_ solution: Solution) -> [[Double]] {
            var out: [[Double]] = []
            out.reserveCapacity(solution.times.count)
            var obs = [Double](repeating: 0, count: max(nObs, 1))
            for (k, t) in solution.times.enumerated() {
                let state = Array(solution.state(k))
                if nObs > 0 {
                    state.withUnsafeBufferPointer { s in obs.withUnsafeMutableBufferPointer { flow.observe(s.baseAddress!, $0.baseAddress!) } }
                }
                out.append([t] + state + obs.prefix(nObs))
            }
            return out
        }
        precondition(dim == flow.system.dimension)
        var result: RunResult
        let events = odeEvents(problem.events, dynamics: dynamics, flow: flow)
        func eventResults(_ solution: Solution) -> [EventResult] {
            problem.events.map { spec in
                EventResult(spec: spec, time: solution.events.first { $0.name == spec.name }?.time, method: "dense output")
            }
        }
        do {
            let solution = try ODESolver.solve(
                flow.system, initialState: dynamics.initialState, start: problem.time.start,
                outputTimes: problem.time.outputTimes, options: problem.solver, variableNames: dynamics.stateNames, events: events)
            result = RunResult(columns: columns, rows: rows(solution), tReached: solution.tReached, statistics: solution.statistics)
            result.events = eventResults(solution)
        } catch let thrown {
            let error: IntegrationError
            switch thrown {
            case .configuration(let refused): throw refused
            case .integration(let failure): error = failure
            }
            var reached = rows(error.partial)
            var message = error.message
            // A step size that collapses (or a state that overflows) within 1e-8 of an output
            // time marks a finite-time blow-up there: the row at that time is the solution
            // just short of the singularity, not a value to report.
            if error.reason == .failure || error.reason == .noProgress || error.reason == .nonFinite,
                let last = reached.last, last.count > 1, reached.count > 1,
                error.tReached - last[0] <= 1e-8 * max(1, abs(error.tReached))
            {
                reached.removeLast()
                message += "; the row at t = \(last[0]) is left out: the solution blows up there (the integration failed at t = \(error.tReached))"
            }
            result = RunResult(
                status: error.status, message: message, columns: columns, rows: reached,
                tReached: error.tReached, statistics: error.partial.statistics)
            result.events = eventResults(error.partial)
        }
        let checked = stoppingAtUndefinedLoss(stoppingAtNonFiniteObservables(result, firstObservable: 1 + dim), dynamics)
        if checked.status != result.status {
            // Events after the first non-finite observable or undefined loss are not trusted.
            var r = checked
            r.events = result.events.map { e in
                var e = e
                if let t = e.time, t > checked.tReached { e.time = nil }
                return e
            }
            return r
        }
        return checked
    }

    /// For a loss, a row at which the loss itself is NaN or infinite ends the table there with
    /// status `non_finite`: the gradient can be finite where the loss is undefined.
    static func stoppingAtUndefinedLoss(_ result: RunResult, _ dynamics: any Dynamics) -> RunResult {
        guard let loss = dynamics as? LossFlow, let (bad, message) = loss.firstUndefinedLoss(result.rows) else { return result }
        var r = result
        r.status = .nonFinite
        r.message = message
        r.rows = Array(result.rows[..<bad])
        r.tReached = bad > 0 ? result.rows[bad - 1][0] : result.rows[0][0]
        return r
    }

    /// A row whose observable is NaN or infinite (e.g. log of a state that reached 0) ends the
    /// table there with status `non_finite`: no NaN is passed off as a result.
    static func stoppingAtNonFiniteObservables(_ result: RunResult, firstObservable: Int) -> RunResult {
        guard let bad = result.rows.firstIndex(where: { $0.dropFirst(firstObservable).contains { !$0.isFinite } }) else { return result }
        var r = result
        let row = result.rows[bad]
        let column = (firstObservable..<row.count).first { !row[$0].isFinite }!
        r.status = .nonFinite
        r.message = "observable \(result.columns[column]) is \(row[column]) at t = \(row[0])"
        r.rows = Array(result.rows[..<bad])
        r.tReached = bad > 0 ? result.rows[bad - 1][0] : result.rows[0][0]
        return r
    }

    /// Output epochs of a descent: the requested times rounded to whole epochs after the start,
    /// without repeats. Spans beyond ``CostLimits/large`` are clamped (never trapped);
    /// `descend(_:progress:)` refuses them before calling this.
    public static func descentEpochs(_ time: TimeSpec) -> [Int] {
        var epochs: [Int] = []
        let cap = Double(CostLimits.large.descentEpochs)
        for t in time.outputTimes {
            let offset = (t - time.start).rounded()
            let k = offset.isFinite ? Int(min(max(offset, 0), cap)) : 0
            if epochs.last != k { epochs.append(k) }
        }
        return epochs
    }

    /// The output epochs of a descent, checked: listed times (`time.at`) must be whole epochs
    /// after `time.start` and are kept as listed (repeats included); evenly spaced ones
    /// (`time.points`) are rounded to the nearest epoch, with a note saying so. The span and the
    /// runs are checked against `limits` first.
    /// - Throws: `ProblemFileError` naming `time.at`, `time.end` or `descent.runs`.
    public static func checkedDescentEpochs(_ time: TimeSpec, runs: Int, limits: CostLimits) throws(ProblemFileError) -> (epochs: [Int], note: String?) {
        let last = try limits.descentEpochCount(start: time.start, end: time.end)
        try limits.checkDescent(epochs: last, runs: runs)
        if time.listed {
            var epochs: [Int] = []
            for (k, t) in time.outputTimes.enumerated() {
                let offset = t - time.start
                guard offset == offset.rounded() else {
                    let field = k < time.outputTimes.count - 1 || t != time.end ? "time.at" : "time.end"
                    throw ProblemFileError(
                        field: field,
                        message: "descent runs whole epochs: \(field == "time.at" ? "entry \(k)" : "the end") is t = \(t), \(offset) epochs after time.start; list whole epochs (or integrate with lindyn solve for times in between)")
                }
                epochs.append(Int(offset))
            }
            return (epochs, nil)
        }
        let epochs = descentEpochs(time)
        let exact = time.outputTimes.allSatisfy { ($0 - time.start) == ($0 - time.start).rounded() }
        if exact && epochs.count == time.outputTimes.count { return (epochs, nil) }
        return (epochs, "descent rows are at whole epochs: the \(time.outputTimes.count) evenly spaced times of time.points are rounded to the nearest epoch, giving \(epochs.count) distinct rows")
    }
    /// Weights below this in magnitude cannot overflow to NaN in one step of a growing
    /// iteration (that takes values near 1e308), so a NaN that follows them comes from an
    /// undefined gradient, not from divergence.
    static let moderateWeight = 1e30

    /// Full-batch gradient descent with learning rate 1/tau, t = start + epoch. Several runs
    /// (Monte-Carlo dropout) are averaged row by row. A non-finite weight, or one larger than the
    /// divergence threshold, stops with status `diverged` and the rows reached.
    /// - Parameter problem: the problem to descend (its `descent` block sets runs, seed and threshold).
    /// - Parameter progress: called about every 1% of the work with the epochs done and the
    ///   total over all runs (for a progress line on a terminal).
    /// - Throws: `InputError` naming `time.at`, `time.end` or `descent.runs` (whole epochs, size
    ///   limits), `system` (a plain system has no descent), or a model's argument as for
    ///   ``integrate(_:)``. Divergence, an undefined gradient and a failing gradient function are
    ///   results (status `diverged`, `nonFinite`, `functionError`) with the rows reached, not errors.
    public static func descend(_ problem: Problem, progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws(InputError) -> RunResult {
        var options = problem.descent
        // Without dropout masks every run is the same deterministic descent: run it once.
        if !(options.monteCarlo && problem.dynamics.hasDropout) {
            options.runs = 1
            options.monteCarlo = false
        }
        // A problem without a descent (a plain system) says so before its times are checked.
        if problem.dynamics.tau == nil { _ = try problem.dynamics.makeDescent(options) }
        let (epochs, epochNote) = try checkedDescentEpochs(problem.time, runs: options.runs, limits: problem.limits)
        let lastEpoch = epochs.last ?? 0
        var sums: [[Double]] = []
        var counts: [Int] = []
        var columns: [String] = []
        var status = SolveStatus.success
        var message: String? = nil
        var reachedEpoch = lastEpoch
        var rate = 0.0
        let total = lastEpoch * options.runs
        let stride = max(1, lastEpoch / 100)
        runs: for run in 0..<options.runs {
            var runOptions = options
            runOptions.seed = options.seed &+ UInt64(run) &* 0x9E37_79B9
            let process = try problem.dynamics.makeDescent(runOptions)
            rate = process.learningRate
            if columns.isEmpty { columns = ["t"] + process.weightNames + process.observableNames }
            var obs = [Double](repeating: 0, count: max(process.observableNames.count, 1))
            var next = 0
            func record(_ epoch: Int) {
                obs.withUnsafeMutableBufferPointer { process.observables(into: $0.baseAddress!) }
                let row = [problem.time.start + Double(epoch)] + process.weights + obs.prefix(process.observableNames.count)
                if next < sums.count {
                    for i in 0..<row.count { sums[next][i] += row[i] }
                    counts[next] += 1
                } else {
                    sums.append(row)
                    counts.append(1)
                }
                next += 1
            }
            var epoch = 0
            var previousSize = process.largestMagnitude()
            while next < epochs.count && epochs[next] == 0 { record(0) }
            while epoch < lastEpoch {
                do { try process.step(epoch: epoch) } catch {
                    // The gradient's own function failed (a user-written system or loss): a
                    // numerical status with the rows reached, as a solve reports it.
                    status = .functionError
                    message = "the gradient could not be computed at epoch \(epoch): \(error)"
                    reachedEpoch = epoch
                    break runs
                }
                epoch += 1
                let size = process.largestMagnitude()
                if size.isNaN && previousSize <= Self.moderateWeight {
                    // NaN from moderate weights is not a growing iteration: the gradient itself
                    // is undefined there (a kink such as abs at 0, or a loss outside its domain).
                    status = .nonFinite
                    message = "the gradient is not defined at the weights of epoch \(epoch - 1) (largest weight \(previousSize)): the loss is not differentiable or not defined there (e.g. abs at 0, log or sqrt outside its domain); this is not a learning-rate problem"
                    reachedEpoch = epoch - 1
                    break runs
                }
                previousSize = size
                if !(size <= options.divergenceThreshold) {
                    status = .diverged
                    message = "gradient descent diverged at epoch \(epoch) (largest weight \(size)); the learning rate 1/tau = \(process.learningRate) is too large for this problem (see gd_stability_limit)"
                    reachedEpoch = epoch - 1
                    break runs
                }
                while next < epochs.count && epochs[next] == epoch { record(epoch) }
                if let progress, epoch % stride == 0 { progress(run * lastEpoch + epoch, total) }
            }
        }
        var rows: [[Double]] = []
        for (k, sum) in sums.enumerated() {
            let n = Double(counts[k])
            // Row k counts only runs that reached it; time is the same in each.
            rows.append([sum[0] / n] + sum.dropFirst().map { $0 / n })
        }
        if status != .success {
            rows = rows.filter { $0[0] <= problem.time.start + Double(reachedEpoch) }
        }
        let result = RunResult(
            status: status, message: message, columns: columns, rows: rows,
            tReached: problem.time.start + Double(status == .success ? lastEpoch : reachedEpoch),
            descent: DescentStatistics(epochs: status == .success ? lastEpoch : reachedEpoch, learningRate: rate, runs: options.runs, monteCarlo: options.monteCarlo),
            notes: epochNote.map { [$0] } ?? [])
        var checked = rows.isEmpty ? result : stoppingAtUndefinedLoss(stoppingAtNonFiniteObservables(result, firstObservable: 1), problem.dynamics)
        checked.events = eventsBetweenRows(problem.events, result: checked)
        return checked
    }
}
