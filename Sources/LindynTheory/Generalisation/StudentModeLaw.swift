import Foundation

/// How one decoupled, balanced student mode grows towards a data mode of strength `s`, in time
/// `T = t/tau`: the per-mode law that the exact finite-size and the large-N generalisation
/// curves both evaluate (with `s` the empirical singular value, or its large-N limit).
///
/// - depth 1 (no hidden layer): `du/dT = gain s - (curvature + decay) u`, linear;
/// - depth 2: `du/dT = 2u(gain s - decay - curvature u)`, the logistic law (``LogisticLaw``);
/// - depth `D >= 3`: `du/dT = D u^{2-2/D}(s - u)` (``DeepModeLaw``; gain and curvature 1, no decay).
///
/// `gain` and `curvature` carry dropout (mask mean and second moment) and input noise
/// (curvature `1 + N sigma^2`), as in ``TwoLayerCase``; `decay` is the weight-decay coefficient.
/// Source: Saxe, McClelland & Ganguli (ICLR 2014) Eqs. 10-15 with `s` replaced by the data's
/// own singular value (Lampinen & Ganguli, ICLR 2019; see `Notes/generalisation.md`).
public struct StudentModeLaw: Sendable, Hashable {
    /// Number of weight matrices of the student.
    public let depth: Int
    /// Factor on the mode's strength (dropout mask mean; 1 without dropout).
    public let gain: Double
    /// Weight-decay coefficient lambda of the mode law.
    public let decay: Double
    /// Factor on the saturation term (input variance, input noise, dropout second moment; 1 for
    /// a plain whitened student).
    public let curvature: Double

    /// - Throws: `invalidParameter` for `depth < 1`, a non-finite or non-positive `gain` or
    ///   `curvature`, a negative `decay`, or a deep (`D >= 3`) law with gain, curvature or decay
    ///   other than the plain ones (no closed form exists there).
    public init(depth: Int, gain: Double = 1, decay: Double = 0, curvature: Double = 1) throws(TheoryError) {
        guard depth >= 1, depth <= 1000 else {
            throw .invalidParameter(name: "depth", value: Double(depth), requirement: "a whole number from 1 to 1000")
        }
        try _requirePositive(gain, "gain")
        try _requireNonNegative(decay, "decay")
        try _requirePositive(curvature, "curvature")
        if depth >= 3 && (gain != 1 || decay != 0 || curvature != 1) {
            throw .invalidParameter(
                name: decay != 0 ? "decay" : "curvature", value: decay != 0 ? decay : curvature,
                requirement: "the plain deep law (no decay, dropout or input noise) for depth >= 3, which has no other closed form")
        }
        self.depth = depth
        self.gain = gain
        self.decay = decay
        self.curvature = curvature
    }

    /// The plain law of a depth-`depth` student (gain 1, no decay, curvature 1).
    public static func plain(depth: Int) throws(TheoryError) -> StudentModeLaw { try StudentModeLaw(depth: depth) }

    /// The limit of a mode of strength `s` as `T -> infinity` (from a positive start).
    public func fixedPoint(_ s: Double) -> Double {
        switch depth {
        case 1: return gain * s / (curvature + decay)
        case 2: return max(0, gain * s - decay) / curvature
        default: return s
        }
    }

    /// The mode strength at `T = t/tau` from `u0`, for a data mode of strength `s >= 0`.
    /// Stable for every `T >= 0` (including `+infinity`) and for `s` down to 0.
    /// - Throws: `invalidParameter` for a negative or non-finite `s`, a negative `u0` or `T`.
    public func strength(_ s: Double, from u0: Double, at T: Double) throws(TheoryError) -> Double {
        try _requireNonNegative(s, "s")
        try _requireNonNegative(u0, "u0")
        try _requireTime(T, "T")
        switch depth {
        case 1:
            let rate = curvature + decay
            let target = gain * s / rate
            if T == .infinity { return target }
            return target + (u0 - target) * exp(-rate * T)
        case 2:
            // u = u0 / (E + b u0 q), E = e^{-2aT}, q = (1 - E)/a (-> 2T as a -> 0): the logistic
            // law of ``LogisticLaw`` with every term non-negative (no cancellation, no overflow
            // to NaN: for a < 0 both E and q grow to +infinity and u -> 0).
            let a = gain * s - decay
            if u0 == 0 || T == 0 { return u0 }
            let x = 2 * a * T
            let e = exp(-x)
            let q = a == 0 ? 2 * T : -expm1(-x) / a
            return u0 / (e + curvature * u0 * q)
        default:
            if s == 0 {
                // du/dT = -D u^{3-2/D}: u^{-(2-2/D)} grows linearly at rate D(2 - 2/D).
                let k = 2 - 2 / Double(depth)
                return pow(pow(u0, -k) + Double(depth) * k * T, -1 / k)
            }
            return try DeepModeLaw(depth: depth, s: s, tau: 1).value(at: T, from: u0)
        }
    }

    /// The time `T` at which a mode of strength `s` started at `u0` reaches `target`; nil when it
    /// never does (target outside the open range between `u0` and the fixed point).
    public func time(_ s: Double, from u0: Double, to target: Double) -> Double? {
        let fixed = fixedPoint(s)
        guard s > 0, u0 > 0, target > 0 else { return nil }
        let between = (u0 < target && target < fixed) || (fixed < target && target < u0)
        guard between else { return nil }
        switch depth {
        case 1:
            let rate = curvature + decay
            return log((u0 - fixed) / (target - fixed)) / rate
        case 2:
            return try? LogisticLaw(a: gain * s - decay, b: curvature, tau: 1).time(from: u0, to: target)
        default:
            return try? DeepModeLaw(depth: depth, s: s, tau: 1).time(from: u0, to: target)
        }
    }
}
