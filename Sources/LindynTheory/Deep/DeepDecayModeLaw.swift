import Foundation

/// A balanced deep mode with weight decay `(lambda/2) sum_l ||W_l||^2`:
/// `tau du/dt = D u^{2-2/D} (s - u) - D lambda u`.
///
/// **No closed form is known for `D >= 3`**: the learning time here is computed by numerical
/// quadrature (adaptive Gauss-Kronrod, written in this module) and is labelled *numerical*
/// throughout. For `D = 2` the law is the logistic law with `a = s - lambda`, `b = 1`
/// (use ``LogisticLaw`` / ``TwoLayerCase/weightDecay(s:lambda:)`` for the exact form); the
/// quadrature is tested against it.
///
/// Behaviour (`Notes/weight-decay.md`): with `g(u) = u^{1-2/D}(s - u)` the rate is
/// `(D/tau) u (g(u) - lambda)`. For `D >= 3`, `g(0) = 0`, so the origin is *stable* for every
/// `lambda > 0`; if `lambda < max g = g(u_m)`, `u_m = s (D-2)/(2(D-1))`, there are two positive
/// fixed points, an unstable threshold `u_- < u_m` and the learned value `u_+ in (u_m, s)`;
/// otherwise the mode is never learned.
///
/// Conventions: loss with a factor 1/2, `tau = 1/learningRate`, `t` in epochs. Source: the mode
/// law of Saxe et al. 2014 (Eq. 15) plus the decay term `-lambda a_l` of each layer's penalty
/// `(lambda/2) a_l^2`, which adds `-D lambda u` on a balanced mode.
public struct DeepDecayModeLaw: Sendable, Hashable {
    /// Number of weight matrices `D >= 2`.
    public let depth: Int
    /// Singular value `s > 0` of the mode.
    public let s: Double
    /// Weight-decay coefficient `lambda >= 0` (penalty `(lambda/2) sum_l ||W_l||^2`).
    public let lambda: Double
    /// Time constant `tau = 1/learningRate` (epochs).
    public let tau: Double

    /// - Throws: `invalidParameter` naming `depth` (< 2), `s` (<= 0), `lambda` (< 0), `tau`.
    public init(depth: Int, s: Double, lambda: Double, tau: Double) throws(TheoryError) {
        guard depth >= 2 else {
            throw .invalidParameter(name: "depth", value: Double(depth), requirement: ">= 2")
        }
        try _requirePositive(s, "s")
        try _requireNonNegative(lambda, "lambda")
        try _requirePositive(tau, "tau")
        self.depth = depth
        self.s = s
        self.lambda = lambda
        self.tau = tau
    }

    /// `du/dt = (D/tau) (u^{2-2/D} (s - u) - lambda u)`.
    public func rate(at u: Double) -> Double {
        let d = Double(depth)
        return d / tau * (pow(u, 2 - 2 / d) * (s - u) - lambda * u)
    }

    /// `g(u) - lambda` with `g(u) = u^{1-2/D} (s - u)`: the per-unit growth rate, times `tau/D`.
    private func _excess(_ u: Double) -> Double {
        let d = Double(depth)
        return pow(u, 1 - 2 / d) * (s - u) - lambda
    }

    /// Positive fixed points in increasing order: `[]` (never learned), `[u+]` (`D = 2`,
    /// `u+ = s - lambda`; or `D >= 3` with `lambda == 0`, `u+ = s`) or `[u-, u+]` (`D >= 3`,
    /// `0 < lambda < max g`; found by Brent's method on `g(u) = lambda`, to full precision).
    /// `u = 0` is always a fixed point as well (stable for `D >= 3, lambda > 0`).
    public var positiveFixedPoints: [Double] {
        if depth == 2 { return s > lambda ? [s - lambda] : [] }
        if lambda == 0 { return [s] }
        let d = Double(depth)
        let um = s * (d - 2) / (2 * (d - 1))
        guard _excess(um) > 0 else { return [] }
        let lower = _brentRoot(lo: 0, hi: um) { self._excess($0) }
        let upper = _brentRoot(lo: um, hi: s) { self._excess($0) }
        precondition(lower != nil && upper != nil, "fixed points must be bracketed")
        return [lower!, upper!]
    }

    /// **Numerical** time from `u0` to `uf`: `t = int_{ln u0}^{ln uf} tau dx / (D (g(e^x) - lambda))`
    /// (the flow written in `x = ln u`, which keeps the integrand smooth for tiny `u0`),
    /// by adaptive Gauss-Kronrod (G7/K15) to relative tolerance `1e-12`.
    ///
    /// - Throws: `invalidParameter` for `u0`, `uf` (must be > 0 and finite); `unreachable` if a
    ///   fixed point lies between `u0` and `uf` (inclusive of `uf`) or the flow moves the other
    ///   way; `notConverged` if the quadrature misses its tolerance (only next to a fixed point).
    public func numericalTime(from u0: Double, to uf: Double) throws(TheoryError) -> Double {
        try _requirePositive(u0, "u0")
        try _requirePositive(uf, "uf")
        if uf == u0 { return 0 }
        let lo = min(u0, uf), hi = max(u0, uf)
        for p in positiveFixedPoints where p >= lo && p <= hi {
            throw .unreachable(
                from: u0, to: uf, reason: "the fixed point \(p) lies between them (inclusive)")
        }
        let direction = _excess(u0)
        if direction == 0 {
            throw .unreachable(from: u0, to: uf, reason: "u0 is a fixed point")
        }
        if (direction > 0) != (uf > u0) {
            throw .unreachable(
                from: u0, to: uf,
                reason: direction > 0 ? "the mode grows from u0" : "the mode decays from u0")
        }
        let d = Double(depth)
        let result = _adaptiveGaussKronrod(
            { x in 1 / (d * self._excess(exp(x))) }, from: log(u0), to: log(uf),
            relativeTolerance: 1e-12)
        guard result.converged else {
            throw .notConverged(
                procedure: "Gauss-Kronrod quadrature of the learning time",
                detail: "error estimate \(result.errorEstimate) after \(result.intervals) intervals")
        }
        return tau * result.value
    }
}
