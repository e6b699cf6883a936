import Foundation

/// The statistics of a linear regression task in Advani & Saxe's setting (arXiv 1710.03667;
/// Advani, Saxe & Sompolinsky, Neural Networks 132, 2020): inputs `x ~ N(0, I/N)` in `R^N`,
/// labels `y = wbar.x + noise`, teacher entries `wbar_i ~ N(0, teacher variance)`, label noise
/// `N(0, noise variance)`, student `yhat = w.x` started at `w0_i ~ N(0, init variance)`, trained
/// by gradient flow on `L = 1/2 sum_mu (y - w.x)^2` (summed correlations, `tau dw/dt = Sigma_yx -
/// Sigma_xx w`), `P` samples, `alpha = P/N`.
///
/// Conventions of the errors (no factor 1/2):
/// - test `E_g = E[(y - w.x)^2]` on a fresh example, label noise included: `|w - wbar|^2/N + noise variance`;
/// - train `E_t = (1/P) sum_mu (y_mu - w.x_mu)^2`.
public struct RegressionTask: Sendable, Hashable {
    /// Variance of each teacher entry `wbar_i` (the signal power per input).
    public let teacherVariance: Double
    /// Variance of the label noise added to `wbar.x`.
    public let noiseVariance: Double
    /// Variance of each entry of the student's start `w0` (`0`: started at the origin).
    public let initVariance: Double

    /// A task from its three variances.
    ///
    /// - Throws: `invalidParameter` for a negative or non-finite variance, or a zero teacher
    ///   and noise variance together.
    public init(teacherVariance: Double, noiseVariance: Double, initVariance: Double = 0) throws(TheoryError) {
        try _requireNonNegative(teacherVariance, "teacher_variance")
        try _requireNonNegative(noiseVariance, "noise_variance")
        try _requireNonNegative(initVariance, "init_variance")
        self.teacherVariance = teacherVariance
        self.noiseVariance = noiseVariance
        self.initVariance = initVariance
    }

    /// Signal-to-noise ratio `teacher variance / noise variance` (infinite without noise).
    public var snr: Double { teacherVariance / noiseVariance }
}

/// The exact gradient-flow solution of linear regression on one data set, from the
/// eigendecomposition `Sigma_xx = V diag(lam) V^T` (Advani & Saxe's Eq. for the shallow
/// network, exact at any N): in the eigenbasis, with `c = V^T Sigma_yx` and
/// `phi(lam, T) = (1 - e^{-lam T})/lam` (`T` at `lam = 0`),
///
///     w_i(T) = w0_i e^{-lam_i T} + c_i phi(lam_i, T),
///
/// so directions with `lam_i = 0` stay at their start. `T = t/tau`.
public struct RegressionExact: Sendable, Hashable {
    /// Eigenvalues of `Sigma_xx` (N of them; those below `zeroThreshold` are treated as 0).
    public let eigenvalues: [Double]
    /// `c = V^T Sigma_yx`.
    public let projectedCorrelation: [Double]
    /// `V^T w0`.
    public let projectedStart: [Double]
    /// `V^T wbar`.
    public let projectedTeacher: [Double]
    /// `sum_mu y_mu^2`.
    public let labelPower: Double
    /// Number of training samples `P`.
    public let samples: Int
    /// The task the data set was drawn from (its noise variance enters the test error).
    public let task: RegressionTask
    /// Eigenvalues at or below it count as exactly 0 (`N * eps * max eigenvalue`).
    public let zeroThreshold: Double

    /// The solution from one data set, already projected onto the eigenbasis of `Sigma_xx`.
    ///
    /// - Throws: `invalidParameter` when the lengths differ or a value is not finite.
    public init(
        eigenvalues: [Double], projectedCorrelation: [Double], projectedStart: [Double], projectedTeacher: [Double],
        labelPower: Double, samples: Int, task: RegressionTask
    ) throws(TheoryError) {
        let n = eigenvalues.count
        guard n >= 1, projectedCorrelation.count == n, projectedStart.count == n, projectedTeacher.count == n else {
            throw .invalidParameter(name: "eigenvalues", value: Double(n), requirement: "as many as the projections")
        }
        guard samples >= 1 else { throw .invalidParameter(name: "samples", value: Double(samples), requirement: ">= 1") }
        for v in eigenvalues + projectedCorrelation + projectedStart + projectedTeacher { try _requireFinite(v, "spectrum") }
        try _requireNonNegative(labelPower, "labelPower")
        let top = eigenvalues.map(abs).max() ?? 0
        let threshold = Double(n) * Double.ulpOfOne * max(top, 1e-300) * 16
        zeroThreshold = threshold
        self.eigenvalues = eigenvalues.map { $0 <= threshold ? 0 : $0 }
        self.projectedCorrelation = projectedCorrelation
        self.projectedStart = projectedStart
        self.projectedTeacher = projectedTeacher
        self.labelPower = labelPower
        self.samples = samples
        self.task = task
    }

