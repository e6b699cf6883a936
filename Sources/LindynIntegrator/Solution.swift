/// Settings of an adaptive solve. Field names follow GSL's: the step is accepted when the local
/// error estimate E_i satisfies E_i <= epsabs + epsrel (a_y |y_i| + a_dydt h |y'_i|) for all i.
public struct SolverOptions: Sendable, Hashable, Codable {
    /// The GSL stepping method.
    public var stepper: Stepper
    /// GSL's `epsabs`: absolute error allowed per step. Must be finite and > 0.
    public var absoluteTolerance: Double
    /// GSL's `epsrel`: relative error allowed per step. Must be finite and > 0.
    public var relativeTolerance: Double
    /// GSL's `a_y`: weight of the state in the error test (1 by default).
    public var stateScale: Double
    /// GSL's `a_dydt`: weight of the derivative in the error test (0 by default).
    public var derivativeScale: Double
    /// First trial step; `nil` uses min(1e-6, (end - start)), or the automatic choice when
    /// ``automaticInitialStep`` is set.
    public var initialStep: Double?
    /// When ``initialStep`` is `nil`: choose the first step from the problem (Hairer, Norsett and
    /// Wanner's starting-step rule, *Solving ODEs I*, section II.4, as in DOP853) instead of GSL's
    /// fixed 1e-6: two evaluations of the right-hand side estimate the step whose local error
    /// is about the tolerance, measured in ``errorNorm``. Problem files: `"hstart": "auto"`.
    public var automaticInitialStep: Bool
    /// The solve stops with ``IntegrationError/Reason/noProgress`` when the step size falls below
    /// this (0: never). As in GSL it is a give-up threshold, not a floor.
    public var minStep: Double
    /// Largest step size allowed; `nil` for none.
    public var maxStep: Double?
    /// Most accepted steps over the whole solve (0: no limit).
    public var maxSteps: Int
    /// How states at the output times are produced: by interpolation between freely chosen
    /// steps (``OutputMode/dense``, the default) or by shortening a step to land on each one
    /// (``OutputMode/land``).
    public var output: OutputMode
    /// How the per-component error ratios of a step are combined (``ErrorNorm/max`` is GSL's).
    public var errorNorm: ErrorNorm
    /// How the next step size is chosen from the error (``StepController/standard`` is GSL's).
    public var controller: StepController

    /// Settings with GSL-like defaults: rk8pd at epsabs = epsrel = 1e-10, a_y = 1, a_dydt = 0,
    /// no step bounds, at most 10^7 steps, dense output, the max norm and GSL's standard controller
    /// (the defaults of a problem file's `solver` object).
    public init(
        stepper: Stepper = .rk8pd, absoluteTolerance: Double = 1e-10, relativeTolerance: Double = 1e-10,
        stateScale: Double = 1, derivativeScale: Double = 0, initialStep: Double? = nil,
        minStep: Double = 0, maxStep: Double? = nil, maxSteps: Int = 10_000_000,
        output: OutputMode = .dense, errorNorm: ErrorNorm = .max, controller: StepController = .standard,
        automaticInitialStep: Bool = false
    ) {
        self.automaticInitialStep = automaticInitialStep
        self.output = output
        self.errorNorm = errorNorm
        self.controller = controller
        self.stepper = stepper
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.stateScale = stateScale
        self.derivativeScale = derivativeScale
        self.initialStep = initialStep
        self.minStep = minStep
        self.maxStep = maxStep
        self.maxSteps = maxSteps
    }
}

/// Work done by a solve. GSL counts steps; Lindyn counts the evaluations in its callbacks.
public struct SolverStatistics: Sendable, Hashable, Codable {
    /// The stepper that did the work.
    public var stepper: Stepper
    /// Steps accepted by the error control (for a fixed-step solve: steps taken).
    public var acceptedSteps: Int
    /// All step attempts: accepted plus rejected.
    public var attemptedSteps: Int
    /// Attempts rejected by the error control or failed inside the stepper.
    public var rejectedSteps: Int
    /// Calls of the right-hand side.
    public var rhsEvaluations: Int
    /// Calls of the Jacobian.
    public var jacobianEvaluations: Int
    /// Of ``rhsEvaluations``, the calls made only to give the dense output the derivative at a
    /// step's end (steppers whose GSL implementation does not return it exactly); 0 otherwise.
    public var interpolationEvaluations: Int = 0
    /// The largest estimated interpolation error of the dense output over the intervals that
    /// hold an output time, in units of the tolerance (epsabs + epsrel |y|); 0 without
    /// interpolated outputs.
    public var interpolationErrorRatio: Double = 0

