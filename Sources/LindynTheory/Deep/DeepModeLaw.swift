import Foundation

/// One balanced, decoupled mode of a deep linear network with `D >= 2` weight matrices:
/// `tau du/dt = D u^{2 - 2/D} (s - c u)`, where `u = prod_l a_l` is the mode strength and `c` the
/// input variance along the mode (1 for whitened input).
///
/// An input variance `c != 1` is a change of scale: `w = c u` follows the whitened law with the
/// time constant `tau c^{1 - 2/D}`, so every method evaluates the whitened law in `w` and
/// converts back (exactly the same arithmetic when `c = 1`).
///
/// Conventions: loss with a factor 1/2, whitened input, `tau = 1/learningRate`, `t` in epochs.
/// `D` counts weight matrices (Saxe's `N_l - 1`, `N_l` the number of layers of units).
///
/// Source: Saxe, McClelland, Ganguli, ICLR 2014, Sec. 2, Eq. 15 (mode law); the exact learning
/// time for general `D` is derived in `Notes/deep-networks.md` (substitution `v = u^{1/D}`,
/// partial fractions over the `D`-th roots of `s`). `D = 2` reduces to ``LogisticLaw`` with
/// `a = s, b = 1`.
public struct DeepModeLaw: Sendable, Hashable {
    /// Number of weight matrices `D >= 2`.
    public let depth: Int
    /// Singular value `s > 0` of the mode.
    public let s: Double
    /// Time constant `tau = 1/learningRate` (epochs).
    public let tau: Double
    /// Input variance `c > 0` along the mode (1 for whitened input).
    public let inputVariance: Double
    /// Time constant of the whitened law followed by `w = c u`: `tau c^{1 - 2/D}`.
    let scaledTau: Double

    /// - Throws: `TheoryError.invalidParameter` naming `depth` (< 2), `s`, `tau` or
    ///   `inputVariance` (not finite and positive).
    public init(depth: Int, s: Double, tau: Double, inputVariance: Double = 1) throws(TheoryError) {
        guard depth >= 2 else {
            throw .invalidParameter(name: "depth", value: Double(depth), requirement: ">= 2")
        }
        try _requirePositive(s, "s")
        try _requirePositive(tau, "tau")
        try _requirePositive(inputVariance, "inputVariance")
        self.depth = depth
        self.s = s
        self.tau = tau
        self.inputVariance = inputVariance
        let scaled = inputVariance == 1 ? tau : tau * pow(inputVariance, 1 - 2 / Double(depth))
        try _requirePositive(scaled, "inputVariance")
        self.scaledTau = scaled
    }

    /// The attracting fixed point `s / c` (for every `u0 > 0`; `u0 = 0` stays at 0).
    public var fixedPoint: Double { inputVariance == 1 ? s : s / inputVariance }

    /// The right-hand side `du/dt = (D/tau) u^{2-2/D} (s - c u)` for `u >= 0`.
    public func rate(at u: Double) -> Double {
        let d = Double(depth)
        return d / tau * pow(u, 2 - 2 / d) * (s - inputVariance * u)
    }

    /// `w = c u`, the state of the whitened law.
    @inline(__always) private func scaled(_ u: Double) -> Double { inputVariance == 1 ? u : inputVariance * u }

    // MARK: Exact learning time

