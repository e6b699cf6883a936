internal import CGSL

/// Turns GSL's aborting error handler off, once per process: every GSL status is checked and
/// reported as a Swift error instead.
let _gslErrorHandlerOff: Void = { _ = gsl_set_error_handler_off() }()

/// Receives GSL's callbacks. The generic subclass holds the concrete system so that the
/// right-hand side is specialised; GSL reaches it through one virtual call, or, for systems that
/// conform to ``_DirectCallbacks``, through a C function specialised for the system's type.
///
/// The evaluation counters live behind a pointer (not in stored `var`s), so the specialised
/// callbacks inlined into other modules bump them without exclusivity checks. Nothing here
/// allocates per call.
@usableFromInline
class _CallbackBase {
    /// counters[0]: right-hand-side calls, counters[1]: Jacobian calls.
    @usableFromInline let counters: UnsafeMutablePointer<Int>
    @usableFromInline var thrown: (any Error)?

    init() {
        counters = .allocate(capacity: 2)
        counters.initialize(repeating: 0, count: 2)
    }

    deinit { counters.deallocate() }

    var rhsCount: Int { counters[0] }
    var jacobianCount: Int { counters[1] }

    func rhs(_ t: Double, _ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>) -> Int32 {
        fatalError("subclass responsibility")
    }

    func jacobian(
        _ t: Double, _ y: UnsafePointer<Double>, _ dfdy: UnsafeMutablePointer<Double>,
        _ dfdt: UnsafeMutablePointer<Double>
    ) -> Int32 {
        fatalError("subclass responsibility")
    }
}

/// GSL's status codes that the callbacks return (GSL_SUCCESS, GSL_EBADFUNC), spelled out so
/// that inlinable code need not see the C module.
@usableFromInline let _gslSuccess: Int32 = 0
@usableFromInline let _gslBadFunction: Int32 = 9

@usableFromInline
final class _Callbacks<S: ODESystem>: _CallbackBase {
    @usableFromInline let system: S

    init(_ system: S) { self.system = system }

    @inlinable @inline(__always)
    func _rhs(_ t: Double, _ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>) -> Int32 {
        counters[0] &+= 1
        do {
            try system.rightHandSide(t: t, y: y, dydt: dydt)
            return _gslSuccess
        } catch {
            thrown = error
            return _gslBadFunction
        }
    }

    @inlinable @inline(__always)
    func _jacobian(
        _ t: Double, _ y: UnsafePointer<Double>, _ dfdy: UnsafeMutablePointer<Double>,
        _ dfdt: UnsafeMutablePointer<Double>
    ) -> Int32 {
        counters[1] &+= 1
        do {
            try system.jacobian(t: t, y: y, dfdy: dfdy, dfdt: dfdt)
            return _gslSuccess
        } catch {
            thrown = error
            return _gslBadFunction
        }
    }

    override func rhs(_ t: Double, _ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>) -> Int32 {
        _rhs(t, y, dydt)
    }

    override func jacobian(
        _ t: Double, _ y: UnsafePointer<Double>, _ dfdy: UnsafeMutablePointer<Double>,
        _ dfdt: UnsafeMutablePointer<Double>
    ) -> Int32 {
        _jacobian(t, y, dfdy, dfdt)
    }
}

/// GSL's right-hand-side callback type: f(t, y, dydt, params) -> status.
package typealias _CRightHandSide = @convention(c) (
    Double, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, UnsafeMutableRawPointer?
) -> Int32
/// GSL's Jacobian callback type: J(t, y, dfdy, dfdt, params) -> status.
package typealias _CJacobian = @convention(c) (
    Double, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?,
    UnsafeMutableRawPointer?
) -> Int32

/// A system that hands GSL C callbacks specialised for its own type, so each right-hand-side
/// call is one direct C call into the inlined body (as hand-written C is), instead of a
/// trampoline, a virtual call and a protocol-witness call (about 4 ns more a call, which is
/// 15-20% of a two-variable right-hand side with an explicit stepper).
///
/// Conform with the forwarding functions, nothing else:
///
///     extension MyFlow: _DirectCallbacks {
///         package static var _cRightHandSide: _CRightHandSide { { _directRightHandSide(MyFlow.self, $0, $1, $2, $3) } }
///         package static var _cJacobian: _CJacobian { { _directJacobian(MyFlow.self, $0, $1, $2, $3, $4) } }
///     }
package protocol _DirectCallbacks: ODESystem {
    static var _cRightHandSide: _CRightHandSide { get }
    static var _cJacobian: _CJacobian { get }
}

