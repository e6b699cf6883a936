import Foundation

/// Scalar two-layer network from an unbalanced start: `tau du/dt = sqrt(c^2 + 4u^2) (s - u)`,
/// `u = w1 w2`, with the conserved imbalance `c = |w1^2 - w2^2|` (`w1^2 + w2^2 = sqrt(c^2+4u^2)`).
///
/// For a network `yhat = w2 w1 x` with loss `1/2 (y - w2 w1 x)^2` use `s = y/x` and the time
/// constant `tau/x^2` (see ``init(x:y:w1:w2:tau:)``). Conventions: `tau = 1/learningRate`,
/// `t` in epochs.
///
/// Solution (Saxe et al. 2014, App. A; Pretorius et al.'s code `hyperbolic_learning_dynamics`;
/// derivation in `Notes/unbalanced-start.md`): with `u = (c/2) sinh(theta)`, `z = tanh(theta/2)`
/// the flow becomes the Riccati equation `tau z' = s(1 - z^2) - c z` with roots
/// `z+ = 2s/(g + c)`, `z- = -1/z+`, `g = sqrt(c^2 + 4 s^2)`, so
/// `R(t) = ((z0 - z+)/(z0 - z-)) e^{-g t/tau}`, `z = (z+ - R z-)/(1 - R)`, `u = c z/(1 - z^2)`.
///
/// As `c -> 0` this tends to the logistic law (`a = s`, `b = 1`); `c == 0` is delegated to
/// ``LogisticLaw`` exactly.
public struct UnbalancedScalarLaw: Sendable, Hashable {
    /// Target `s` (`y/x` for a scalar network); any finite sign.
    public let s: Double
    /// Conserved imbalance `c = |w1^2 - w2^2| >= 0`.
    public let imbalance: Double
    /// Time constant (already divided by `x^2` for a scalar network).
    public let tau: Double

    /// - Throws: `invalidParameter` naming `s` (not finite), `imbalance` (negative or not
    ///   finite) or `tau` (not finite and positive).
    public init(s: Double, imbalance: Double, tau: Double) throws(TheoryError) {
        try _requireFinite(s, "s")
        try _requireNonNegative(imbalance, "imbalance")
        try _requirePositive(tau, "tau")
        self.s = s
        self.imbalance = imbalance
        self.tau = tau
    }

    /// The law of the scalar network `yhat = w2 w1 x` started at `(w1, w2)`:
    /// `s = y/x`, `c = |w1^2 - w2^2|`, time constant `tau/x^2`. The initial state is `u0 = w1 w2`.
    /// - Throws: `invalidParameter` for `x == 0` or non-finite inputs.
    public init(x: Double, y: Double, w1: Double, w2: Double, tau: Double) throws(TheoryError) {
        try _requireFinite(x, "x")
        guard x != 0 else { throw .invalidParameter(name: "x", value: x, requirement: "non-zero") }
        try _requireFinite(y, "y")
        try _requireFinite(w1, "w1")
        try _requireFinite(w2, "w2")
        try _requirePositive(tau, "tau")
        try self.init(s: y / x, imbalance: abs((w1 - w2) * (w1 + w2)), tau: tau / (x * x))
    }

    /// `tanh(asinh(2u/c)/2) = 2u/(c + h)` with `h = sqrt(c^2 + 4u^2)`, together with `1 - z` and
    /// `1 + z` formed without cancellation; `oneMinusOverC` / `onePlusOverC` are the small
    /// factor divided by `c` (exact as `c -> 0`), `nil` on the side where the factor is O(1).
    private struct ZParts {
        var z: Double
        var oneMinus: Double
        var onePlus: Double
        var oneMinusOverC: Double?
    }

