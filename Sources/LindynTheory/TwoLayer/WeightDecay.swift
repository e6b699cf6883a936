import Foundation

/// Weight decay on a two-layer mode: closed forms that do not fit the logistic law.
///
/// Conventions: penalty `(lambda/2)(||W1||^2 + ||W2||^2)`, loss with 1/2, `tau = 1/learningRate`,
/// `t` in epochs. Source: the two-layer mode equations of Saxe et al. 2014 (Eq. 8) with the
/// gradient of the penalty added; derivation in `Notes/weight-decay.md`.
public enum WeightDecay {
    /// Decay of the layer imbalance: with `tau a' = b(s - ab) - lambda a`,
    /// `tau b' = a(s - ab) - lambda b`, `d/dt (a^2 - b^2) = -(2 lambda/tau)(a^2 - b^2)`, so
    /// `a^2 - b^2 = (a0^2 - b0^2) e^{-2 lambda t/tau}` exactly (weight decay balances the layers;
    /// without decay the imbalance is conserved).
    /// - Parameter initialImbalance: `a0^2 - b0^2` (any sign).
    /// - Parameter t: the time in epochs.
    /// - Parameter tau: the time constant (1 / learning rate).
    /// - Parameter lambda: the weight-decay coefficient.
    /// - Throws: `invalidParameter` for `lambda < 0`, `tau <= 0`, `t < 0`, non-finite imbalance.
    public static func imbalance(
        initialImbalance: Double, lambda: Double, tau: Double, at t: Double
    ) throws(TheoryError) -> Double {
        try _requireFinite(initialImbalance, "initialImbalance")
        try _requireNonNegative(lambda, "lambda")
        try _requirePositive(tau, "tau")
        try _requireTime(t, "t")
        if initialImbalance == 0 || lambda == 0 { return initialImbalance }
        return initialImbalance * exp(-2 * lambda * t / tau)
    }

    /// Soft thresholding of a singular value: the learned strength `max(s - lambda, 0)` of a
    /// balanced two-layer mode (modes with `s <= lambda` are never learned).
    public static func learnedStrength(s: Double, lambda: Double) throws(TheoryError) -> Double {
        try _requirePositive(s, "s")
        try _requireNonNegative(lambda, "lambda")
        return max(s - lambda, 0)
    }
}
