import Foundation

/// The logistic mode law `tau du/dt = 2 u (a - b u)` and its exact solution.
///
/// Conventions shared by the whole module: the loss carries a factor 1/2
/// (`L = 1/2 sum ||y - W x||^2`), `tau = 1 / learningRate`, and `t` is measured in full-batch
/// epochs (gradient-descent steps). Without the 1/2 every `tau` would become `tau/2`.
///
/// `u >= 0` is the strength of one balanced, decoupled mode (e.g. `u = a b` with `a = b` in a
/// two-layer network). Every two-layer case of the project (Saxe mode, weight decay, scalar
/// network, linear / denoising / weight-decay autoencoders, dropout) is this law with the
/// coefficients given by ``TwoLayerCase``.
///
/// Source: Saxe, McClelland, Ganguli, ICLR 2014 (arXiv 1312.6120), Eqs. 10-12, generalised to
/// `(a, b)`; derivation in `Notes/logistic-law.md`.
///
/// Domain: `a` finite (any sign), `b >= 0` finite, `tau > 0` finite. `b == 0` is pure
/// exponential growth or decay.
public struct LogisticLaw: Sendable, Hashable {
    /// Linear growth coefficient `a` of `tau du/dt = 2u(a - b u)`.
    public let a: Double
    /// Saturation coefficient `b >= 0`.
    public let b: Double
    /// Time constant `tau = 1/learningRate` (epochs).
    public let tau: Double

    /// Creates the law `tau du/dt = 2u(a - b u)`.
    /// - Throws: `TheoryError.invalidParameter` naming `a` (not finite), `b` (negative or not
    ///   finite) or `tau` (not finite and positive).
    public init(a: Double, b: Double, tau: Double) throws(TheoryError) {
        try _requireFinite(a, "a")
        try _requireNonNegative(b, "b")
        try _requirePositive(tau, "tau")
        self.a = a
        self.b = b
        self.tau = tau
    }

    /// The law of a two-layer case: `a`, `b` from ``TwoLayerCase/coefficients()``.
    public init(_ twoLayerCase: TwoLayerCase, tau: Double) throws(TheoryError) {
        let c = try twoLayerCase.coefficients()
        try self.init(a: c.a, b: c.b, tau: tau)
    }

    /// The state every trajectory started at `u0 > 0` tends to as `t -> infinity`:
    /// - `a/b` when `a > 0` and `b > 0` (the learned mode strength);
    /// - `0` when `a < 0`, or when `a == 0` and `b > 0` (the latter decays only algebraically,
    ///   like `tau/(2 b t)`);
    /// - `nil` when `a > 0` and `b == 0` (unbounded exponential growth) or `a == b == 0` (every
    ///   state is fixed, so the limit is `u0` itself).
    public var fixedPoint: Double? {
        if a > 0 { return b > 0 ? a / b : nil }
        if a < 0 { return 0 }
        return b > 0 ? 0 : nil
    }

    /// Exact solution `u(t)` from `u(0) = u0`.
    ///
    /// Formula (`x = 2|a| t / tau`, `m = 1 - e^{-x}` computed as `-expm1(-x)`):
    /// - `a > 0`: `u = u0 / (e^{-x} + (b/a) u0 m)`, i.e. Saxe's
    ///   `u = a E / (b (E - 1) + a/u0)`, `E = e^{2at/tau}`, divided through by `E`;
    /// - `a < 0`: `u = u0 e^{-x} / (1 + (b/|a|) u0 m)`;
    /// - `a == 0`: `u = u0 / (1 + 2 b u0 t / tau)`.
    ///
    /// Every sum above adds non-negative terms, so there is no cancellation; as `a -> 0`
    /// `(b/a) m -> 2 b t/tau` continuously. When an intermediate would leave the normal range
    /// (tiny `u0`, huge `t`, huge `b/a`) the same formula is evaluated in logarithms. Returns a
    /// finite value for every valid input except `b == 0, a > 0`, where the true solution
    /// `u0 e^{2at/tau}` may overflow to `+infinity`.
    ///
    /// - Parameters:
    ///   - t: time in epochs, `>= 0`; `+infinity` gives the limit.
    ///   - u0: initial mode strength, `>= 0` (`0` is the saddle and stays `0`).
    /// - Throws: `TheoryError.invalidParameter` for `t` (negative or NaN) or `u0` (negative or
    ///   not finite).
    public func value(at t: Double, from u0: Double) throws(TheoryError) -> Double {
        try _requireTime(t, "t")
        try _requireNonNegative(u0, "u0")
        if u0 == 0 || t == 0 { return u0 }
        if a == 0 {
            if b == 0 { return u0 }
            let k = 2 * b * t / tau  // may be +inf for huge t: the limit 0 is then correct
            let ku = k * u0
            if ku.isFinite { return u0 / (1 + ku) }
            return 1 / (1 / u0 + k)
        }
        let x = 2 * abs(a) * t / tau
        let ratio = b / abs(a)  // b/|a| >= 0, may be +inf when |a| is subnormal
        let m = -expm1(-x)  // in [0, 1]
        let e = exp(-x)
        if a > 0 {
            let den = e + ratio * u0 * m
            if den.isNormal && den.isFinite && u0.isNormal {
                return u0 / den
            }
            // log u = log u0 - log(e^{-x} + (b/a) u0 m)
            let logTerm =
                ratio == 0 || m == 0
                ? -Double.infinity : log(b) - log(a) + log(u0) + log(m)
            return exp(log(u0) - _logAddExp(-x, logTerm))
        } else {
            let den = 1 + ratio * u0 * m
            let num = u0 * e
            if den.isFinite && num.isNormal {
                return num / den
            }
            // log u = log u0 - x - log1p((b/|a|) u0 m)
            let logDen: Double
            if den.isFinite {
                logDen = log1p(ratio * u0 * m)
            } else {
                logDen = _logAddExp(0, log(b) - log(abs(a)) + log(u0) + log(m))
            }
            return exp(log(u0) - x - logDen)
        }
    }