    /// Exact time from `u0` to `uf` (`0` when equal), for any depth `D >= 2`.
    ///
    /// With `v = u^{1/D}`, `rho = s^{1/D}` and `r_k = rho e^{2 pi i k/D}`:
    /// `t = (tau/s) [F(vf) - F(v0)]`,
    /// `F(v) = v^{2-D}/(2-D)` (`ln v` for `D = 2`) `- (1/(D s)) Re sum_k r_k^2 log(v - r_k)`.
    ///
    /// Evaluated in real arithmetic and as *differences*: the power term as
    /// `v0^{2-D} expm1((2-D) ln(vf/v0))/(2-D)`, each logarithm as
    /// `log((vf - r_k)/(v0 - r_k)) = log1p(w_k)`, `w_k = (vf - v0)/(v0 - r_k)`, whose real part is
    /// `(1/2) ln|1 + w_k|^2` and whose imaginary part is `atan2(Im w_k, 1 + Re w_k)`. For
    /// `k != 0` the imaginary part of `v - r_k` is the constant `-rho sin(2 pi k/D)`, so the
    /// argument changes continuously along the real path and never crosses the branch cut; the
    /// `k = 0` root is `rho` itself, which the path never crosses (it is the fixed point).
    /// `vf - v0` and `v - rho` are formed from `uf - u0` and `u - s` divided by
    /// `sum_j v^j w^{D-1-j}`, so short intervals and states near `s` keep full accuracy.
    ///
    /// - Throws: `invalidParameter` for negative / non-finite `u0`, `uf`; `unreachable` if the
    ///   flow from `u0` never passes `uf` (other side of `s`, `uf == s`, or `u0 == 0`).
    public func time(from u0: Double, to uf: Double) throws(TheoryError) -> Double {
        try _requireNonNegative(u0, "u0")
        try _requireNonNegative(uf, "uf")
        if uf == u0 { return 0 }
        let w0 = scaled(u0), wf = scaled(uf)
        try _checkReachable(from: w0, to: wf)
        return _time(u0: w0, d0: w0 - s, uf: wf, df: wf - s)
    }

    /// Time from `u0` until `|u - s| <= epsilon` (0 if already within), computed with the exact
    /// gap `uf - s = -+epsilon` (no cancellation near the fixed point).
    public func timeToLearn(epsilon: Double, from u0: Double) throws(TheoryError) -> Double {
        try _requirePositive(epsilon, "epsilon")
        try _requireNonNegative(u0, "u0")
        let w0 = scaled(u0), gap = scaled(epsilon)
        if abs(w0 - s) <= gap { return 0 }
        if u0 == 0 { throw .unreachable(from: 0, to: fixedPoint, reason: "u0 = 0 is a fixed point") }
        let df = w0 < s ? -gap : gap
        return _time(u0: w0, d0: w0 - s, uf: s + df, df: df)
    }

    private func _checkReachable(from u0: Double, to uf: Double) throws(TheoryError) {
        if u0 == 0 { throw .unreachable(from: u0, to: uf, reason: "u0 = 0 is a fixed point") }
        if u0 == s { throw .unreachable(from: u0, to: uf, reason: "u0 = s is the fixed point") }
        if u0 < s {
            if uf < u0 { throw .unreachable(from: u0, to: uf, reason: "u grows from u0 towards s") }
            if uf >= s {
                throw .unreachable(
                    from: u0, to: uf, reason: "s = \(s) is approached only asymptotically")
            }
        } else {
            if uf > u0 { throw .unreachable(from: u0, to: uf, reason: "u decreases towards s") }
            if uf <= s {
                throw .unreachable(
                    from: u0, to: uf, reason: "s = \(s) is approached only asymptotically")
            }
        }
    }

    /// `sum_{j=0}^{D-1} x^j y^{D-1-j}` (so that `x - y = (x^D - y^D) / sum`), for `x, y >= 0`,
    /// evaluated as `m^{D-1} sum_k (n/m)^k` with `m = max(x, y)`, `n = min(x, y)` (no underflow
    /// of intermediate powers).
    private func _geometricSum(_ x: Double, _ y: Double) -> Double {
        let m = max(x, y), n = min(x, y)
        if m == 0 { return 0 }
        let ratio = n / m
        var total = 0.0, term = 1.0
        for _ in 0..<depth {
            total += term
            term *= ratio
        }
        return pow(m, Double(depth - 1)) * total
    }