    /// Counters of a solve (the interpolation counters start at 0).
    public init(
        stepper: Stepper, acceptedSteps: Int = 0, attemptedSteps: Int = 0, rejectedSteps: Int = 0,
        rhsEvaluations: Int = 0, jacobianEvaluations: Int = 0
    ) {
        self.stepper = stepper
        self.acceptedSteps = acceptedSteps
        self.attemptedSteps = attemptedSteps
        self.rejectedSteps = rejectedSteps
        self.rhsEvaluations = rhsEvaluations
        self.jacobianEvaluations = jacobianEvaluations
    }
}

/// States at the requested output times.
public struct Solution: Sendable {
    /// Number of state variables.
    public let dimension: Int
    /// Output times reached, in order.
    public internal(set) var times: [Double]
    /// States, row-major: `states[k * dimension + i]` is variable i at `times[k]`.
    public internal(set) var states: [Double]
    /// The time the integration reached (the last good step on failure).
    public internal(set) var tReached: Double
    /// The state at ``tReached``.
    public internal(set) var finalState: [Double]
    /// The work done to produce this solution.
    public internal(set) var statistics: SolverStatistics
    /// The events that occurred, in the order of ``ODEEvent``s given to the solve (an event
    /// that never occurred is absent).
    public internal(set) var events: [EventOccurrence] = []

    /// A solution made of the given rows (what the solver returns; for tests and adapters).
    public init(
        dimension: Int, times: [Double] = [], states: [Double] = [], tReached: Double,
        finalState: [Double], statistics: SolverStatistics
    ) {
        self.dimension = dimension
        self.times = times
        self.states = states
        self.tReached = tReached
        self.finalState = finalState
        self.statistics = statistics
    }

    /// The state at output index `k`.
    public func state(_ k: Int) -> ArraySlice<Double> {
        states[(k * dimension)..<((k + 1) * dimension)]
    }

    /// The trajectory of variable `i` over the output times.
    public func component(_ i: Int) -> [Double] {
        (0..<times.count).map { states[$0 * dimension + i] }
    }

    mutating func append(time: Double, state: UnsafeBufferPointer<Double>) {
        times.append(time)
        states.append(contentsOf: state)
    }
}

/// A solve that failed numerically, with what it reached.
public struct IntegrationError: Error, CustomStringConvertible {
    /// Why the integration stopped, with GSL's status code where it gave one; ``status`` is the
    /// reason as the output files record it.
    public enum Reason: Sendable, Equatable {
        /// GSL_FAILURE: the step size could not be reduced further (e.g. a singularity).
        case failure
        /// More than `maxSteps` accepted steps (GSL_EMAXITER in GSL's driver).
        case maxSteps
        /// The step size fell below `minStep` (GSL_ENOPROG).
        case noProgress
        /// GSL_EBADFUNC, or another GSL status, from inside the stepper.
        case gslStatus(Int32)
        /// A state or derivative became NaN or infinite.
        case nonFinite
        /// The right-hand side or Jacobian threw; see ``IntegrationError/underlying``.
        case userFunction
    }

    /// Why the integration stopped.
    public let reason: Reason
    /// What happened and where, in one sentence (with the GSL status where there is one).
    public let message: String
    /// Rows up to the last good output time, `tReached` and the statistics so far.
    public let partial: Solution
    /// The error thrown by the user's function, for ``Reason/userFunction``.
    public let underlying: (any Error)?

    /// The time of the last good step.
    public var tReached: Double { partial.tReached }

    /// The ``message``.
    public var description: String { message }
}

/// A solve refused before GSL was called: an ``InputError`` naming the setting at fault in
/// problem-file terms (`solver.stepper`, `solver.epsabs`, `time.end`, `initial`, ...) and how to
/// fix it.
public typealias SolverConfigurationError = InputError