/// The body of a ``_DirectCallbacks`` right-hand side: counts the call and forwards to the
/// system; a thrown error is kept for the solver and reported to GSL as GSL_EBADFUNC.
@inlinable @inline(__always)
package func _directRightHandSide<S: ODESystem>(
    _ type: S.Type, _ t: Double, _ y: UnsafePointer<Double>?, _ dydt: UnsafeMutablePointer<Double>?,
    _ context: UnsafeMutableRawPointer?
) -> Int32 {
    // GSL never passes null pointers here (its own buffers and the params it was given), so
    // they are unwrapped without a check (`unsafelyUnwrapped` checks in debug builds only).
    Unmanaged<_Callbacks<S>>.fromOpaque(context.unsafelyUnwrapped)._withUnsafeGuaranteedRef {
        $0._rhs(t, y.unsafelyUnwrapped, dydt.unsafelyUnwrapped)
    }
}

/// The body of a ``_DirectCallbacks`` Jacobian (see ``_directRightHandSide(_:_:_:_:_:)``).
@inlinable @inline(__always)
package func _directJacobian<S: ODESystem>(
    _ type: S.Type, _ t: Double, _ y: UnsafePointer<Double>?, _ dfdy: UnsafeMutablePointer<Double>?,
    _ dfdt: UnsafeMutablePointer<Double>?, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    Unmanaged<_Callbacks<S>>.fromOpaque(context.unsafelyUnwrapped)._withUnsafeGuaranteedRef {
        $0._jacobian(t, y.unsafelyUnwrapped, dfdy.unsafelyUnwrapped, dfdt.unsafelyUnwrapped)
    }
}

func rhsTrampoline(
    _ t: Double, _ y: UnsafePointer<Double>?, _ dydt: UnsafeMutablePointer<Double>?,
    _ context: UnsafeMutableRawPointer?
) -> Int32 {
    Unmanaged<_CallbackBase>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.rhs(t, y!, dydt!) }
}

func jacobianTrampoline(
    _ t: Double, _ y: UnsafePointer<Double>?, _ dfdy: UnsafeMutablePointer<Double>?,
    _ dfdt: UnsafeMutablePointer<Double>?, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    Unmanaged<_CallbackBase>.fromOpaque(context!)._withUnsafeGuaranteedRef {
        $0.jacobian(t, y!, dfdy!, dfdt!)
    }
}

private func stepType(_ stepper: Stepper) -> UnsafePointer<gsl_odeiv2_step_type> {
    switch stepper {
    case .rk2: lindyn_step_rk2()
    case .rk4: lindyn_step_rk4()
    case .rkf45: lindyn_step_rkf45()
    case .rkck: lindyn_step_rkck()
    case .rk8pd: lindyn_step_rk8pd()
    case .rk1imp: lindyn_step_rk1imp()
    case .rk2imp: lindyn_step_rk2imp()
    case .rk4imp: lindyn_step_rk4imp()
    case .bsimp: lindyn_step_bsimp()
    case .msadams: lindyn_step_msadams()
    case .msbdf: lindyn_step_msbdf()
    }
}

/// Owns a `gsl_odeiv2_system` at a stable heap address (GSL keeps the pointer) and the
/// callback object it points to.
final class _GSLSystem {
    let pointer: UnsafeMutablePointer<gsl_odeiv2_system>
    let callbacks: _CallbackBase