    /// `log|1 - (b/a) u|` for `a != 0`, accurate for small and large arguments.
    private func _logOneMinusRatio(_ u: Double) -> Double {
        let r = (b / a) * u
        if !r.isFinite {
            // |r| is huge: log|1 - r| = log|r| + log|1 - 1/r|
            return log(b) - log(abs(a)) + log(u)
        }
        if abs(r) < 0.5 { return log1p(-r) }
        if abs(r) > 1e8 { return log(abs(r)) + log1p(-1 / r) }
        return log(abs(1 - r))
    }

    /// Whether the forward flow from `u0` passes through `uf` (in finite time) and why not.
    private func _reachability(from u0: Double, to uf: Double) -> String? {
        if uf == u0 { return nil }
        if u0 == 0 { return "u0 = 0 is a fixed point (the saddle) and never moves" }
        if uf <= 0 { return "u stays > 0 and only tends to 0 asymptotically" }
        if a > 0 {
            if b == 0 {
                return uf > u0 ? nil : "with b = 0 and a > 0 the mode grows monotonically"
            }
            let star = a / b
            if u0 == star { return "u0 is the fixed point a/b = \(star)" }
            if u0 < star {
                if uf < u0 { return "the mode grows from u0 towards a/b = \(star)" }
                if uf >= star { return "the fixed point a/b = \(star) is approached only asymptotically" }
                return nil
            } else {
                if uf > u0 { return "the mode decreases from u0 towards a/b = \(star)" }
                if uf <= star { return "the fixed point a/b = \(star) is approached only asymptotically" }
                return nil
            }
        }
        if a == 0 && b == 0 { return "with a = b = 0 every state is fixed" }
        return uf < u0 ? nil : "with a <= 0 the mode decays monotonically to 0"
    }

    /// Time for the flow to go from `u0` to `uf` (exact; `0` when `uf == u0`).
    ///
    /// Formula (separation of variables and partial fractions, `Notes/logistic-law.md`):
    /// - `a != 0`: `t = tau/(2a) * ln( uf (a - b u0) / (u0 (a - b uf)) )`, evaluated as
    ///   `tau/(2a) [ln(uf/u0) + ln|1 - b u0/a| - ln|1 - b uf/a|]` with `log1p`;
    /// - `a == 0, b > 0`: `t = tau/(2b) (1/uf - 1/u0)`.
    ///
    /// - Throws: `TheoryError.invalidParameter` for `u0` / `uf` (negative or not finite);
    ///   `TheoryError.unreachable` if the trajectory from `u0` never passes through `uf` (wrong
    ///   side, beyond the fixed point, or exactly at an asymptotically approached state).
    public func time(from u0: Double, to uf: Double) throws(TheoryError) -> Double {
        try _requireNonNegative(u0, "u0")
        try _requireNonNegative(uf, "uf")
        if let reason = _reachability(from: u0, to: uf) {
            throw .unreachable(from: u0, to: uf, reason: reason)
        }
        if uf == u0 { return 0 }
        if a == 0 {
            // b > 0 here; 1/uf - 1/u0 = (u0 - uf)/(u0 uf)
            let diff = (u0 - uf) / u0 / uf
            return tau / (2 * b) * diff
        }
        let logs = _logRatio(uf, u0) + _logOneMinusRatio(u0) - _logOneMinusRatio(uf)
        return tau / (2 * a) * logs
    }

