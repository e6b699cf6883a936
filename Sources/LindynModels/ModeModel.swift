import Foundation
import LindynIntegrator

/// Dropout on the hidden units that carry a mode: keep probability p, standard (mask d) or
/// inverted (mask d/p), the mode spread over `units` hidden units.
public struct DropoutSettings: Sendable, Hashable {
    /// The keep probability p, in (0, 1].
    public var keep: Double
    /// Inverted dropout (kept units scaled by 1/p) instead of standard.
    public var inverted: Bool
    /// The number K of hidden units the mode is spread over (at least 1).
    public var units: Int

    /// Dropout with keep probability `keep` (standard unless `inverted`) over `units` units.
    public init(keep: Double, inverted: Bool = false, units: Int = 1) {
        self.keep = keep
        self.inverted = inverted
        self.units = units
    }

    /// E[m]: p for standard dropout, 1 for inverted.
    public var maskMean: Double { inverted ? 1 : keep }
    /// Var[m]: p(1 - p) for standard dropout, (1 - p)/p for inverted.
    public var maskVariance: Double { inverted ? (1 - keep) / keep : keep * (1 - keep) }
    /// Draws one mask value.
    @inline(__always)
    func draw(_ g: inout SeededGenerator) -> Double {
        g.uniform() < keep ? (inverted ? 1 / keep : 1) : 0
    }
}

/// One balanced, decoupled mode of a linear network (whitened input along the mode, so the mode
/// sees cross-correlation s and input variance `inputVariance`, 1 when whitened).
///
/// Depth 2: tau u' = 2u(a - b u) with
///   a = s E[m] - lambda,   b = c (E[m]^2 + Var[m]/K),   c = inputVariance + N sigma^2,
/// which gives every two-layer row of the theory: plain (a = s, b = 1), weight decay
/// (a = s - lambda), standard dropout (a = p s, b = p kappa c, kappa = p + (1-p)/K), inverted
/// dropout (a = s, b = c kappa/p), input noise of variance sigma^2 over N samples (b = 1 + N sigma^2).
/// Depth D != 2: tau u' = D u^{2-2/D}(s - c u) - D lambda u (no dropout or noise, so
/// c = inputVariance).
///
/// The descent runs on the weights behind the mode: K units a_k, b_k starting at sqrt(u0/K) for
/// depth 2, or the chain a_1..a_D starting at u0^{1/D} with the same c.
public struct ModeModel: Dynamics {
    /// The mode's cross-correlation strength s.
    public var s: Double
    /// The initial mode strength u0 > 0 (a balanced start).
    public var u0: Double
    /// The network depth D (the number of weight layers behind the mode).
    public var depth: Int
    /// Weight decay lambda >= 0.
    public var weightDecay: Double
    /// Dropout on the mode's hidden units (depth 2 only); nil for none.
    public var dropout: DropoutSettings?
    /// Input-noise variance sigma^2 (depth 2 only).
    public var noiseVariance: Double
    /// The sample count N that scales the input noise.
    public var samples: Double
    /// The input variance along the mode (1 when whitened).
    public var inputVariance: Double
    /// tau = 1 / learning rate.
    public var tauValue: Double

    /// A mode with the problem file's defaults: depth 2, no decay, dropout or noise, one
    /// sample, whitened input, tau = 1.
    /// - Throws: `ArgumentError` naming the argument at fault: `u0` (> 0), `depth` (1 to
    ///   1000), `dropout` and `noiseVariance` (depth 2 only), `weightDecay`, `samples`,
    ///   `inputVariance` or `tau`.
    public init(
        s: Double, u0: Double, depth: Int = 2, weightDecay: Double = 0, dropout: DropoutSettings? = nil,
        noiseVariance: Double = 0, samples: Double = 1, inputVariance: Double = 1, tau: Double = 1
    ) throws(ArgumentError) {
        self.s = s
        self.u0 = u0
        self.depth = depth
        self.weightDecay = weightDecay
        self.dropout = dropout
        self.noiseVariance = noiseVariance
        self.samples = samples
        self.inputVariance = inputVariance
        self.tauValue = tau
        try check()
    }

