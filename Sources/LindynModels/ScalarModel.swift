import Foundation
import LindynIntegrator

/// The scalar network yhat = w2 w1 x on one example (x, y), loss
/// L = 1/2 (y - w2 w1 x)^2 + (lambda/2)(w1^2 + w2^2), flow tau w' = -dL/dw.
///
/// Balanced start (w1 = w2 > 0): u = w1 w2 follows the logistic law tau u' = 2u(a - b u) with
/// a = x y - lambda, b = x^2. Unbalanced start without decay: the hyperbolic solution, with
/// w2^2 - w1^2 conserved.
public struct ScalarModel: Dynamics {
    /// The input x (non-zero).
    public var x: Double
    /// The target y.
    public var y: Double
    /// The first weight's start.
    public var w1: Double
    /// The second weight's start.
    public var w2: Double
    /// Weight decay lambda >= 0.
    public var weightDecay: Double
    /// tau = 1 / learning rate.
    public var tauValue: Double

    /// The scalar network on (x, y) from (w1, w2), with the problem file's defaults x = y = 1,
    /// no decay, tau = 1.
    public init(x: Double = 1, y: Double = 1, w1: Double, w2: Double, weightDecay: Double = 0, tau: Double = 1) {
        self.x = x
        self.y = y
        self.w1 = w1
        self.w2 = w2
        self.weightDecay = weightDecay
        self.tauValue = tau
    }

    public var kind: String { "scalar" }
    public var stateNames: [String] { ["w1", "w2"] }
    public var observableNames: [String] { ["u"] }
    public var initialState: [Double] { [w1, w2] }
    public var tau: Double? { tauValue }

    /// The flow as a concrete system (what the benchmarks time).
    public struct Flow: ODESystem {
        /// The example (x, y), the decay lambda and 1/tau.
        public let x, y, lambda, invTau: Double
        public var dimension: Int { 2 }
        public var providesJacobian: Bool { true }

        @inline(__always)
        public func rightHandSide(t: Double, y w: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            // Each value is read where it is used, and dydt[0] is written before w[0] is read
            // again: the two weights are then loaded one by one. (Read up front, the pair is
            // loaded as one 16-byte vector, which cannot be forwarded from the stepper's two
            // 8-byte stores just before the call: a stall of about 10 cycles a call.)
            let e = y - w[1] * w[0] * x
            if lambda == 0 {
                // One product after the residual e, as in hand-written C.
                dydt[0] = invTau * w[1] * x * e
                dydt[1] = invTau * w[0] * x * e
            } else {
                dydt[0] = (w[1] * x * e - lambda * w[0]) * invTau
                dydt[1] = (w[0] * x * e - lambda * w[1]) * invTau
            }
        }

        public func jacobian(t: Double, y w: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            let e = y - w[1] * w[0] * x
            let cross = x * (e - w[0] * w[1] * x) * invTau
            dfdy[0] = (-(w[1] * x) * (w[1] * x) - lambda) * invTau
            dfdy[1] = cross
            dfdy[2] = cross
            dfdy[3] = (-(w[0] * x) * (w[0] * x) - lambda) * invTau
            dfdt[0] = 0
            dfdt[1] = 0
        }
    }

    /// The flow as a concrete system.
    public var flow: Flow { Flow(x: x, y: y, lambda: weightDecay, invTau: 1 / tauValue) }

    public func makeFlow() throws(InputError) -> FlowInstance {
        FlowInstance(system: flow) { w, out in out[0] = w[0] * w[1] }
    }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        EulerDescent(flow: try makeFlow(), initial: initialState, weightNames: stateNames, observableNames: observableNames, tau: tauValue)
    }
}

/// A deep scalar chain yhat = a_D ... a_1 x (one mode of a deep linear network, whitened),
/// L = 1/2 (s - u)^2 + (lambda/2) sum a_l^2 with u = prod a_l; tau a_l' = (prod_{i != l} a_i)(s - u) - lambda a_l.
/// A balanced start (all a_l equal) gives tau u' = D u^{2-2/D}(s - u) - D lambda u.
public struct ChainModel: Dynamics {
    /// The target s of the product u.
    public var s: Double
    /// The layers' starting values a_1 ... a_D.
    public var initialWeights: [Double]
    /// Weight decay lambda >= 0.
    public var weightDecay: Double
    /// tau = 1 / learning rate.
    public var tauValue: Double