    /// Input dimension `N`.
    public var inputs: Int { eigenvalues.count }
    /// Rank of `Sigma_xx`: the number of eigenvalues above ``zeroThreshold`` (at most `P`).
    public var rank: Int { eigenvalues.filter { $0 > 0 }.count }

    /// `e^{-lam T}` and `phi(lam, T) = (1 - e^{-lam T})/lam`, stable for `lam -> 0` and `T = infinity`.
    /// A direction with `lam = 0` has `c = 0` in exact arithmetic (`Sigma_yx = X^T y` lies in
    /// the row space of X): at finite `T` it follows the rounding in `c` as the flow does
    /// (`phi = T`); at `T = infinity` it stays at its start (`phi = 0`, not `0 * infinity`).
    @inline(__always)
    static func decay(_ lam: Double, _ T: Double) -> (e: Double, phi: Double) {
        if lam == 0 { return (1, T.isFinite ? T : 0) }
        if T == .infinity { return (0, 1 / lam) }
        let x = lam * T
        return (exp(-x), -expm1(-x) / lam)
    }

    /// The weights in the eigenbasis at `T`.
    public func weights(at T: Double) -> [Double] {
        (0..<inputs).map { i in
            let (e, phi) = Self.decay(eigenvalues[i], T)
            return projectedStart[i] * e + projectedCorrelation[i] * phi
        }
    }

    /// Realised errors of this data set: test `|w - wbar|^2/N + noise variance`, train
    /// `(1/P) |y - X w|^2 = (1/P)[sum y^2 - 2 c.w + sum lam w^2]`.
    public func errors(at T: Double) -> ErrorPair {
        let w = weights(at: T)
        var test = 0.0, train = labelPower
        for i in 0..<inputs {
            let d = w[i] - projectedTeacher[i]
            test += d * d
            train += w[i] * (eigenvalues[i] * w[i] - 2 * projectedCorrelation[i])
        }
        return ErrorPair(train: max(0, train) / Double(samples), test: test / Double(inputs) + task.noiseVariance)
    }

    /// The errors averaged over teacher, label noise and init for these inputs (still exact at
    /// finite N):
    ///
    ///     E[E_g | X] = s_e + (1/N) sum_i [(s_w + s_0) e^{-2 lam_i T} + s_e lam_i phi_i^2]
    ///     E[E_t | X] = (1/P) [sum_{lam_i > 0} (s_e + lam_i (s_w + s_0)) e^{-2 lam_i T} + s_e (P - rank)]
    public func expectedErrors(at T: Double) -> ErrorPair {
        let sw = task.teacherVariance + task.initVariance, se = task.noiseVariance
        var test = 0.0, train = se * Double(max(0, samples - rank))
        for lam in eigenvalues {
            let (e, phi) = Self.decay(lam, T)
            test += sw * e * e + se * lam * phi * phi
            if lam > 0 { train += (se + lam * sw) * e * e }
        }
        return ErrorPair(train: train / Double(samples), test: se + test / Double(inputs))
    }

    /// Per-eigendirection optimal stopping of the expected test error (exact, zero init):
    /// `T_i* = ln(1 + lam_i s_w/s_e)/lam_i`; nil for `lam_i = 0` or without noise (never stop).
    public func modeStoppingTimes() -> [Double?] {
        eigenvalues.map { lam in
            guard lam > 0, task.noiseVariance > 0 else { return nil }
            return log1p(lam * task.snr) / lam
        }
    }

    /// The minimum over `T` of the realised test error of this data set.
    public func optimalStopping() throws(TheoryError) -> OptimalStopping {
        try _minimizeOverTime { T in self.errors(at: T).test }
    }

    /// The minimum over `T` of the expected test error given these inputs.
    public func expectedOptimalStopping() throws(TheoryError) -> OptimalStopping {
        try _minimizeOverTime { T in self.expectedErrors(at: T).test }
    }