    /// Time to reach half the fixed point, `u = a/(2b)`:
    /// `t_half = tau/(2a) * ln(a/(b u0) - 1)` (`Notes/logistic-law.md`).
    ///
    /// Evaluated as `tau/(2a) [log1p(-b u0/a) - ln(b u0/a)]`.
    /// - Throws: `TheoryError.undefined` unless `a > 0` and `b > 0`;
    ///   `TheoryError.unreachable` if `u0` is already past the half point (`u0 > a/(2b)`)
    ///   or `u0 == 0`; `invalidParameter` for a negative `u0`.
    public func halfTime(from u0: Double) throws(TheoryError) -> Double {
        try _requireNonNegative(u0, "u0")
        guard a > 0, b > 0 else {
            throw .undefined(
                quantity: "halfTime", reason: "needs a > 0 and b > 0 (got a = \(a), b = \(b))")
        }
        let half = a / (2 * b)
        if u0 == half { return 0 }
        guard u0 > 0, u0 < half else {
            throw .unreachable(
                from: u0, to: half,
                reason: u0 == 0 ? "u0 = 0 is the saddle" : "u0 is already past a/(2b)")
        }
        let r = b * u0 / a
        let logs = r.isNormal ? log1p(-r) - log(r) : log(a) - log(b) - log(u0)
        return tau / (2 * a) * logs
    }

    /// Time from `u0` until `u` is within `epsilon` of ``fixedPoint`` (0 if it already is).
    ///
    /// For `a > 0, b > 0` this is `time(from: u0, to: a/b -+ epsilon)` with the factor
    /// `|a - b uf| = b epsilon` inserted exactly (no cancellation near the fixed point):
    /// `t = tau/(2a) [ln(uf/u0) + ln|1 - b u0/a| - ln(b epsilon/a)]`.
    /// For a decaying mode (fixed point 0) it is `time(from: u0, to: epsilon)`.
    ///
    /// - Throws: `invalidParameter` for `epsilon <= 0` or `u0 < 0`; `undefined` when
    ///   ``fixedPoint`` is `nil`; `unreachable` when `u0 == 0` and the fixed point is not 0.
    public func timeToLearn(epsilon: Double, from u0: Double) throws(TheoryError) -> Double {
        try _requirePositive(epsilon, "epsilon")
        try _requireNonNegative(u0, "u0")
        guard let star = fixedPoint else {
            throw .undefined(
                quantity: "timeToLearn",
                reason: "the law has no fixed point that attracts u0 (a = \(a), b = \(b))")
        }
        if abs(u0 - star) <= epsilon { return 0 }
        if star == 0 { return try time(from: u0, to: epsilon) }
        if u0 == 0 {
            throw .unreachable(from: u0, to: star, reason: "u0 = 0 is the saddle")
        }
        let uf = u0 < star ? star - epsilon : star + epsilon
        let logs = _logRatio(uf, u0) + _logOneMinusRatio(u0) - (log(b) + log(epsilon) - log(a))
        return tau / (2 * a) * logs
    }

    /// Saxe's symmetric learning time, from `epsilon` to `a/b - epsilon`:
    /// `t = (tau/a) ln((a/b - epsilon)/epsilon)`; for the Saxe mode (`a = s, b = 1`) this is
    /// `(tau/s) ln((s - epsilon)/epsilon)` (Saxe et al. 2014, Sec. 1). Exact for this law.
    /// - Throws: `undefined` unless `a > 0, b > 0`; `invalidParameter` unless
    ///   `0 < epsilon < a/(2b)`.
    public func symmetricLearningTime(epsilon: Double) throws(TheoryError) -> Double {
        guard a > 0, b > 0 else {
            throw .undefined(
                quantity: "symmetricLearningTime", reason: "needs a > 0 and b > 0")
        }
        let star = a / b
        guard epsilon.isFinite, epsilon > 0, epsilon < star / 2 else {
            throw .invalidParameter(
                name: "epsilon", value: epsilon, requirement: "in (0, a/(2b)) = (0, \(star / 2))")
        }
        let r = epsilon / star
        return tau / a * (log1p(-r) - log(r))
    }

    /// The upper bound `(tau/a) ln((a/b)/epsilon)` on ``symmetricLearningTime(epsilon:)``
    /// (drops the `-epsilon` in the numerator). For standard dropout (`a = p s`, `b = p`) it is
    /// the `(tau/(s p)) ln(s/epsilon)` bound of the expected-dropout dynamics (`Notes/dropout.md`;
    /// expected objective of Srivastava et al. 2014, Sec. 9.1, and Mianjy, Arora & Vidal 2018).
    /// - Throws: as ``symmetricLearningTime(epsilon:)``.
    public func learningTimeBound(epsilon: Double) throws(TheoryError) -> Double {
        _ = try symmetricLearningTime(epsilon: epsilon)
        return tau / a * (log(a) - log(b) - log(epsilon))
    }
}
