import Foundation

/// Expected (mask-averaged) dynamics of one mode of a two-layer linear network trained with
/// dropout on the hidden units, keep probability `p`, masks resampled every step.
///
/// Averaging the loss over the Bernoulli mask `d`:
/// `E_d[1/2 ||y - W2 diag(d) W1 x||^2] = 1/2 ||y - p W2 W1 x||^2 + 1/2 p(1-p) sum_i ||w2_i||^2 (w1_i^T x)^2`,
/// and on a balanced mode the flow of that expected loss is a ``LogisticLaw`` (coefficients in
/// ``TwoLayerCase``). Conventions: loss with 1/2, whitened input, `tau = 1/learningRate`, `t` in
/// epochs. Sources: Srivastava et al. JMLR 2014 Sec. 9.1; Mianjy, Arora, Vidal ICML 2018;
/// derivation in `Notes/dropout.md`.
public struct DropoutMode: Sendable, Hashable {
    /// How the mask is applied.
    public enum Variant: Sendable, Hashable {
        /// `yhat = W2 diag(d) W1 x`; test-time output scaled by `p`.
        case standard
        /// `yhat = W2 diag(d/p) W1 x`; no rescaling at test time.
        case inverted
        /// Standard dropout with the mode spread evenly over `units` hidden units.
        case spread(units: Int)
    }

    /// Singular value `s > 0` of the mode (whitened input).
    public let s: Double
    /// Keep probability `p` in (0, 1].
    public let keepProbability: Double
    /// Standard, inverted or spread over `K` units.
    public let variant: Variant
    /// Time constant `tau = 1/learningRate` (epochs).
    public let tau: Double
    /// The expected-dynamics logistic law of the training-time mode strength `u`.
    public let law: LogisticLaw

    /// - Throws: `invalidParameter` naming `s`, `keepProbability`, `units` or `tau`.
    public init(s: Double, keepProbability: Double, variant: Variant = .standard, tau: Double)
        throws(TheoryError)
    {
        self.s = s
        self.keepProbability = keepProbability
        self.variant = variant
        self.tau = tau
        self.law = try LogisticLaw(DropoutMode._case(s, keepProbability, variant), tau: tau)
    }

    private static func _case(_ s: Double, _ p: Double, _ v: Variant) -> TwoLayerCase {
        switch v {
        case .standard: return .dropout(s: s, keepProbability: p)
        case .inverted: return .invertedDropout(s: s, keepProbability: p)
        case .spread(let k): return .dropoutSpread(s: s, keepProbability: p, units: k)
        }
    }

    /// The corresponding ``TwoLayerCase``.
    public var twoLayerCase: TwoLayerCase { DropoutMode._case(s, keepProbability, variant) }

    /// Training-time fixed point `a/b`: `s` (standard), `p s` (inverted), `s/kappa` (spread,
    /// `kappa = p + (1-p)/K`).
    public var fixedPoint: Double { law.a / law.b }

    /// Test-time output strength at the fixed point: `p s` (standard), `p s` (inverted),
    /// `p s/kappa` (spread).
    public var testOutputFixedPoint: Double { twoLayerCase.testOutputFactor * fixedPoint }

    /// Training-time strength `u(t)` of the expected dynamics (``LogisticLaw/value(at:from:)``).
    public func value(at t: Double, from u0: Double) throws(TheoryError) -> Double {
        try law.value(at: t, from: u0)
    }

    /// Test-time output strength `testOutputFactor * u(t)` (`p u` for standard/spread, `u` for
    /// inverted dropout).
    public func testOutput(at t: Double, from u0: Double) throws(TheoryError) -> Double {
        twoLayerCase.testOutputFactor * (try law.value(at: t, from: u0))
    }

    /// The learning-time bound `(tau/a) ln(u*/epsilon)`: for standard dropout
    /// `(tau/(s p)) ln(s/epsilon)`, i.e. the `O(tau/(s p))` slow-down; `(tau/s) ln(p s/epsilon)`
    /// for inverted dropout; `(tau/(s p)) ln(s/(kappa epsilon))` for a spread mode.
    /// - Throws: `invalidParameter` unless `0 < epsilon < u*/2`.
    public func learningTimeBound(epsilon: Double) throws(TheoryError) -> Double {
        try law.learningTimeBound(epsilon: epsilon)
    }

    /// The exact counterpart of the bound: the time from `epsilon` to `u* - epsilon` of the
    /// expected law, `(tau/a) ln((u* - epsilon)/epsilon)` (standard: `(tau/(p s)) ln((s - eps)/eps)`).
    public func exactLearningTime(epsilon: Double) throws(TheoryError) -> Double {
        try law.symmetricLearningTime(epsilon: epsilon)
    }
}