    /// Core of ``time(from:to:)`` for the whitened law (time constant `scaledTau`): `d0 = u0 - s`,
    /// `df = uf - s` given separately and exactly.
    ///
    /// Above `s` and far from it (`u >= 2s`) the closed form subtracts terms of size `1/s` to
    /// leave a time of size `u^{2/D - 1}`, losing about `u/s` in relative accuracy (all of it as
    /// `s -> 0`); there the integral is summed instead as the series in `s/u` (``_seriesTime``),
    /// whose `s = 0` term is the pure power law. An interval that crosses `2s` is split there.
    func _time(u0: Double, d0: Double, uf: Double, df: Double) -> Double {
        let split = 2 * s
        if u0 > s, uf > s, max(u0, uf) > split {
            if min(u0, uf) >= split { return _seriesTime(from: u0, to: uf) }
            // One end in [s, 2s): the series down to 2s, the closed form from there.
            let (far, near, nearGap) = u0 > uf ? (u0, uf, df) : (uf, u0, d0)
            let series = _seriesTime(from: far, to: split)
            let rest = _closedFormTime(u0: split, d0: split - s, uf: near, df: nearGap)
            return u0 > uf ? series + rest : -(series + rest)
        }
        return _closedFormTime(u0: u0, d0: d0, uf: uf, df: df)
    }

    /// `t(a -> b)` for `a, b >= 2s` as the series
    /// `t = (tau/D) sum_k s^k (m^{-p-k} - M^{-p-k})/(p + k)`, `p = 2 - 2/D`, `m = min`, `M = max`
    /// (positive when `b < a`, the direction of the flow), from
    /// `1/(u^p (u - s)) = u^{-p-1} sum_k (s/u)^k`. Every term is positive: each is formed as
    /// `m^{-p} (s/m)^k (-expm1(-(p + k) ln(M/m)))/(p + k)`, so short intervals keep full
    /// accuracy, and the ratio `s/m <= 1/2` bounds the tail by the last term.
    func _seriesTime(from a: Double, to b: Double) -> Double {
        if a == b { return 0 }
        let m = min(a, b), bigM = max(a, b)
        let p = 2 - 2 / Double(depth)
        let logRatio = log1p((bigM - m) / m)
        let r = s / m
        var total = 0.0, power = 1.0
        for k in 0..<400 {
            let q = p + Double(k)
            total += power * -expm1(-q * logRatio) / q
            power *= r
            // Remaining terms are below power/(q (1 - r)).
            if power <= 1e-17 * total * q * (1 - r) { break }
        }
        let t = scaledTau / Double(depth) * pow(m, -p) * total
        return b < a ? t : -t
    }

    /// The roots-of-unity closed form of ``time(from:to:)`` (whitened law).
    func _closedFormTime(u0: Double, d0: Double, uf: Double, df: Double) -> Double {
        let dd = Double(depth)
        let rho = pow(s, 1 / dd)
        let logRatioU = (uf > 0 && u0 > 0) ? _logRatio(uf, u0) : 0
        // Power term P = int_{v0}^{vf} v^{1-D} dv.
        let power: Double
        if depth == 2 {
            power = 0.5 * logRatioU
        } else {
            let e = (2 - dd) / dd
            power = exp(e * log(u0)) * expm1(e * logRatioU) / (2 - dd)
        }
        // Differences of v.
        let v0 = pow(u0, 1 / dd), vf = pow(uf, 1 / dd)
        let dv = (uf - u0) / _geometricSum(vf, v0)  // vf - v0
        let v0MinusRho = d0 / _geometricSum(v0, rho)
        let vfMinusRho = df / _geometricSum(vf, rho)
        // Q = sum_k Re( e^{2 i theta_k} log((vf - r_k)/(v0 - r_k)) )
        var q = 0.0
        // k = 0: real root rho.
        let w0 = dv / v0MinusRho
        q += abs(w0) < 0.5 ? log1p(w0) : _logRatio(abs(vfMinusRho), abs(v0MinusRho))
        // D even: real root -rho at k = D/2 with e^{2 i theta} = 1.
        if depth % 2 == 0 {
            q += log1p(dv / (v0 + rho))
        }
        // Complex roots; conjugate pairs k and D - k contribute equal real parts.
        let upper = (depth - 1) / 2
        if upper >= 1 {
            for k in 1...upper {
                let theta = 2 * Double.pi * Double(k) / dd
                let c = cos(theta), sn = sin(theta)
                let c2 = cos(2 * theta), s2 = sin(2 * theta)
                // z0 = v0 - r_k = (v0 - rho c) - i rho sn ; w = dv / z0
                let pr = v0 - rho * c, pi = -rho * sn
                let n2 = pr * pr + pi * pi
                let wr = dv * pr / n2, wi = -dv * pi / n2
                let logAbs: Double, arg: Double
                if wr * wr + wi * wi < 0.25 {
                    logAbs = 0.5 * log1p(2 * wr + wr * wr + wi * wi)
                    arg = atan2(wi, 1 + wr)
                } else {
                    let fr = vf - rho * c, fi = pi
                    logAbs = 0.5 * (log(fr * fr + fi * fi) - log(n2))
                    // arg((vf - r)/(v0 - r)) = arg((vf - r) * conj(v0 - r))
                    arg = atan2(fi * pr - fr * pi, fr * pr + fi * pi)
                }
                q += 2 * (c2 * logAbs - s2 * arg)
            }
        }
        let rho2OverS = pow(s, 2 / dd - 1)  // rho^2 / s
        return scaledTau / s * (power - rho2OverS / dd * q)
    }