    private func _zParts(_ u: Double) -> ZParts {
        let c = imbalance
        let h = hypot(c, 2 * u)
        let d = c + h
        let z = 2 * u / d
        if u >= 0 {
            let k = (h + 2 * u + c) / ((h + 2 * u) * d)
            return ZParts(z: z, oneMinus: c * k, onePlus: (d + 2 * u) / d, oneMinusOverC: k)
        } else {
            let k = (h - 2 * u + c) / ((h - 2 * u) * d)
            return ZParts(z: z, oneMinus: (d - 2 * u) / d, onePlus: c * k, oneMinusOverC: nil)
        }
    }

    /// The limit of `u(t)` as `t -> infinity` from `u0`: `s` whenever `c > 0` (the hyperbolic
    /// path passes the saddle); for `c == 0` (balanced) `s` if `u0` and `s` have the same strict
    /// sign, else `0` (a balanced start on the wrong side, or at the saddle, never reaches `s`).
    public func limit(from u0: Double) -> Double {
        if imbalance > 0 { return s }
        return (u0 > 0 && s > 0) || (u0 < 0 && s < 0) ? s : 0
    }

    /// Exact `u(t)` from `u(0) = u0` (any real `u0`).
    ///
    /// Evaluated without cancellation: each factor `p(z)(1 - R)` with `p in {1, z, 1 - z, 1 + z}`
    /// is written `p(z+) (1 - e^{-x}) + p(z0)(1 - R0) e^{-x}`, `x = g t/tau`, a sum of terms of
    /// one sign because `z` moves monotonically from `z0` to `z+`; then
    /// `u = c Z W / (M- M+)` with `W = (1-R)`, `Z = z(1-R)`, `M-+ = (1 -+ z)(1-R)`, and the factor
    /// `c` cancelled analytically when `u0 >= 0`. `s < 0` uses the symmetry `(s, u) -> (-s, -u)`;
    /// `s == 0` uses `z = z0 e^{-c t/tau}`; `c == 0` delegates to ``LogisticLaw``.
    /// - Throws: `invalidParameter` for `t` (negative or NaN) or `u0` (not finite).
    public func value(at t: Double, from u0: Double) throws(TheoryError) -> Double {
        try _requireTime(t, "t")
        try _requireFinite(u0, "u0")
        if t == 0 { return u0 }
        if s < 0 {
            let mirrored = try UnbalancedScalarLaw(s: -s, imbalance: imbalance, tau: tau)
            return -(try mirrored.value(at: t, from: -u0))
        }
        let c = imbalance
        if c == 0 {
            if u0 == 0 { return 0 }
            if u0 > 0 { return try LogisticLaw(a: s, b: 1, tau: tau).value(at: t, from: u0) }
            return -(try LogisticLaw(a: -s, b: 1, tau: tau).value(at: t, from: -u0))
        }
        let p0 = _zParts(u0)
        if s == 0 {
            let x = c * t / tau
            let e = exp(-x)
            let d0 = c + hypot(c, 2 * u0)
            return p0.z * e / ((2 / d0) * e * e + (-expm1(-2 * x)) / c)
        }
        let g = hypot(c, 2 * s)
        let x = g * t / tau
        let e = exp(-x)
        if e == 0 { return s }
        let m = -expm1(-x)
        let pp = _zParts(s)
        let zp = pp.z
        // 1 + z0 z+ without cancellation (z+ > 0).
        let onePlusZ0Zp = p0.z >= 0 ? 1 + p0.z * zp : p0.onePlus - p0.z * pp.oneMinus
        let oneMinusR0 = (1 + zp * zp) / onePlusZ0Zp
        let q = oneMinusR0 * e
        let w = m + q
        let zz = zp * m + p0.z * q
        let mPlus = pp.onePlus * m + p0.onePlus * q
        if let k0 = p0.oneMinusOverC, let kp = pp.oneMinusOverC {
            let kMinus = kp * m + k0 * q
            return zz * w / (kMinus * mPlus)
        }
        let mMinus = pp.oneMinus * m + p0.oneMinus * q
        return c * zz * w / (mMinus * mPlus)
    }
}