    init<S: ODESystem>(_ system: S) {
        _ = _gslErrorHandlerOff
        callbacks = _Callbacks(system)
        let (rhs, jacobian) = _CallbackTable.shared.entryPoints(for: S.self)
        pointer = .allocate(capacity: 1)
        pointer.initialize(
            to: gsl_odeiv2_system(
                function: rhs,
                jacobian: system.providesJacobian ? jacobian : nil,
                dimension: system.dimension,
                params: Unmanaged.passUnretained(callbacks).toOpaque()))
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}

/// Integrates ``ODESystem``s with GSL's odeiv2 steppers.
///
/// Each call allocates its own GSL driver, so solves may run concurrently on different threads
/// (with one system value each).
public enum ODESolver {
    /// Solves dy/dt = f(t, y), y(start) = `initialState`, with adaptive steps, and records the
    /// state at each of `outputTimes` (non-decreasing, all >= `start`; the last one is the end).
    ///
    /// Steps are taken one `gsl_odeiv2_evolve_apply` at a time through a GSL driver's evolve,
    /// control and step objects, so every accepted step is counted and checked for non-finite
    /// values. With ``OutputMode/dense`` (the default) the steps run freely to the end and each
    /// output state is interpolated (see ``Stepper/denseOutputNodes``); with ``OutputMode/land``
    /// the last step before each output time is shortened to hit it exactly. `events` are
    /// located on the same interpolant in either mode.
    ///
    /// - Throws: ``SolverConfigurationError`` for settings refused before GSL is called
    ///   (including an implicit stepper for a system without a Jacobian);
    ///   ``IntegrationError`` when the integration fails, carrying the rows reached.
    /// `variableNames` (one per state variable) name the variable in messages; without them a
    /// variable is named by its index.
    static func integrate<S: ODESystem>(
        _ system: S, initialState: [Double], start: Double, outputTimes: [Double],
        options: SolverOptions = SolverOptions(), variableNames: [String]? = nil, events: [ODEEvent] = []
    ) throws -> Solution {
        let dimension = system.dimension
        try validate(system, initialState: initialState, start: start, outputTimes: outputTimes, options: options)
        let end = outputTimes.last!
        let span = end - start
        let hstart = options.initialStep ?? (span > 0 ? min(1e-6, span) : 1e-6)

        let gslSystem = _GSLSystem(system)
        guard
            let driver = gsl_odeiv2_driver_alloc_standard_new(
                gslSystem.pointer, stepType(options.stepper), hstart, options.absoluteTolerance,
                options.relativeTolerance, options.stateScale, options.derivativeScale)
        else {
            throw SolverConfigurationError(
                field: "solver", message: "GSL refused the solver settings (driver allocation failed)")
        }
        defer { gsl_odeiv2_driver_free(driver) }
        if options.errorNorm != .max || options.controller != .standard {
            let status = lindyn_driver_use_control(
                driver, options.absoluteTolerance, options.relativeTolerance, options.stateScale, options.derivativeScale,
                options.errorNorm == .max ? 0 : 1, options.controller.controlCode)
            guard status == GSL_SUCCESS else {
                throw SolverConfigurationError(field: "solver.controller", message: "GSL refused the step controller (status \(status))")
            }
        }
        let evolve = lindyn_driver_evolve(driver)!
        let control = lindyn_driver_control(driver)
        let step = lindyn_driver_step(driver)
        let h = lindyn_driver_h(driver)!
        if options.initialStep == nil && options.automaticInitialStep && span > 0 {
            // Two right-hand sides (counted); on a failed evaluation the default step stays and
            // the first step reports the failure.
            let work = UnsafeMutablePointer<Double>.allocate(capacity: 3 * dimension)
            defer { work.deallocate() }
            var status: Int32 = 0
            let chosen = initialState.withUnsafeBufferPointer { y0 in
                lindyn_initial_step(
                    gslSystem.pointer, start, y0.baseAddress, span, gsl_odeiv2_step_order(step), options.absoluteTolerance,
                    options.relativeTolerance, options.errorNorm == .max ? 0 : 1, work, &status)
            }
            if status == GSL_SUCCESS && chosen > 0 { h.pointee = chosen }
        }

        let y = UnsafeMutableBufferPointer<Double>.allocate(capacity: dimension)
        defer { y.deallocate() }
        _ = y.initialize(from: initialState)

        var solution = Solution(
            dimension: dimension, tReached: start, finalState: initialState,
            statistics: SolverStatistics(stepper: options.stepper))
        solution.times.reserveCapacity(outputTimes.count)
        solution.states.reserveCapacity(outputTimes.count * dimension)
        var t = start
        var accepted = 0
        let callbacks = gslSystem.callbacks
        let land = options.output == .land
        let outputCount = outputTimes.count
        var next = 0
        while next < outputCount && outputTimes[next] <= start {
            solution.append(time: outputTimes[next], state: UnsafeBufferPointer(y))
            next += 1
        }
        let tracker = _EventTracker(events)
        let capacity = options.stepper.denseOutputNodes
        let interior = !land && next < outputCount && outputTimes[next] < end
        // rk8pd interpolates on its own continuous extension; the other steppers on the Hermite
        // interpolant through the last few steps (events always use the latter).
        let continuous: _RK8PDDense? =
            interior && lindyn_step_is_rk8pd(step) != 0
            ? _RK8PDDense(dimension: dimension, controlled: options.output == .dense) : nil
        let controlInterpolation = interior && options.output == .dense && continuous == nil
        var stepCap = Double.infinity
        var worstRatio = 0.0
        let nodes: _DenseNodes? =
            (interior && continuous == nil) || !events.isEmpty
            ? _DenseNodes(dimension: dimension, capacity: options.stepper.denseOutputNodes) : nil
        // Derivatives at the step ends: GSL's own dydt_out when the stepper computes it exactly,
        // else one more call of the right-hand side (counted as an interpolation evaluation).
        let exactDerivativeOut = lindyn_step_gives_exact_dydt_out(step) != 0
        let derivativeIn = lindyn_step_can_use_dydt_in(step) != 0
        let dydtIn = lindyn_evolve_dydt_in(evolve)!
        let dydtOut = lindyn_evolve_dydt_out(evolve)!
        var interpolationEvaluations = 0
        if let nodes {
            nodes.push(time: start, state: y.baseAddress!, derivative: nil)
            tracker.observe(node: 0, state: y.baseAddress!)
            if !derivativeIn {
                _ = callbacks.rhs(start, y.baseAddress!, nodes.derivativeSlot(0))
                interpolationEvaluations += 1
            }
        }

        /// Produces the outputs and events the current window serves (all that remain when
        /// `final`), up to the newest node.
        func flush(
            _ nodes: _DenseNodes, final: Bool, _ next: inout Int, _ solution: inout Solution, _ worstRatio: inout Double,
            _ stepCap: inout Double
        ) {
            guard let served = nodes.servedUpTo(final: final) else { return }
            let limit = nodes.time(served)
            if !land && continuous == nil {
                if served >= 1 && next < outputCount && outputTimes[next] < end {
                    // While interior outputs remain, estimate the interpolation error at the
                    // middle of the newest served interval [t_{served-1}, t_served] and cap the
                    // coming steps so the estimate scales to within the tolerance (the
                    // estimate goes as h^(2m - 1)). Only intervals holding an output count
                    // towards the reported worst ratio.
                    let a = nodes.time(served - 1)
                    let ratio = nodes.errorRatio(
                        at: 0.5 * (a + limit), absolute: options.absoluteTolerance, relative: options.relativeTolerance)
                    if outputTimes[next] < limit { worstRatio = max(worstRatio, ratio) }
                    if controlInterpolation && ratio > 0 {
                        let order = Double(2 * nodes.capacity - 1)
                        stepCap = (limit - a) * min(5, max(0.2, 0.9 * pow(ratio, -1 / order)))
                    }
                }
                while next < outputCount && outputTimes[next] <= limit {
                    nodes.evaluate(outputTimes[next], into: nodes.scratch)
                    solution.append(time: outputTimes[next], state: UnsafeBufferPointer(start: nodes.scratch, count: dimension))
                    next += 1
                }
            }
            if !tracker.isEmpty { tracker.resolve(upTo: served, nodes: nodes) }
        }

        // `finish` captures no `var` (t, accepted and the solution are passed in), so the hot
        // loop's state stays in registers instead of heap boxes with exclusivity checks.
        func finish(
            _ reason: IntegrationError.Reason?, _ message: String, _ t: Double, _ accepted: Int,
            _ next: inout Int, _ interpolationEvaluations: Int, _ solution: inout Solution
        ) -> IntegrationError? {
            if let nodes, nodes.count >= 2 { flush(nodes, final: true, &next, &solution, &worstRatio, &stepCap) }
            solution.events = tracker.ordered
            solution.tReached = t
            solution.finalState = Array(y)
            solution.statistics.acceptedSteps = accepted
            // GSL's failed_steps counts both error-control rejections and steps the stepper
            // itself could not complete (e.g. msadams' functional iteration not converging);
            // its `count` misses the latter, so attempts are accepted + failed.
            let retried = continuous?.retries ?? 0
            solution.statistics.rejectedSteps = Int(evolve.pointee.failed_steps) + retried
            solution.statistics.attemptedSteps = accepted + Int(evolve.pointee.failed_steps) + retried
            solution.statistics.rhsEvaluations = callbacks.rhsCount
            solution.statistics.jacobianEvaluations = callbacks.jacobianCount
            solution.statistics.interpolationEvaluations = interpolationEvaluations + (continuous?.evaluations ?? 0)
            solution.statistics.interpolationErrorRatio = worstRatio
            guard let reason else { return nil }
            let underlying = callbacks.thrown
            return IntegrationError(
                reason: reason, message: message + " (at t = \(t))", partial: solution, underlying: underlying)
        }

        while t < end {
            let target = land ? outputTimes[next] : end
            if options.maxSteps > 0 && accepted >= options.maxSteps {
                throw finish(
                    .maxSteps,
                    options.stepper.isImplicit
                        ? "the integration took the maximum of \(options.maxSteps) steps before reaching t = \(target); raise solver.max_steps, or check whether the solution blows up or oscillates fast before that time"
                        : "the integration took the maximum of \(options.maxSteps) steps before reaching t = \(target); raise solver.max_steps, or use an implicit stepper (msbdf, rk4imp, bsimp) if the problem is stiff",
                    t, accepted, &next, interpolationEvaluations, &solution)!
            }
            if let hmax = options.maxStep, abs(h.pointee) > hmax {
                h.pointee = hmax
            }
            // The cap binds only near an output (within the window's reach of steps at the
            // current size): the interpolant matters only where it is evaluated, and far from
            // outputs (a stiff transient, a fast jump) the steps stay the error control's own.
            // A cap within 10^4 ulps of t is beneath what the estimate can resolve.
            if h.pointee > stepCap && next < outputCount
                && outputTimes[next] <= t + Double(capacity) * h.pointee
            {
                h.pointee = max(stepCap, 1e4 * t.ulp)
            }
            let stepStart = t
            let status = gsl_odeiv2_evolve_apply(evolve, control, step, gslSystem.pointer, &t, target, h, y.baseAddress!)
            if status != GSL_SUCCESS {
                if callbacks.thrown != nil {
                    let what = callbacks.thrown.map { "\($0)" } ?? ""
                    throw finish(.userFunction, "the right-hand side or Jacobian failed: \(what)", t, accepted, &next, interpolationEvaluations, &solution)!
                }
                switch Int(status) {
                case Int(GSL_FAILURE):
                    throw finish(.failure, "GSL could not continue: the step size fell to the limit of machine precision", t, accepted, &next, interpolationEvaluations, &solution)!
                case Int(GSL_ENOPROG):
                    throw finish(.noProgress, "the step size fell below the minimum allowed", t, accepted, &next, interpolationEvaluations, &solution)!
                default:
                    throw finish(.gslStatus(status), "GSL returned status \(status): \(String(cString: gsl_strerror(status)))", t, accepted, &next, interpolationEvaluations, &solution)!
                }
            }
            accepted += 1
            for i in 0..<dimension where !y[i].isFinite {
                throw finish(.nonFinite, "\(variableLabel(i, variableNames)) became \(y[i].isNaN ? "NaN" : "\(y[i])")", t, accepted, &next, interpolationEvaluations, &solution)!
            }
            if let continuous, next < outputCount && outputTimes[next] <= t {
                switch continuous.produce(
                    step: step!, evolve: evolve, system: gslSystem.pointer, derivativeOut: dydtOut, start: stepStart, end: t,
                    y: UnsafeBufferPointer(y), absolute: options.absoluteTolerance, relative: options.relativeTolerance,
                    outputTimes: outputTimes, next: &next, solution: &solution, worstRatio: &worstRatio, stepCap: &stepCap)
                {
                case .produced: break
                case .retry:
                    // The interpolant is not accurate enough on this step: take it again from
                    // its start, shorter (counted as a rejected step).
                    lindyn_rk8pd_restore_start(step, evolve, y.baseAddress!)
                    t = stepStart
                    h.pointee = stepCap
                    accepted -= 1
                    continue
                case .failed(let status):
                    let what = callbacks.thrown.map { "\($0)" } ?? "GSL status \(status)"
                    throw finish(.userFunction, "the right-hand side failed while interpolating: \(what)", t, accepted, &next, interpolationEvaluations, &solution)!
                }
            }
            if let nodes {
                if accepted == 1 && derivativeIn {
                    nodes.derivativeSlot(0).update(from: dydtIn, count: dimension)
                }
                let n = nodes.count
                if exactDerivativeOut {
                    nodes.push(time: t, state: y.baseAddress!, derivative: dydtOut)
                } else {
                    nodes.push(time: t, state: y.baseAddress!, derivative: nil)
                    if callbacks.rhs(t, y.baseAddress!, nodes.derivativeSlot(n)) != _gslSuccess {
                        let what = callbacks.thrown.map { "\($0)" } ?? ""
                        throw finish(.userFunction, "the right-hand side failed: \(what)", t, accepted, &next, interpolationEvaluations, &solution)!
                    }
                    interpolationEvaluations += 1
                }
                tracker.observe(node: n, state: y.baseAddress!)
                flush(nodes, final: false, &next, &solution, &worstRatio, &stepCap)
            }
            if land {
                while next < outputCount && outputTimes[next] <= t {
                    solution.append(time: outputTimes[next], state: UnsafeBufferPointer(y))
                    next += 1
                }
            }
            if options.minStep > 0 && t < target && abs(h.pointee) < options.minStep {
                throw finish(.noProgress, "the step size \(abs(h.pointee)) fell below solver.hmin = \(options.minStep)", t, accepted, &next, interpolationEvaluations, &solution)!
            }
        }
        if nodes == nil || !interior {
            while next < outputCount {
                solution.append(time: outputTimes[next], state: UnsafeBufferPointer(y))
                next += 1
            }
        }
        _ = finish(nil, "", t, accepted, &next, interpolationEvaluations, &solution)
        return solution
    }