    // MARK: Inverse: u(t)

    /// `u(t)` from `u0`, by inverting the exact, strictly monotone `t(u)` with Brent's method.
    ///
    /// The unknown is a variable `y >= 0` with `u = s u0/(u0 + (s - u0) e^{-y})` below `s` and
    /// `u = s + (u0 - s) e^{-y}` above it, so that `u - s` is known exactly and the root is
    /// resolved even when `u` is within one ulp of `s`. If `t` exceeds the time needed to come
    /// within `s * eps/4` of `s`, the answer is `s` itself (the nearest double). Relative
    /// accuracy: about `eps * max(1, |y|)`, limited further only by the conditioning of `t(u)`.
    ///
    /// - Throws: `invalidParameter` for `t` (negative or NaN) or `u0` (negative, not finite);
    ///   `notConverged` if the bracket fails (not expected: `t(u)` is continuous and monotone).
    public func value(at t: Double, from u0: Double) throws(TheoryError) -> Double {
        try _requireTime(t, "t")
        try _requireNonNegative(u0, "u0")
        if inputVariance == 1 { return try _value(at: t, from: u0) }
        if t == 0 || u0 == 0 { return u0 }
        return try _value(at: t, from: scaled(u0)) / inputVariance
    }

    /// ``value(at:from:)`` of the whitened law in `w = c u`.
    private func _value(at t: Double, from u0: Double) throws(TheoryError) -> Double {
        if t == 0 || u0 == 0 || u0 == s { return u0 }
        if t == .infinity { return s }
        let d0 = u0 - s
        let below = u0 < s
        // y -> (u, u - s)
        func state(_ y: Double) -> (u: Double, d: Double) {
            if y == 0 { return (u0, d0) }  // exactly the start, so f(0) = -t < 0
            let e = exp(-y)
            if y <= 0.5 {
                // Forms anchored at u0 (accurate for small y; no cancellation for y <= 1/2).
                let em = expm1(-y)
                if below {
                    let den = 1 + (-d0 / s) * em
                    return (u0 / den, d0 * e / den)
                }
                return (u0 + d0 * em, d0 * e)
            }
            if below {
                let den = u0 + (-d0) * e
                return (s * u0 / den, -s * (-d0) * e / den)
            }
            let d = d0 * e
            return (s + d, d)
        }
        let eps = Double.ulpOfOne
        // y at which |u - s| < s eps/4 (u rounds to s), plus a margin; in logs (no overflow).
        let logGap: Double = below ? log(-d0) - log(u0) : log(d0) - log(s)
        let ySat: Double = log(4 / eps) + logGap + 1
        let yMax = max(ySat, 1)
        let endState = state(yMax)
        let tMax = _time(u0: u0, d0: d0, uf: endState.u, df: endState.d)
        if !(t < tMax) { return s }
        let root = _brentRoot(lo: 0, hi: yMax) { y in
            let st = state(y)
            return self._time(u0: u0, d0: d0, uf: st.u, df: st.d) - t
        }
        guard let root else {
            throw .notConverged(
                procedure: "DeepModeLaw.value (Brent inversion of t(u))",
                detail: "t(u) - t did not change sign on [0, \(yMax)] for t = \(t), u0 = \(u0)")
        }
        return state(root).u
    }

