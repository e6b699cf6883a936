import Foundation

/// Full-batch gradient descent on one balanced mode of the logistic law, as an exact map.
///
/// GD with learning rate `alpha` is forward Euler on the flow with a unit step in epochs
/// (`tau = 1/alpha`). On a balanced two-layer mode (`w1 = w2 = w`, `u = w^2`) one step is
/// `w <- w (1 + alpha (a - b w^2))`, hence `u_{k+1} = u_k (1 + alpha (a - b u_k))^2` (no closed
/// form in general). Derivation in `Notes/gradient-descent.md`; the learning-rate limits it implies
/// are those discussed by Saxe et al. 2014, App. B.
public struct GradientDescentMode: Sendable, Hashable {
    /// Growth coefficient `a` of the mode's logistic law.
    public let a: Double
    /// Saturation coefficient `b >= 0`.
    public let b: Double
    /// Learning rate `alpha > 0` (per epoch; `alpha = 1/tau`).
    public let learningRate: Double

    /// - Throws: `invalidParameter` naming `a` (not finite), `b` (< 0) or `learningRate` (<= 0).
    public init(a: Double, b: Double, learningRate: Double) throws(TheoryError) {
        try _requireFinite(a, "a")
        try _requireNonNegative(b, "b")
        try _requirePositive(learningRate, "learningRate")
        self.a = a
        self.b = b
        self.learningRate = learningRate
    }

    /// The GD map of a logistic law, with `alpha = 1/tau`.
    public init(law: LogisticLaw) {
        self.a = law.a
        self.b = law.b
        self.learningRate = 1 / law.tau
    }

    /// One step: `u_{k+1} = u_k (1 + alpha (a - b u_k))^2`.
    public func next(_ u: Double) -> Double {
        let f = 1 + learningRate * (a - b * u)
        return u * f * f
    }

    /// `[u_0, u_1, ..., u_steps]` (`steps + 1` values).
    /// - Throws: `invalidParameter` for `steps < 0` or non-finite / negative `u0`.
    public func iterate(from u0: Double, steps: Int) throws(TheoryError) -> [Double] {
        try _requireNonNegative(u0, "u0")
        guard steps >= 0 else {
            throw .invalidParameter(name: "steps", value: Double(steps), requirement: ">= 0")
        }
        var out = [Double]()
        out.reserveCapacity(steps + 1)
        var u = u0
        out.append(u)
        for _ in 0..<steps {
            u = next(u)
            out.append(u)
        }
        return out
    }

    /// The first step count `k` with `u_k >= target` (for a growing mode), or `nil` if not
    /// reached within `maxSteps`.
    public func steps(from u0: Double, toReach target: Double, maxSteps: Int = 100_000_000)
        -> Int?
    {
        var u = u0
        if u >= target { return 0 }
        for k in 1...max(1, maxSteps) {
            u = next(u)
            if u >= target { return k }
            if !u.isFinite { return nil }
        }
        return nil
    }

    /// Dimensionless stability index `alpha a` at the fixed point `a/b`.
    public var stabilityIndex: Double { learningRate * a }

    /// Multiplier of the map at the fixed point `u* = a/b`: `f'(u*) = 1 - 2 alpha a`.
    public var fixedPointMultiplier: Double { 1 - 2 * learningRate * a }

    /// `true` iff `0 < alpha a < 1` (|multiplier| < 1): GD converges to `a/b` from nearby starts.
    /// Beyond `alpha a = 1` the fixed point loses stability to a period-2 orbit (the flow never
    /// oscillates).
    public var convergesLocally: Bool { stabilityIndex > 0 && stabilityIndex < 1 }

    /// `true` iff `0 < alpha a <= 1/2` (multiplier in `[0, 1)`): no overshoot near `a/b`.
    public var isMonotoneNearFixedPoint: Bool { stabilityIndex > 0 && stabilityIndex <= 0.5 }

    /// Exact GD/flow time ratio *in the linear (small-u) phase* `u << a/b`, where the map is
    /// `u <- u (1 + alpha a)^2` and the flow multiplies `u` by `e^{2 alpha a}` per epoch:
    /// `alpha a / ln(1 + alpha a) = 1 + alpha a/2 - (alpha a)^2/12 + O((alpha a)^3)`.
    /// Requires `alpha a > -1`; returns 1 for `a == 0`.
    public var linearPhaseLagRatio: Double {
        let x = stabilityIndex
        if x == 0 { return 1 }
        return x / log1p(x)
    }

