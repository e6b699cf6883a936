import Foundation

/// Closed-form relations between linear, denoising (DAE) and weight-decay (WDAE) autoencoders.
///
/// Units follow Pretorius, Kroon, Kamper (ICML 2018) and their code: loss
/// `(1/2N) sum_i ||x_i - W2 W1 x~_i||^2`, `x~ = x + N(0, sigma^2 I)`, summed covariance
/// `Sigma = sum x x^T = Q Lambda Q^T`, `tau = N/learningRate`. Per mode `i` (eigenvalue `l`,
/// `xi = l + N sigma^2`) the laws are logistic (``TwoLayerCase``): AE `(l, l)`, DAE `(l, xi)`,
/// WDAE `(l - N gamma, l)`. Derivations in `Notes/autoencoders.md`.
public enum Autoencoders {
    private static func _check(_ l: Double, _ n: Int, _ sigma2: Double) throws(TheoryError) {
        try _requirePositive(l, "eigenvalue")
        guard n >= 1 else {
            throw .invalidParameter(name: "sampleCount", value: Double(n), requirement: ">= 1")
        }
        try _requireNonNegative(sigma2, "noiseVariance")
    }

    /// The per-mode weight decay whose WDAE has the same fixed point as the DAE:
    /// `1 - N gamma/l = l/(l + N sigma^2)`  =>  `gamma_i = l sigma^2 / (l + N sigma^2)`.
    /// No single `gamma` does this for all modes at once.
    public static func matchedWeightDecay(eigenvalue l: Double, sampleCount n: Int, noiseVariance sigma2: Double)
        throws(TheoryError) -> Double
    {
        try _check(l, n, sigma2)
        return l * sigma2 / (l + Double(n) * sigma2)
    }

    /// `t_half(WDAE with matched gamma_i) / t_half(DAE) = 1 + N sigma^2 / l`, exactly, for every
    /// start `u0` below half the (common) fixed point. (WDAE: `a = l^2/xi`, DAE: `a = l`, same
    /// `a/b`, so the half times differ only by the factor `1/(2a)`.)
    public static func halfTimeRatio(eigenvalue l: Double, sampleCount n: Int, noiseVariance sigma2: Double)
        throws(TheoryError) -> Double
    {
        try _check(l, n, sigma2)
        return 1 + Double(n) * sigma2 / l
    }

    /// The learning rate at which the matched WDAE reproduces a DAE trained at `alpha`
    /// *step for step* under gradient descent: `alpha' = alpha xi / l`, `xi = l + N sigma^2`.
    /// (DAE map `u (1 + alpha (l - xi u))^2`; WDAE map `u (1 + alpha' (l/xi)(l - xi u))^2`.)
    public static func equivalentWeightDecayLearningRate(
        denoisingLearningRate alpha: Double, eigenvalue l: Double, sampleCount n: Int,
        noiseVariance sigma2: Double
    ) throws(TheoryError) -> Double {
        try _requirePositive(alpha, "denoisingLearningRate")
        try _check(l, n, sigma2)
        return alpha * (l + Double(n) * sigma2) / l
    }
}