    /// Test error of the optimal ridge estimator `w = (Sigma_xx + gamma I)^{-1} Sigma_yx`,
    /// `gamma = s_e/s_w` (the Bayes optimum for a Gaussian teacher), on this data set (realised)
    /// and in expectation given the inputs: `s_e + (1/N) sum_i s_w s_e/(lam_i s_w + s_e)`.
    public func ridgeTestError() -> (realised: Double, expected: Double) {
        let sw = task.teacherVariance, se = task.noiseVariance
        var realised = 0.0, expected = 0.0
        for i in 0..<inputs {
            let lam = eigenvalues[i]
            let w = se > 0 ? projectedCorrelation[i] / (lam + se / sw) : (lam > 0 ? projectedCorrelation[i] / lam : 0)
            let d = w - projectedTeacher[i]
            realised += d * d
            expected += se > 0 ? sw * se / (lam * sw + se) : (lam > 0 ? 0 : sw)
        }
        return (se + realised / Double(inputs), se + expected / Double(inputs))
    }
}

/// The large-N (N, P -> infinity, alpha = P/N fixed) curves of Advani & Saxe: the expected
/// errors as Marchenko-Pastur integrals over the spectrum of `Sigma_xx` (``MarchenkoPastur``),
/// with `s_w = teacher + init variance`:
///
///     E_g(T) = s_e + (1 - alpha)_+ s_w + int rho(lam) [s_w e^{-2 lam T} + s_e (1 - e^{-lam T})^2 / lam] dlam
///     E_t(T) = s_e (1 - 1/alpha)_+ + (1/alpha) int rho(lam) (s_e + lam s_w) e^{-2 lam T} dlam
///
/// and, as `T -> infinity`, `E_g = s_e/(1 - alpha) + (1 - alpha) s_w` (alpha < 1),
/// `s_e alpha/(alpha - 1)` (alpha > 1), infinite at alpha = 1: the overfitting peak.
public struct RegressionTheory: Sendable, Hashable {
    /// Load `alpha = P/N`, samples per input dimension.
    public let alpha: Double
    /// Teacher, noise and start variances.
    public let task: RegressionTask
    let spectrum: MarchenkoPastur

    /// The large-N theory at load `alpha`.
    ///
    /// - Throws: `invalidParameter` unless alpha is finite and positive.
    public init(alpha: Double, task: RegressionTask) throws(TheoryError) {
        try _requirePositive(alpha, "alpha")
        self.alpha = alpha
        self.task = task
        spectrum = try MarchenkoPastur(ratio: alpha)
    }

    /// Train error `E_t(T)` and test error `E_g(T)` of the formulas above, at `T = t/tau`
    /// (`+infinity` gives the converged values).
    ///
    /// - Throws: `invalidParameter` for a negative or NaN `T`.
    public func errors(at T: Double) throws(TheoryError) -> ErrorPair {
        try _requireTime(T, "T")
        let sw = task.teacherVariance + task.initVariance, se = task.noiseVariance
        if T == .infinity {
            return ErrorPair(train: trainErrorAtConvergence, test: testErrorAtConvergence)
        }
        let test = se + spectrum.massAtZero * sw + spectrum.integrate { lam in
            let x = lam * T
            let e = exp(-x), m = -expm1(-x)
            return sw * e * e + se * m * m / lam
        }
        let train = se * max(0, 1 - 1 / alpha) + spectrum.integrate { lam in
            let e = exp(-lam * T)
            return (se + lam * sw) * e * e
        } / alpha
        return ErrorPair(train: train, test: test)
    }

    /// `E_g(infinity)`; `+infinity` at alpha = 1 with label noise.
    public var testErrorAtConvergence: Double {
        let sw = task.teacherVariance + task.initVariance, se = task.noiseVariance
        if alpha < 1 { return se / (1 - alpha) + (1 - alpha) * sw }
        if alpha > 1 { return se * alpha / (alpha - 1) }
        return se > 0 ? .infinity : 0
    }

    /// `E_t(infinity)`: 0 for alpha <= 1, `s_e (1 - 1/alpha)` above.
    public var trainErrorAtConvergence: Double { alpha <= 1 ? 0 : task.noiseVariance * (1 - 1 / alpha) }

    /// The optimal ridge (Bayes) test error `s_e + (1 - alpha)_+ s_w + int rho s_w s_e/(lam s_w + s_e)` (zero init).
    public var ridgeTestError: Double {
        let sw = task.teacherVariance, se = task.noiseVariance
        guard se > 0 else { return 0 }
        return se + spectrum.massAtZero * sw + spectrum.integrate { lam in sw * se / (lam * sw + se) }
    }

    /// The minimum of the large-N test error over `T` (early stopping); finite at alpha = 1.
    public func optimalStopping() throws(TheoryError) -> OptimalStopping {
        try _minimizeOverTime { T throws(TheoryError) in try self.errors(at: T).test }
    }
}
