import Foundation

/// The two-layer cases whose balanced per-mode dynamics are the logistic law
/// `tau du/dt = 2u(a - b u)` (``LogisticLaw``), with their coefficients `(a, b)`.
///
/// Conventions: loss with a factor 1/2, `tau = 1/learningRate`, `t` in epochs. The autoencoder
/// cases use Pretorius et al.'s units: loss `(1/2N) sum ||x - W2 W1 x~||^2` with summed
/// `Sigma = sum x x^T`, so `tau = N/learningRate` there. Dropout uses keep probability `p`.
///
/// | case | a | b | fixed point | test-time output |
/// |---|---|---|---|---|
/// | `scalar(x:y:)` | `x y` | `x^2` | `y/x` | `u` (output `u x`) |
/// | `saxeMode(s:)` | `s` | `1` | `s` | `u` |
/// | `weightDecay(s:lambda:)` | `s - lambda` | `1` | `s - lambda` | `u` |
/// | `autoencoder(eigenvalue:)` | `l` | `l` | `1` | `u` |
/// | `denoisingAutoencoder` | `l` | `l + N sigma^2` | `l/(l + N sigma^2)` | `u` |
/// | `weightDecayAutoencoder` | `l - N gamma` | `l` | `1 - N gamma/l` | `u` |
/// | `regularizedAutoencoder` | `l - N gamma` | `l + N sigma^2` | ratio | `u` |
/// | `dropout(s:keepProbability:)` | `p s` | `p` | `s` | `p u` |
/// | `invertedDropout` | `s` | `1/p` | `p s` | `u` |
/// | `dropoutSpread(units: K)` | `p s` | `p kappa` | `s/kappa` | `p u` |
///
/// with `kappa = p + (1-p)/K`. Sources: Saxe et al. ICLR 2014 (Eqs. 10-12); Pretorius, Kroon,
/// Kamper ICML 2018 and their code (`dynamics.py`); Srivastava et al. JMLR 2014 Sec. 9.1 and
/// Mianjy, Arora, Vidal ICML 2018 (dropout as an expected-loss regulariser). Derivations:
/// `Notes/logistic-law.md`, `Notes/weight-decay.md`, `Notes/autoencoders.md`, `Notes/dropout.md`.
public enum TwoLayerCase: Sendable, Hashable {
    /// Scalar network `yhat = w2 w1 x`, loss `1/2 (y - w2 w1 x)^2`; `u = w1 w2`. Needs `x != 0`.
    case scalar(x: Double, y: Double)
    /// Saxe mode with singular value `s > 0` of the whitened input-output correlation.
    case saxeMode(s: Double)
    /// Saxe mode with weight decay `(lambda/2)(||W1||^2 + ||W2||^2)`, `lambda >= 0`.
    /// Modes with `s <= lambda` are never learned (`a <= 0`).
    case weightDecay(s: Double, lambda: Double)
    /// Linear autoencoder mode with data-covariance eigenvalue `lambda_i > 0` (summed Sigma).
    case autoencoder(eigenvalue: Double)
    /// Denoising autoencoder with Gaussian input noise of variance `sigma^2` and `N` samples.
    case denoisingAutoencoder(eigenvalue: Double, sampleCount: Int, noiseVariance: Double)
    /// Weight-decay autoencoder with penalty `(gamma/2)(||W1||^2 + ||W2||^2)`, `N` samples.
    case weightDecayAutoencoder(eigenvalue: Double, sampleCount: Int, gamma: Double)
    /// Both noise and decay (the general formula of Pretorius et al.'s code).
    case regularizedAutoencoder(
        eigenvalue: Double, sampleCount: Int, noiseVariance: Double, gamma: Double)
    /// Standard (not inverted) dropout on the hidden unit of a mode, keep probability `p`.
    case dropout(s: Double, keepProbability: Double)
    /// Inverted dropout (mask divided by `p`), one hidden unit per mode.
    case invertedDropout(s: Double, keepProbability: Double)
    /// Standard dropout with the mode spread evenly over `K >= 1` hidden units.
    case dropoutSpread(s: Double, keepProbability: Double, units: Int)

    /// The coefficients `(a, b)` of `tau du/dt = 2u(a - b u)` (table above).
    /// - Throws: `TheoryError.invalidParameter` naming the offending parameter (`x` must be
    ///   non-zero; `s`, `eigenvalue` > 0; `lambda`, `gamma`, `noiseVariance` >= 0;
    ///   `sampleCount`, `units` >= 1; `keepProbability` in (0, 1]).
    public func coefficients() throws(TheoryError) -> (a: Double, b: Double) {
        switch self {
        case let .scalar(x, y):
            try _requireFinite(x, "x")
            try _requireFinite(y, "y")
            guard x != 0 else {
                throw .invalidParameter(name: "x", value: x, requirement: "non-zero")
            }
            return (x * y, x * x)
        case let .saxeMode(s):
            try _requirePositive(s, "s")
            return (s, 1)
        case let .weightDecay(s, lambda):
            try _requirePositive(s, "s")
            try _requireNonNegative(lambda, "lambda")
            return (s - lambda, 1)
        case let .autoencoder(l):
            try _requirePositive(l, "eigenvalue")
            return (l, l)
        case let .denoisingAutoencoder(l, n, sigma2):
            return try TwoLayerCase.regularizedAutoencoder(
                eigenvalue: l, sampleCount: n, noiseVariance: sigma2, gamma: 0
            ).coefficients()
        case let .weightDecayAutoencoder(l, n, gamma):
            return try TwoLayerCase.regularizedAutoencoder(
                eigenvalue: l, sampleCount: n, noiseVariance: 0, gamma: gamma
            ).coefficients()
        case let .regularizedAutoencoder(l, n, sigma2, gamma):
            try _requirePositive(l, "eigenvalue")
            guard n >= 1 else {
                throw .invalidParameter(name: "sampleCount", value: Double(n), requirement: ">= 1")
            }
            try _requireNonNegative(sigma2, "noiseVariance")
            try _requireNonNegative(gamma, "gamma")
            let bigN = Double(n)
            return (l - bigN * gamma, l + bigN * sigma2)
        case let .dropout(s, p):
            try _requirePositive(s, "s")
            try _requireProbability(p, "keepProbability")
            return (p * s, p)
        case let .invertedDropout(s, p):
            try _requirePositive(s, "s")
            try _requireProbability(p, "keepProbability")
            return (s, 1 / p)
        case let .dropoutSpread(s, p, k):
            try _requirePositive(s, "s")
            try _requireProbability(p, "keepProbability")
            guard k >= 1 else {
                throw .invalidParameter(name: "units", value: Double(k), requirement: ">= 1")
            }
            let kappa = p + (1 - p) / Double(k)
            return (p * s, p * kappa)
        }
    }

    /// Factor from the training-time mode strength `u` to the strength the trained network
    /// outputs at test time: `p` for standard dropout (test-time weights are scaled by the keep
    /// probability), `1` for every other case (inverted dropout already rescales in training).
    public var testOutputFactor: Double {
        switch self {
        case let .dropout(_, p), let .dropoutSpread(_, p, _): return p
        default: return 1
        }
    }

    /// The logistic law of this case with time constant `tau`.
    public func law(tau: Double) throws(TheoryError) -> LogisticLaw {
        try LogisticLaw(self, tau: tau)
    }
}