    /// `variable y2` for a named state variable, `variable 3` (its index) otherwise.
    static func variableLabel(_ i: Int, _ names: [String]?) -> String {
        if let names, i < names.count { return "variable \(names[i])" }
        return "variable \(i)"
    }

    /// Convenience: `points` evenly spaced output times from `start` to `end`, both included
    /// (just `end` for one point, none for fewer).
    public static func evenlySpacedTimes(start: Double, end: Double, points: Int) -> [Double] {
        if points <= 1 { return points == 1 ? [end] : [] }
        let h = (end - start) / Double(points - 1)
        return (0..<points).map { $0 == points - 1 ? end : start + Double($0) * h }
    }

    /// Integrates with `steps` equal steps of one `gsl_odeiv2_step_apply` each and no error
    /// control: the method for convergence-order studies. Only steppers that run without a GSL
    /// driver are allowed (``Stepper/supportsFixedStep``). Rows are recorded every `outputStride`
    /// steps and at the end.
    static func integrateFixedStep<S: ODESystem>(
        _ system: S, initialState: [Double], start: Double, end: Double, steps: Int, stepper: Stepper,
        outputStride: Int? = nil
    ) throws -> Solution {
        let dimension = system.dimension
        guard stepper.supportsFixedStep else {
            throw SolverConfigurationError(
                field: "solver.stepper",
                message: "\(stepper.rawValue) needs GSL's driver and cannot run in fixed-step mode; use one of rk2 rk4 rkf45 rkck rk8pd bsimp")
        }
        guard steps >= 1 else {
            throw SolverConfigurationError(field: "steps", message: "fixed-step mode needs at least one step")
        }
        try validate(system, initialState: initialState, start: start, outputTimes: [end], options: SolverOptions(stepper: stepper))
        let gslSystem = _GSLSystem(system)
        guard let stepObject = gsl_odeiv2_step_alloc(stepType(stepper), dimension) else {
            throw SolverConfigurationError(field: "solver", message: "GSL could not allocate the stepper")
        }
        defer { gsl_odeiv2_step_free(stepObject) }
        let y = UnsafeMutableBufferPointer<Double>.allocate(capacity: dimension)
        let yerr = UnsafeMutableBufferPointer<Double>.allocate(capacity: dimension)
        defer { y.deallocate(); yerr.deallocate() }
        _ = y.initialize(from: initialState)
        yerr.initialize(repeating: 0)

        let stride = outputStride ?? steps
        let h = (end - start) / Double(steps)
        var solution = Solution(
            dimension: dimension, tReached: start, finalState: initialState,
            statistics: SolverStatistics(stepper: stepper))
        solution.append(time: start, state: UnsafeBufferPointer(y))
        let callbacks = gslSystem.callbacks
        var taken = 0
        func record(_ t: Double) {
            solution.tReached = t
            solution.finalState = Array(y)
            solution.statistics.acceptedSteps = taken
            solution.statistics.attemptedSteps = taken
            solution.statistics.rhsEvaluations = callbacks.rhsCount
            solution.statistics.jacobianEvaluations = callbacks.jacobianCount
        }
        for k in 0..<steps {
            let t = start + Double(k) * h
            let status = gsl_odeiv2_step_apply(stepObject, t, h, y.baseAddress!, yerr.baseAddress!, nil, nil, gslSystem.pointer)
            if status != GSL_SUCCESS {
                record(t)
                let reason: IntegrationError.Reason = callbacks.thrown != nil ? .userFunction : .gslStatus(status)
                throw IntegrationError(
                    reason: reason, message: "fixed step \(k) failed with GSL status \(status) (at t = \(t))",
                    partial: solution, underlying: callbacks.thrown)
            }
            taken += 1
            let tNext = k == steps - 1 ? end : start + Double(k + 1) * h
            for i in 0..<dimension where !y[i].isFinite {
                record(t)
                throw IntegrationError(
                    reason: .nonFinite, message: "variable \(i) became \(y[i]) (at t = \(tNext))",
                    partial: solution, underlying: nil)
            }
            if taken % stride == 0 || k == steps - 1 {
                solution.append(time: tNext, state: UnsafeBufferPointer(y))
            }
        }
        record(end)
        return solution
    }