    // MARK: Approximations (reported beside the exact form, never instead)

    /// Leading small-initialisation behaviour for `D >= 3`:
    /// `t ~ tau / (s (D-2) u0^{(D-2)/D})` as `u0 -> 0`, for any fixed target below `s`
    /// (the power term of ``time(from:to:)`` dominates; relative correction
    /// `O(u0^{(D-2)/D})`). Source: the exact time of the depth-`D` mode law of Saxe et al. 2014
    /// (Eq. 15) as `u0 -> 0`, derived in `Notes/deep-networks.md`.
    /// - Throws: `undefined` for `D = 2` (the divergence is logarithmic there:
    ///   `(tau/(2s)) ln(1/u0)`); `invalidParameter` for `u0 <= 0`.
    public func smallInitAsymptoticTime(from u0: Double) throws(TheoryError) -> Double {
        try _requirePositive(u0, "u0")
        guard depth >= 3 else {
            throw .undefined(
                quantity: "smallInitAsymptoticTime",
                reason: "for depth 2 the small-u0 divergence is logarithmic, not a power law")
        }
        let dd = Double(depth)
        return scaledTau / (s * (dd - 2)) * exp(-(dd - 2) / dd * log(scaled(u0)))
    }

    /// Saxe's infinite-depth approximation of the learning time (Saxe et al. 2014, Eqs. 16-17),
    /// with `N_l = D + 1` layers: the law is replaced by `tau du/dt = N_l u^2 (s - u)`, giving
    /// `t = (tau/N_l) [ (1/s^2) ln(uf (s - u0)/(u0 (s - uf))) + 1/(s u0) - 1/(s uf) ]`.
    /// An approximation only, off by a factor of about 3 at `D = 10` from `u0 = 1e-3` (see
    /// `Notes/deep-networks.md`); always report it beside ``time(from:to:)``. With an input
    /// variance `c != 1` it approximates the whitened law of `w = c u` the same way.
    /// - Throws: as ``time(from:to:)``.
    public func saxeInfiniteDepthTime(from u0: Double, to uf: Double) throws(TheoryError) -> Double
    {
        try DeepModeLaw.saxeInfiniteDepthTime(
            layerCount: depth + 1, s: s, tau: scaledTau, from: scaled(u0), to: scaled(uf))
    }

    /// Saxe's infinite-depth learning-time approximation for `N_l` layers (see the instance
    /// method), `t = (tau/N_l) [ (1/s^2) ln(uf (s-u0)/(u0 (s-uf))) + 1/(s u0) - 1/(s uf) ]`.
    /// - Throws: `invalidParameter` for `layerCount < 3`, `s`, `tau`; `unreachable` as the
    ///   exact law (from `u0` the flow must pass `uf` before `s`).
    public static func saxeInfiniteDepthTime(
        layerCount: Int, s: Double, tau: Double, from u0: Double, to uf: Double
    ) throws(TheoryError) -> Double {
        guard layerCount >= 3 else {
            throw .invalidParameter(name: "layerCount", value: Double(layerCount), requirement: ">= 3")
        }
        let law = try DeepModeLaw(depth: layerCount - 1, s: s, tau: tau)
        try _requireNonNegative(u0, "u0")
        try _requireNonNegative(uf, "uf")
        if uf == u0 { return 0 }
        try law._checkReachable(from: u0, to: uf)
        let logs = _logRatio(uf, u0) + _logRatio(abs(s - u0), abs(s - uf))
        let inverse = (uf - u0) / (s * u0 * uf)  // 1/(s u0) - 1/(s uf)
        return tau / Double(layerCount) * (logs / (s * s) + inverse)
    }
}