    /// Refuses values the flow and the descent cannot run with (the properties are mutable, so
    /// ``makeFlow()`` and ``makeDescent(_:)`` check again).
    func check() throws(ArgumentError) {
        try BuilderCheck.finite(s, "s")
        try BuilderCheck.positive(u0, "u0")
        guard depth >= 1, depth <= 1000 else { throw ArgumentError(argument: "depth", message: "must be between 1 and 1000, got \(depth)") }
        try BuilderCheck.nonNegative(weightDecay, "weightDecay")
        try BuilderCheck.nonNegative(noiseVariance, "noiseVariance")
        if depth != 2 && (dropout != nil || noiseVariance != 0) {
            throw ArgumentError(
                argument: dropout != nil ? "dropout" : "noiseVariance",
                message: "dropout and input noise are defined for depth-2 modes only (depth is \(depth))")
        }
        try BuilderCheck.dropout(dropout, depth: 2, allowUnits: true)
        try BuilderCheck.samples(samples)
        try BuilderCheck.positive(inputVariance, "inputVariance")
        try BuilderCheck.positive(tauValue, "tau")
    }

    public var kind: String { "mode" }
    public var stateNames: [String] { ["u"] }
    public var observableNames: [String] { [] }
    public var initialState: [Double] { [u0] }
    public var tau: Double? { tauValue }

    /// Effective input variance c = inputVariance + N sigma^2.
    public var effectiveInputVariance: Double { inputVariance + samples * noiseVariance }

    /// The logistic coefficients (a, b) of the depth-2 law tau u' = 2u(a - b u).
    public var logisticCoefficients: (a: Double, b: Double) {
        let mean = dropout?.maskMean ?? 1
        let variance = dropout?.maskVariance ?? 0
        let units = Double(dropout?.units ?? 1)
        return (s * mean - weightDecay, effectiveInputVariance * (mean * mean + variance / units))
    }

    /// The reduced flow on u.
    public struct Flow: ODESystem {
        /// The depth D.
        public let depth: Int
        /// The logistic coefficients a and b (depth 2), the strength s, the decay lambda and 1/tau.
        public let a, b, s, lambda, invTau: Double
        public var dimension: Int { 1 }
        public var providesJacobian: Bool { true }

        @inline(__always)
        public func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            if depth == 2 && b == 1 {
                // The common two-layer mode, 2 u (a - u) / tau, as hand-written C has it: (2/tau) u
                // beside the subtraction, then one product, the latency each explicit stage
                // waits for. A real branch (the other case is a call), so no select lengthens it.
                let u = y[0]
                dydt[0] = invTau * 2 * u * (a - u)
            } else {
                Self.generalRightHandSide(y, dydt, depth: depth, a: a, b: b, s: s, lambda: lambda, invTau: invTau)
            }
        }

        /// Every other case, out of line so that the common one needs no stack frame. A static
        /// function of the coefficients in registers that writes the result itself: a method
        /// would take the flow (six words) by address, which GSL's callback copied to the stack
        /// on every call, and a returned value would keep `dydt` in a saved register.
        @inline(never)
        static func generalRightHandSide(
            _ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>, depth: Int, a: Double, b: Double, s: Double,
            lambda: Double, invTau: Double
        ) {
            let u = y[0]
            if depth == 2 {
                dydt[0] = 2 * u * (a - b * u) * invTau
                return
            }
            let d = Double(depth)
            dydt[0] = (d * pow(u, 2 - 2 / d) * (s - b * u) - d * lambda * u) * invTau
        }

