/// How a solve produces the states at its output times.
public enum OutputMode: String, CaseIterable, Sendable, Codable, Hashable {
    /// Steps run freely to the end; each output state is interpolated: for rk8pd on the step's
    /// own continuous extension (from its stages; a step whose estimated interpolation error
    /// exceeds the tolerance is taken again, shorter), for the other steppers with a Hermite
    /// polynomial through the states and derivatives of up to four consecutive steps (see
    /// ``Stepper/denseOutputNodes``). The interpolation error is estimated on every step or
    /// interval that holds an output, and the step size is capped so that the estimate stays
    /// within the tolerance: steps grow no larger than the interpolant allows, whatever the
    /// number of outputs (the largest estimate is reported in
    /// ``SolverStatistics/interpolationErrorRatio``; above 1 it flags outputs less accurate than
    /// the tolerance).
    case dense
    /// As ``dense`` without the cap: the steps are exactly those of a solve with no interior
    /// outputs, and the interpolation error (estimated and reported, not controlled) can exceed
    /// the tolerance for high-order steppers that take long steps.
    case interpolate
    /// Every output time is hit exactly: the step before it is shortened to land on it, so the
    /// number of steps grows with the number of outputs (GSL's driver behaviour).
    case land
}

/// How the error ratios r_i = |err_i| / (epsabs + epsrel (a_y |y_i| + a_dydt h |y'_i|)) of a
/// step are combined into the one number the step controller sees.
public enum ErrorNorm: String, CaseIterable, Sendable, Codable, Hashable {
    /// max_i r_i: GSL's standard control.
    case max
    /// sqrt(mean_i r_i^2): the scaled root-mean-square norm of Hairer's codes (Hairer, Norsett
    /// and Wanner, *Solving ODEs I*, section II.4), which lets a few components carry a larger
    /// error when the others are well inside the tolerance.
    case rms
}

/// How the next step size is chosen from the combined error E of a step.
public enum StepController: String, CaseIterable, Sendable, Codable, Hashable {
    /// GSL's standard rule: reject when E > 1.1 and shrink by max(0.2, 0.9 E^(-1/q)); grow by
    /// min(5, max(1, 0.9 E^(-1/(q+1)))) when E < 0.5; otherwise keep h (q: the stepper's order).
    case standard
    /// A proportional-integral controller (Gustafsson; Hairer and Wanner, *Solving ODEs II*,
    /// section IV.2; Söderlind 2002): reject when E > 1 and shrink by max(0.2, 0.9 E^(-1/k));
    /// on acceptance multiply h by 0.9 E^(-0.7/k) E_prev^(0.4/k), clamped to [0.2, 5], where
    /// k = q + 1 and E_prev is the error of the previous accepted step (at least 1e-4).
    case pi
    /// An integral controller, the default of diffrax's `PIDController` (Hairer, Norsett and
    /// Wanner, *Solving ODEs I*, section II.4): reject when E > 1 and shrink by
    /// max(0.2, 0.9 E^(-1/q)); on acceptance multiply h by 0.9 E^(-1/q) clamped to [1, 10], so an
    /// accepted step is never followed by a shorter one (q: the stepper's order as GSL reports it,
    /// 8 for rk8pd).
    case integral
}

extension StepController {
    /// The code of the control type in `Sources/CGSL/shim.h` (0 standard, 1 pi, 2 integral).
    package var controlCode: Int32 {
        switch self {
        case .standard: 0
        case .pi: 1
        case .integral: 2
        }
    }
}

/// A level crossing to locate during a solve: the first time `function(state)` crosses
/// `level` in `direction`, found by root finding on the dense output.
public struct ODEEvent {
    /// Which way the crossing goes.
    public enum Direction: String, CaseIterable, Sendable, Codable, Hashable {
        /// From below the level to at or above it.
        case up
        /// From above the level to at or below it.
        case down
        /// Either way.
        case either
    }

    /// The name reported with the occurrence.
    public var name: String
    /// The level crossed.
    public var level: Double
    /// Which crossings count.
    public var direction: Direction
    /// The watched quantity as a function of the state (called with `dimension` values).
    public var function: (UnsafePointer<Double>) -> Double

    /// An event named `name`: `function(state)` crossing `level` in `direction`.
    public init(name: String, level: Double, direction: Direction = .either, function: @escaping (UnsafePointer<Double>) -> Double) {
        self.name = name
        self.level = level
        self.direction = direction
        self.function = function
    }
}

/// Where an ``ODEEvent`` first happened.
public struct EventOccurrence: Sendable, Hashable, Codable {
    /// The event's name.
    public var name: String
    /// The crossing time, located to about 1e-13 relative accuracy on the interpolant.
    public var time: Double
    /// The interpolated state at ``time``.
    public var state: [Double]

    /// An occurrence of the event `name` at `time`, in `state`.
    public init(name: String, time: Double, state: [Double]) {
        self.name = name
        self.time = time
        self.state = state
    }
}

extension Stepper {
    /// The number of consecutive accepted steps whose states and derivatives the dense output's
    /// Hermite interpolant passes through: 2 (cubic, error O(h^4)) for methods of order <= 3,
    /// 3 (quintic, O(h^6)) for order 4-5 and the BDF method, 4 (degree 7, O(h^8)) for rk8pd,
    /// bsimp and msadams. The interpolation error is then of the order of the method's own
    /// global error (measured in Notes/integrator.md).
    public var denseOutputNodes: Int {
        switch self {
        case .rk2, .rk1imp, .rk2imp: 2
        case .rk4, .rkf45, .rkck, .rk4imp, .msbdf: 3
        case .rk8pd, .bsimp, .msadams: 4
        }
    }
}