    static func validate<S: ODESystem>(
        _ system: S, initialState: [Double], start: Double, outputTimes: [Double], options: SolverOptions
    ) throws {
        let dimension = system.dimension
        guard initialState.count == dimension else {
            throw SolverConfigurationError(
                field: "initial",
                message: "expected \(dimension) initial values (one per variable), got \(initialState.count)")
        }
        if let bad = initialState.firstIndex(where: { !$0.isFinite }) {
            throw SolverConfigurationError(field: "initial", message: "initial value \(bad) is \(initialState[bad]); give a finite number")
        }
        guard start.isFinite else {
            throw SolverConfigurationError(field: "time.start", message: "must be a finite number")
        }
        guard !outputTimes.isEmpty else {
            throw SolverConfigurationError(field: "time", message: "no output times requested")
        }
        var previous = start
        for (k, time) in outputTimes.enumerated() {
            guard time.isFinite, time >= previous else {
                throw SolverConfigurationError(
                    field: "time.at",
                    message: "output time \(k) (\(time)) must be finite, at or after time.start, and not before the one before it")
            }
            previous = time
        }
        let tolerances = [
            ("solver.epsabs", options.absoluteTolerance), ("solver.epsrel", options.relativeTolerance),
        ]
        for (field, value) in tolerances where !(value.isFinite && value > 0) {
            throw SolverConfigurationError(field: field, message: "tolerance must be a positive finite number, got \(value)")
        }
        guard options.stateScale.isFinite, options.stateScale >= 0, options.derivativeScale.isFinite,
            options.derivativeScale >= 0, options.stateScale + options.derivativeScale > 0
        else {
            throw SolverConfigurationError(field: "solver.a_y", message: "a_y and a_dydt must be non-negative and not both zero")
        }
        if let h0 = options.initialStep, !(h0.isFinite && h0 > 0) {
            throw SolverConfigurationError(field: "solver.hstart", message: "initial step must be a positive finite number, got \(h0)")
        }
        if let hmax = options.maxStep, !(hmax > 0) {
            throw SolverConfigurationError(field: "solver.hmax", message: "maximum step must be positive, got \(hmax)")
        }
        guard options.minStep >= 0, options.minStep.isFinite else {
            throw SolverConfigurationError(field: "solver.hmin", message: "minimum step must be a non-negative finite number")
        }
        guard options.maxSteps >= 0 else {
            throw SolverConfigurationError(field: "solver.max_steps", message: "must be a non-negative integer (0 means no limit)")
        }
        if options.stepper.needsJacobian && !system.providesJacobian {
            throw SolverConfigurationError(
                field: "solver.stepper",
                message: "\(options.stepper.rawValue) is implicit and needs a Jacobian, which this system does not provide; use an explicit stepper (rk8pd, rkf45, msadams) or give the Jacobian")
        }
    }
}