    /// A chain of `initialWeights.count` layers starting at those values.
    /// - Throws: `ArgumentError` naming `initialWeights` (1 to 1000 finite values), `s`,
    ///   `weightDecay` (>= 0) or `tau` (> 0).
    public init(s: Double, initialWeights: [Double], weightDecay: Double = 0, tau: Double = 1) throws(ArgumentError) {
        guard !initialWeights.isEmpty, initialWeights.count <= 1000 else {
            throw ArgumentError(argument: "initialWeights", message: "expected 1 to 1000 layer values (one per layer), got \(initialWeights.count)")
        }
        try BuilderCheck.finiteValues(initialWeights, "initialWeights")
        try BuilderCheck.finite(s, "s")
        try BuilderCheck.nonNegative(weightDecay, "weightDecay")
        try BuilderCheck.positive(tau, "tau")
        self.s = s
        self.initialWeights = initialWeights
        self.weightDecay = weightDecay
        self.tauValue = tau
    }

    /// The depth D (the number of layers).
    public var depth: Int { initialWeights.count }
    public var kind: String { "chain" }
    public var stateNames: [String] { (1...depth).map { "a\($0)" } }
    public var observableNames: [String] { ["u"] }
    public var initialState: [Double] { initialWeights }
    public var tau: Double? { tauValue }
    /// True when every layer starts at the same value (the closed forms need it).
    public var isBalanced: Bool { initialWeights.allSatisfy { $0 == initialWeights[0] } }

    /// The chain's flow. Products of all-but-one factor use prefix and suffix products (no
    /// division, so a zero weight is fine) in buffers allocated once.
    ///
    /// `inputVariance` c scales the fit term, L = -s u + (c/2) u^2 + decay (the chain behind a
    /// ``ModeModel`` mode whose input is not whitened); 1 for the chain model itself.
    public final class Flow: ODESystem {
        /// The target s, the decay lambda and 1/tau.
        public let s, lambda, invTau: Double
        /// The input variance c scaling the fit term.
        public let inputVariance: Double
        public let dimension: Int
        private let prefix: UnsafeMutablePointer<Double>
        private let suffix: UnsafeMutablePointer<Double>

        /// A chain flow of `depth` layers (buffers for the products allocated here, once).
        public init(depth: Int, s: Double, lambda: Double, tau: Double, inputVariance: Double = 1) {
            self.dimension = depth
            self.s = s
            self.lambda = lambda
            self.inputVariance = inputVariance
            self.invTau = 1 / tau
            prefix = .allocate(capacity: depth + 1)
            suffix = .allocate(capacity: depth + 1)
            prefix.initialize(repeating: 1, count: depth + 1)
            suffix.initialize(repeating: 1, count: depth + 1)
        }

        deinit {
            prefix.deallocate()
            suffix.deallocate()
        }

        public var providesJacobian: Bool { true }

        @inline(__always)
        func products(_ a: UnsafePointer<Double>) {
            let d = dimension
            prefix[0] = 1
            for i in 0..<d { prefix[i + 1] = prefix[i] * a[i] }
            suffix[d] = 1
            for i in stride(from: d - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] * a[i] }
        }

        /// Prefix products go into `dydt` and a running suffix product sweeps back, so no buffer
        /// is touched (the same products, in the same order, as `products`).
        public func rightHandSide(t: Double, y a: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            let d = dimension
            var prefix = 1.0
            for l in 0..<d {
                dydt[l] = prefix
                prefix *= a[l]
            }
            let e = s - inputVariance * prefix
            var suffix = 1.0
            var l = d
            while l > 0 {
                l -= 1
                let others = dydt[l] * suffix
                suffix *= a[l]
                dydt[l] = (others * e - lambda * a[l]) * invTau
            }
        }

        public func jacobian(t: Double, y a: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            products(a)
            let d = dimension
            let c = inputVariance
            let e = s - c * prefix[d]
            for l in 0..<d {
                let pl = prefix[l] * suffix[l + 1]
                for m in 0..<d {
                    if m == l {
                        dfdy[l * d + m] = (-c * pl * pl - lambda) * invTau
                    } else {
                        // product over all factors but l and m
                        var plm = 1.0
                        for i in 0..<d where i != l && i != m { plm *= a[i] }
                        let pm = prefix[m] * suffix[m + 1]
                        dfdy[l * d + m] = (plm * e - c * pl * pm) * invTau
                    }
                }
                dfdt[l] = 0
            }
        }
    }

    public func makeFlow() throws(InputError) -> FlowInstance {
        let d = depth
        return FlowInstance(system: Flow(depth: d, s: s, lambda: weightDecay, tau: tauValue)) { a, out in
            var u = 1.0
            for i in 0..<d { u *= a[i] }
            out[0] = u
        }
    }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        EulerDescent(flow: try makeFlow(), initial: initialState, weightNames: stateNames, observableNames: observableNames, tau: tauValue)
    }
}
