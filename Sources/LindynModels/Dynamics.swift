import Foundation
import LindynIntegrator

/// Dynamics ready to run: the ODE that `lindyn solve` integrates, the discrete descent that
/// `lindyn descend` runs, and the names of the columns both print.
///
/// Conventions (every built-in model and loss): the loss carries the factor 1/2, tau = 1/learning
/// rate, t is measured in full-batch epochs, and the flow is tau dw/dt = -dL/dw.
public protocol Dynamics: Sendable {
    /// `system`, `loss`, or the model kind (`scalar`, `chain`, `mode`, `network`, `autoencoder`).
    var kind: String { get }
    /// Names of the integrated state variables, in state order.
    var stateNames: [String] { get }
    /// Names of the observables computed from the state (may be empty).
    var observableNames: [String] { get }
    /// The state at the start time.
    var initialState: [Double] { get }
    /// tau for gradient flows; nil for a plain ODE system (which has no descent).
    var tau: Double? { get }
    /// A fresh ODE system and observer; one per concurrent solve.
    /// - Throws: `InputError` naming the model value that cannot be integrated (for a model
    ///   built in Swift whose values were changed after its builder checked them).
    func makeFlow() throws(InputError) -> FlowInstance
    /// A fresh discrete gradient descent.
    /// - Throws: `InputError` for systems that are not gradient flows (field `system`), or
    ///   naming the model value that cannot be run.
    func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess
}

extension Dynamics {
    /// Whether the descent draws dropout masks (Monte-Carlo runs differ only then).
    public var hasDropout: Bool {
        (self as? ModeModel)?.dropout != nil || (self as? NetworkModel)?.dropout != nil
            || (self as? TeacherNetworkModel)?.network.dropout != nil
    }
}

/// One solve's worth of system and observables (not shared across threads).
public struct FlowInstance {
    /// The system GSL integrates.
    public let system: any ODESystem
    /// Writes the observables of a state.
    public let observe: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void

    /// A flow made of a system and the function that computes its observables.
    public init(system: any ODESystem, observe: @escaping (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) {
        self.system = system
        self.observe = observe
    }
}

/// Settings of a discrete gradient-descent run (the `descent` object of a problem file).
public struct DescentOptions: Sendable, Hashable {
    /// Independent runs averaged together (Monte-Carlo dropout). Each run's generator is seeded
    /// from `seed` and the run index.
    public var runs: Int
    /// Seed of the dropout masks and of any random initial weights (default 1).
    public var seed: UInt64
    /// Resample Bernoulli dropout masks every epoch instead of descending the expected loss.
    public var monteCarlo: Bool
    /// A weight larger than this in magnitude (or non-finite) stops the run as diverged.
    public var divergenceThreshold: Double

    /// The defaults of a problem file without `descent`: one deterministic run, seed 1, the
    /// expected loss, divergence past 1e100.
    public init(runs: Int = 1, seed: UInt64 = 1, monteCarlo: Bool = false, divergenceThreshold: Double = 1e100) {
        self.runs = runs
        self.seed = seed
        self.monteCarlo = monteCarlo
        self.divergenceThreshold = divergenceThreshold
    }
}

/// A discrete full-batch gradient descent, one epoch per `step`.
public protocol DescentProcess: AnyObject {
    /// Names of the weights (the descent's state).
    var weightNames: [String] { get }
    /// Names of the observables written after the weights in each row.
    var observableNames: [String] { get }
    /// Learning rate alpha = 1/tau.
    var learningRate: Double { get }
    /// Current weights.
    var weights: [Double] { get }
    /// One epoch: w <- w - alpha grad L (with freshly drawn masks for Monte-Carlo dropout).
    func step(epoch: Int) throws
    /// Observables of the current weights.
    func observables(into out: UnsafeMutablePointer<Double>)
    /// The largest |weight| (NaN or infinity when a weight is not finite): the divergence test.
    func largestMagnitude() -> Double
}

/// Gradient descent as the forward-Euler step of the flow with a step of one epoch:
/// for tau dw/dt = -dL/dw and alpha = 1/tau, w + 1 * f(w) = w - alpha dL/dw exactly.
public final class EulerDescent: DescentProcess {
    /// Names of the weights (the flow's state names).
    public let weightNames: [String]
    /// Names of the observables.
    public let observableNames: [String]
    /// alpha = 1/tau.
    public let learningRate: Double
    private let flow: FlowInstance
    private let w: UnsafeMutableBufferPointer<Double>
    private let dw: UnsafeMutableBufferPointer<Double>

    /// Descent on `flow` from `initial` with learning rate 1/`tau`.
    public init(flow: FlowInstance, initial: [Double], weightNames: [String], observableNames: [String], tau: Double) {
        self.flow = flow
        self.weightNames = weightNames
        self.observableNames = observableNames
        self.learningRate = 1 / tau
        w = .allocate(capacity: initial.count)
        _ = w.initialize(from: initial)
        dw = .allocate(capacity: initial.count)
        dw.initialize(repeating: 0)
    }

    deinit {
        w.deallocate()
        dw.deallocate()
    }

    public var weights: [Double] { Array(w) }

    /// max |w_i| after the last step when every weight is finite (found during the update, so
    /// the divergence check needs no second pass over the weights); nil otherwise.
    private var magnitudeAfterStep: Double?

    public func step(epoch: Int) throws {
        try flow.system.rightHandSide(t: Double(epoch), y: UnsafePointer(w.baseAddress!), dydt: dw.baseAddress!)
        var scan = _MagnitudeScan()
        scan.update(w.baseAddress!, adding: dw.baseAddress!, decay: 0, count: w.count)
        magnitudeAfterStep = scan.largestMagnitude
    }

    public func observables(into out: UnsafeMutablePointer<Double>) {
        flow.observe(UnsafePointer(w.baseAddress!), out)
    }

    public func largestMagnitude() -> Double { magnitudeAfterStep ?? _largestMagnitude(UnsafeBufferPointer(w)) }
}

/// xoshiro256** seeded through SplitMix64: a small, fast, reproducible generator for dropout
/// masks and random initialisations (the same seed gives the same stream on every platform).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// The next 64 random bits: one xoshiro256** step (Blackman and Vigna, "Scrambled linear
    /// pseudorandom number generators", ACM Trans. Math. Softw. 47, 2021).
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal deviate (Box-Muller; one of the pair is discarded for simplicity).
    public mutating func normal() -> Double {
        var u = uniform()
        while u <= 0 { u = uniform() }
        let v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

/// max |x_i| over a buffer; NaN or infinity (whichever non-finite value comes first) when a
/// value is not finite. The scan has no early exit and runs in vector lanes
/// (`_MagnitudeScan`); the rare non-finite case is resolved by a second pass.
@inline(__always)
func _largestMagnitude(_ x: UnsafeBufferPointer<Double>) -> Double {
    guard let base = x.baseAddress else { return 0 }
    var scan = _MagnitudeScan()
    scan.scan(base, count: x.count)
    if let m = scan.largestMagnitude { return m }
    for v in x where !v.isFinite { return v.isNaN ? .nan : .infinity }
    return .nan  // not reached: the probe is NaN only when some value is not finite
}