        public func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            let u = y[0]
            if depth == 2 {
                dfdy[0] = (2 * a - 4 * b * u) * invTau
            } else {
                let d = Double(depth)
                dfdy[0] = (d * ((2 - 2 / d) * pow(u, 1 - 2 / d) * (s - b * u) - b * pow(u, 2 - 2 / d)) - d * lambda) * invTau
            }
            dfdt[0] = 0
        }
    }

    /// The reduced flow on u as a concrete system (what the benchmarks time).
    public var flow: Flow {
        let (a, b) = logisticCoefficients
        return Flow(depth: depth, a: a, b: b, s: s, lambda: weightDecay, invTau: 1 / tauValue)
    }

    public func makeFlow() throws(InputError) -> FlowInstance {
        try check()
        return FlowInstance(system: flow) { _, _ in }
    }

    /// Names of the descent's weights: a1..aK, b1..bK (depth 2) or a1..aD.
    public var weightNames: [String] {
        if depth == 2 {
            let k = dropout?.units ?? 1
            if k == 1 { return ["a", "b"] }
            return (1...k).map { "a\($0)" } + (1...k).map { "b\($0)" }
        }
        return (1...depth).map { "a\($0)" }
    }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        try check()
        if depth != 2 {
            let start = Array(repeating: pow(u0, 1 / Double(depth)), count: depth)
            let d = depth
            let flow = FlowInstance(
                system: ChainModel.Flow(depth: d, s: s, lambda: weightDecay, tau: tauValue, inputVariance: effectiveInputVariance)
            ) { a, out in
                var u = 1.0
                for i in 0..<d { u *= a[i] }
                out[0] = u
            }
            return EulerDescent(flow: flow, initial: start, weightNames: weightNames, observableNames: ["u"], tau: tauValue)
        }
        return ModeUnitsDescent(model: self, options: options)
    }
}

/// Gradient descent on the K hidden units behind a depth-2 mode, on the loss
///   L_m = -s sum_k m_k a_k b_k + (c/2)(sum_k m_k a_k b_k)^2 + (lambda/2) sum_k (a_k^2 + b_k^2),
/// whose expectation over the masks m is the expected-dynamics loss of ``ModeModel``. With
/// `monteCarlo` the masks are drawn fresh every epoch; otherwise the expected loss is descended.
final class ModeUnitsDescent: DescentProcess {
    let weightNames: [String]
    let observableNames = ["u"]
    let learningRate: Double
    let units: Int
    let s, c, lambda: Double
    let dropout: DropoutSettings?
    let monteCarlo: Bool
    var generator: SeededGenerator
    var a: [Double]
    var b: [Double]
    var mask: [Double]

    init(model: ModeModel, options: DescentOptions) {
        units = model.dropout?.units ?? 1
        weightNames = model.weightNames
        learningRate = 1 / model.tauValue
        s = model.s
        c = model.effectiveInputVariance
        lambda = model.weightDecay
        dropout = model.dropout
        monteCarlo = options.monteCarlo && model.dropout != nil
        generator = SeededGenerator(seed: options.seed)
        let start = (model.u0 / Double(units)).squareRoot()
        a = Array(repeating: start, count: units)
        b = Array(repeating: start, count: units)
        mask = Array(repeating: model.dropout?.maskMean ?? 1, count: units)
    }

    var weights: [Double] { a + b }

    func step(epoch: Int) throws {
        let alpha = learningRate
        if monteCarlo, let dropout {
            for k in 0..<units { mask[k] = dropout.draw(&generator) }
            var out = 0.0
            for k in 0..<units { out += mask[k] * a[k] * b[k] }
            let g = -s + c * out
            for k in 0..<units {
                let ga = mask[k] * b[k] * g + lambda * a[k]
                let gb = mask[k] * a[k] * g + lambda * b[k]
                a[k] -= alpha * ga
                b[k] -= alpha * gb
            }
        } else {
            let mean = dropout?.maskMean ?? 1
            let variance = dropout?.maskVariance ?? 0
            var total = 0.0
            for k in 0..<units { total += a[k] * b[k] }
            for k in 0..<units {
                let g = -s * mean + c * mean * mean * total + c * variance * a[k] * b[k]
                let ga = b[k] * g + lambda * a[k]
                let gb = a[k] * g + lambda * b[k]
                a[k] -= alpha * ga
                b[k] -= alpha * gb
            }
        }
    }

    func largestMagnitude() -> Double {
        max(a.withUnsafeBufferPointer(_largestMagnitude), b.withUnsafeBufferPointer(_largestMagnitude))
    }

    func observables(into out: UnsafeMutablePointer<Double>) {
        var u = 0.0
        for k in 0..<units { u += a[k] * b[k] }
        out[0] = u
    }
}