    /// First-order lag prediction `t_GD / t_flow ~ 1 + alpha a/2` (`alpha s/2` for a Saxe mode).
    /// This approximates ``linearPhaseLagRatio`` to `O((alpha a)^2)` and so describes a whole
    /// learning time when the linear phase dominates it (small `u0`: its share is
    /// `1 - O(1/ln(a/(b u0)))`); near the fixed point GD is instead *faster* than the flow
    /// (contraction `1 - 2 alpha a` per step versus `e^{-2 alpha a}`).
    public var firstOrderLagRatio: Double { 1 + stabilityIndex / 2 }

    /// GD/flow time ratio from `u0` to `uf`, correct to first order in `alpha` over the whole
    /// interval (both phases):
    /// `t_GD / t_flow = 1 + (alpha a/2) (L + 2G)/(L - G) + O(alpha^2)`,
    /// `L = ln(uf/u0)`, `G = ln(g(uf)/g(u0))`, `g(u) = a - b u`.
    ///
    /// Derivation (`Notes/gradient-descent.md`): GD is forward Euler `u <- u + F(u)` with
    /// `F = u((1 + alpha g)^2 - 1)`; its modified equation `du/dk = F - F'F/2 + ...` gives
    /// `k = int du/F + (1/2) ln(F(uf)/F(u0)) + O(alpha)`, and expanding `F` in `alpha`,
    /// `k = t_flow + L/4 + G/2 + O(alpha)` with `t_flow = (L - G)/(2 alpha a)`.
    /// For `u0 -> 0` (`L -> infinity`) it tends to ``firstOrderLagRatio``.
    /// - Throws: as ``LogisticLaw/time(from:to:)`` (the flow must pass `uf`); `undefined` for
    ///   `a == 0`.
    public func firstOrderLagRatio(from u0: Double, to uf: Double) throws(TheoryError) -> Double {
        guard a != 0 else {
            throw .undefined(quantity: "firstOrderLagRatio", reason: "needs a != 0")
        }
        let flow = try LogisticLaw(a: a, b: b, tau: 1 / learningRate)
        _ = try flow.time(from: u0, to: uf)
        guard uf != u0 else { return firstOrderLagRatio }
        let l = _logRatio(uf, u0)
        let g = log(abs((a - b * uf) / (a - b * u0)))
        return 1 + stabilityIndex / 2 * (l + 2 * g) / (l - g)
    }

    /// Top Hessian eigenvalue of `L = 1/2 (s - a b)^2` at the minimum `(a, b)` (`ab = s`):
    /// `a^2 + b^2 >= 2s` (equality when balanced). GD cannot stay at minima with
    /// `a^2 + b^2 > 2/alpha`.
    public static func twoLayerMinimumTopHessianEigenvalue(a: Double, b: Double) -> Double {
        a * a + b * b
    }

    /// Top Hessian eigenvalue at the balanced minimum of a depth-`D` mode,
    /// `L = 1/2 (s - prod_l a_l)^2`, `a_l = s^{1/D}`: the Hessian is `g g^T` with
    /// `g_l = prod_{i != l} a_i = s^{1 - 1/D}`, so `lambda_max = |g|^2 = D s^{2-2/D}`.
    /// GD is stable there iff `alpha < 2 / (D s^{2-2/D})`, the `1/(D s^2)`-like scaling of the
    /// learning rate with depth of Saxe et al. 2014, App. B.
    /// - Throws: `invalidParameter` for `depth < 1` or `s <= 0`.
    public static func deepBalancedMinimumTopHessianEigenvalue(depth: Int, s: Double)
        throws(TheoryError) -> Double
    {
        guard depth >= 1 else {
            throw .invalidParameter(name: "depth", value: Double(depth), requirement: ">= 1")
        }
        try _requirePositive(s, "s")
        let d = Double(depth)
        return d * pow(s, 2 - 2 / d)
    }
}
