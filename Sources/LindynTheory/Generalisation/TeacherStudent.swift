import Foundation

/// Train and test error of a student trained on a noisy teacher, at one time.
public struct ErrorPair: Sendable, Hashable {
    /// Normalised training error.
    public var train: Double
    /// Normalised test error.
    public var test: Double

    /// A pair of normalised errors.
    public init(train: Double, test: Double) {
        self.train = train
        self.test = test
    }
}

/// Where the test error of a curve is smallest (early stopping).
public struct OptimalStopping: Sendable, Hashable {
    /// `T* = t*/tau`; `+infinity` when the error only decreases (stopping never helps).
    public var time: Double
    /// The test error there.
    public var testError: Double
}

/// The exact finite-size generalisation dynamics of a deep linear student trained on one data
/// set from a noisy low-rank teacher, Lampinen & Ganguli (ICLR 2019): with `P = N1` orthonormal
/// inputs (`Sigma_xx = I`) and a training-aligned start (every student mode at strength `eps` on
/// the top `N2` singular vectors of the data's `Sigma_yx = sum_b shat_b uhat_b vhat_b^T`), the
/// modes stay decoupled and mode `b` follows the ``StudentModeLaw`` with `s = shat_b`
/// (science: Saxe et al. 2014 with the empirical singular value). With `m_b = uhat_b^T W_bar vhat_b`:
///
///     E_train(T) = sum_b (shat_b - u_b(T))^2 / sum_b shat_b^2           (= ||Sigma_yx - W||^2 / ||Sigma_yx||^2)
///     E_test(T)  = [sum_b u_b^2 - 2 sum_b u_b m_b + ||W_bar||^2] / ||W_bar||^2   (= ||W - W_bar||^2 / ||W_bar||^2)
///
/// Both normalised, without a factor 1/2; the test error is on fresh noise-free inputs with
/// `sum x x^T = I`. Exact at any size (no large-N assumption). `T = t/tau`.
public struct TeacherStudentExact: Sendable, Hashable {
    /// The data's singular values `shat_b` (all of them, descending).
    public let singularValues: [Double]
    /// `m_b = uhat_b^T W_bar vhat_b`, one per singular value.
    public let teacherOverlaps: [Double]
    /// `||W_bar||_F^2`.
    public let teacherNormSquared: Double
    /// Student modes (hidden width `N2`, capped at the number of singular values).
    public let studentModes: Int
    /// The start of each carried mode.
    public let initialStrength: Double
    /// The per-mode law every student mode follows.
    public let law: StudentModeLaw

    /// The exact curves of one data set, from its singular values and the teacher's overlaps.
    ///
    /// - Throws: `invalidParameter` for mismatched lengths, negative singular values, a
    ///   non-positive teacher norm or start.
    public init(
        singularValues: [Double], teacherOverlaps: [Double], teacherNormSquared: Double, studentModes: Int,
        initialStrength: Double, law: StudentModeLaw
    ) throws(TheoryError) {
        guard singularValues.count == teacherOverlaps.count, !singularValues.isEmpty else {
            throw .invalidParameter(name: "teacherOverlaps", value: Double(teacherOverlaps.count), requirement: "one per singular value (\(singularValues.count))")
        }
        for s in singularValues { try _requireNonNegative(s, "singularValues") }
        for m in teacherOverlaps { try _requireFinite(m, "teacherOverlaps") }
        try _requirePositive(teacherNormSquared, "teacherNormSquared")
        try _requirePositive(initialStrength, "initialStrength")
        guard studentModes >= 1 else { throw .invalidParameter(name: "studentModes", value: Double(studentModes), requirement: ">= 1") }
        self.singularValues = singularValues
        self.teacherOverlaps = teacherOverlaps
        self.teacherNormSquared = teacherNormSquared
        self.studentModes = min(studentModes, singularValues.count)
        self.initialStrength = initialStrength
        self.law = law
    }

    /// Student mode strengths at `T` (0 on the modes the student cannot carry).
    public func strengths(at T: Double) throws(TheoryError) -> [Double] {
        var u = [Double](repeating: 0, count: singularValues.count)
        for b in 0..<studentModes { u[b] = try law.strength(singularValues[b], from: initialStrength, at: T) }
        return u
    }

    /// Normalised test error of the student `W = sum_b u_b uhat_b vhat_b^T`.
    public func testError(strengths u: [Double]) -> Double {
        var total = teacherNormSquared
        for b in 0..<u.count { total += u[b] * (u[b] - 2 * teacherOverlaps[b]) }
        return max(0, total) / teacherNormSquared
    }

    /// Normalised training error of the same student.
    public func trainError(strengths u: [Double]) -> Double {
        var num = 0.0, den = 0.0
        for b in 0..<u.count {
            let d = singularValues[b] - u[b]
            num += d * d
            den += singularValues[b] * singularValues[b]
        }
        return den > 0 ? num / den : 0
    }

    /// Normalised train and test error at `T = t/tau` (formulas above).
    ///
    /// - Throws: as ``strengths(at:)``.
    public func errors(at T: Double) throws(TheoryError) -> ErrorPair {
        let u = try strengths(at: T)
        return ErrorPair(train: trainError(strengths: u), test: testError(strengths: u))
    }

    /// Per-mode optimal stopping: mode `b`'s test term `u^2 - 2 u m_b` is smallest at `u = m_b`,
    /// reached at this `T` (nil when the mode never passes through `m_b`). Exact for this data set.
    public func modeStoppingTimes() -> [Double?] {
        (0..<studentModes).map { b in
            law.time(singularValues[b], from: initialStrength, to: teacherOverlaps[b])
        }
    }

    /// Minimises a curve `f(T)` over `T` in `[1e-6, 1e7]` (log-grid scan, then golden section to
    /// 1e-9 relative in `T`); `T = +infinity` when the curve only decreases.
    public static func minimizeOverTime(_ f: (Double) -> Double) throws(TheoryError) -> OptimalStopping {
        try _minimizeOverTime { T in f(T) }
    }

    /// The global minimum of the test error over `T` (1-D minimisation of the exact curve).
    public func optimalStopping() throws(TheoryError) -> OptimalStopping {
        try _minimizeOverTime { T throws(TheoryError) in try self.errors(at: T).test }
    }

    /// The data-only shrinkage estimator of Lampinen & Ganguli (their talk's slide on whether
    /// optimally stopped descent is optimal): singular vectors of the data, singular values
    /// `sbar(shat_b) O(sbar(shat_b))` for the outliers above the bulk edge and 0 for the rest
    /// (``SpikedTeacherTheory``); its exact test error on this data set.
    public func shrinkageTestError(aspectRatio: Double) throws(TheoryError) -> Double {
        let theory = try SpikedTeacherTheory(aspectRatio: aspectRatio)
        let u = singularValues.map { theory.shrunkSingularValue($0) }
        return testError(strengths: u)
    }
}

/// The large-N theory of a noisy low-rank teacher (Lampinen & Ganguli, ICLR 2019, after
/// Benaych-Georges & Nadakuditi 2012): the data `Sigma_yx = W_bar + noise`, with `W_bar` an
/// `N3 x N1` teacher of singular values `sbar_a` and noise entries iid `N(0, 1/N1)` (noise
/// standard deviation 1: `sbar` is a signal-to-noise ratio), as `N1, N3 -> infinity` with
/// `A = N3/N1` in `(0, 1]` and the `sbar_a` fixed.
///
/// - outlier `shat(sbar) = sqrt((1 + sbar^2)(A + sbar^2))/sbar` above the threshold `A^{1/4}`,
///   else the bulk edge `1 + sqrt A`;
/// - overlap `O(sbar) = |uhat.ubar| |vhat.vbar|`, the square root of
///   `[1 - A(1 + sbar^2)/(sbar^2(A + sbar^2))][1 - (A + sbar^2)/(sbar^2(1 + sbar^2))]`, 0 below threshold;
/// - the other singular values fill the Marchenko-Pastur bulk with `shat^2` distributed as
///   ``MarchenkoPastur`` of ratio `A` (mass normalised to 1, `<shat^2> = 1`).
public struct SpikedTeacherTheory: Sendable, Hashable {
    /// `A = N3/N1`, outputs per input, in `(0, 1]`.
    public let aspectRatio: Double
    let bulk: MarchenkoPastur

    /// - Throws: `invalidParameter` unless `0 < A <= 1` (the theory assumes no more outputs than inputs).
    public init(aspectRatio A: Double) throws(TheoryError) {
        guard A.isFinite, A > 0, A <= 1 else {
            throw .invalidParameter(name: "A", value: A, requirement: "in (0, 1] (N3 <= N1: no more outputs than inputs)")
        }
        aspectRatio = A
        bulk = try MarchenkoPastur(ratio: A, grading: 6)
    }

    /// `A^{1/4}`: teacher modes at or below it leave no outlier.
    public var threshold: Double { pow(aspectRatio, 0.25) }
    /// `1 + sqrt A`, the top of the noise bulk.
    public var bulkEdge: Double { 1 + aspectRatio.squareRoot() }

    /// The empirical singular value a teacher mode `sbar` produces.
    public func outlier(_ sbar: Double) -> Double {
        let A = aspectRatio
        guard sbar > threshold else { return bulkEdge }
        let s2 = sbar * sbar
        return ((1 + s2) * (A + s2)).squareRoot() / sbar
    }

    /// The overlap `O(sbar)` of the empirical mode with the teacher mode.
    public func overlap(_ sbar: Double) -> Double {
        let A = aspectRatio
        guard sbar > threshold else { return 0 }
        let s2 = sbar * sbar
        let left = 1 - A * (1 + s2) / (s2 * (A + s2))
        let right = 1 - (A + s2) / (s2 * (1 + s2))
        return max(0, left * right).squareRoot()
    }

    /// The teacher strength that produces the outlier `shat` (inverse of ``outlier(_:)``),
    /// `sbar^2 = [shat^2 - 1 - A + sqrt((shat^2 - 1 - A)^2 - 4A)]/2`; nil at or below the bulk edge.
    public func signal(fromOutlier shat: Double) -> Double? {
        let A = aspectRatio
        guard shat > bulkEdge else { return nil }
        let q = shat * shat - 1 - A
        let disc = max(0, q * q - 4 * A)
        return (0.5 * (q + disc.squareRoot())).squareRoot()
    }

    /// The shrinkage estimator's singular value for an observed `shat`: `sbar O(sbar)` with
    /// `sbar = signal(fromOutlier: shat)`, 0 inside the bulk.
    public func shrunkSingularValue(_ shat: Double) -> Double {
        guard let sbar = signal(fromOutlier: shat) else { return 0 }
        return sbar * overlap(sbar)
    }

    /// The large-N test error of the shrinkage estimator, `sum sbar^2 (1 - O^2) / sum sbar^2`
    /// (independent of N and of the start).
    public func shrinkageTestError(_ teacher: [Double]) -> Double {
        let norm = teacher.reduce(0) { $0 + $1 * $1 }
        let err = teacher.reduce(0) { $0 + $1 * $1 * (1 - overlap($1) * overlap($1)) }
        return err / norm
    }

    /// The angle splitting the bulk into its top `fraction` (largest `shat`) and the rest.
    func split(fraction: Double) -> Double { bulk.angle(belowFraction: 1 - fraction) }

    /// `integral f(shat) P(shat) dshat` over the bulk above the angle `split` when `top`, or
    /// below it, divided by `mass` (that part's mass, ``bulkMass(split:top:)``).
    func bulkAverage(split: Double, top: Bool, mass: Double, _ f: (Double) -> Double) -> Double {
        let (a, b) = top ? (split, Double.pi) : (0, split)
        guard mass > 0 else { return 0 }
        return bulk.integrate(from: a, to: b) { lam in f(lam.squareRoot()) } / mass
    }

    /// The mass of the bulk above (`top`) or below the angle `split`.
    func bulkMass(split: Double, top: Bool) -> Double {
        let (a, b) = top ? (split, Double.pi) : (0, split)
        return bulk.integrate(from: a, to: b) { _ in 1 }
    }

    /// Mean of `shat^2` over the bulk (1 by the normalisation; computed, as a check).
    public var bulkMeanSquare: Double { bulk.integrate { $0 } / bulk.integrate { _ in 1 } }
}

/// The large-N train and test curves of Lampinen & Ganguli (their poster's `trainerrth`,
/// `generrth`): `N2 >= Nb2` student modes from a training-aligned start `eps`, signal modes at
/// `shat(sbar_a)` with overlap `O(sbar_a)`, and the `N2 - Nb2` remaining student modes on the top
/// fraction `f = (N2 - Nb2)/(N3 - Nb2)` of the bulk:
///
///     E_test  = [(N2 - Nb2) <u^2>_top + sum_a (u_a^2 - 2 sbar_a O_a u_a + sbar_a^2)] / sum_a sbar_a^2
///     E_train = [(N3 - N2) <shat^2>_rest + (N2 - Nb2) <(shat - u)^2>_top + sum_a (shat_a - u_a)^2]
///               / [sum_a shat_a^2 + (N3 - Nb2) <shat^2>]
///
/// `N` appears explicitly (the noise power grows with N while the signal does not), so the
/// normalised curves depend on N and `eps`, not only on A. Asymptotic: the relative error is
/// O(N^{-1/2}) for one data set (it drops the O(1) depletion of the bulk by the outliers and
/// the bulk-teacher cross terms).
public struct TeacherStudentTheory: Sendable, Hashable {
    /// The teacher's singular values `sbar_a` (its rank `Nb2` is their count).
    public let teacher: [Double]
    /// Input width `N1` (also the number of samples `P`).
    public let inputs: Int
    /// Output width `N3`.
    public let outputs: Int
    /// Student hidden width `N2`, the number of student modes.
    public let hidden: Int
    /// Start `eps` of every student mode.
    public let initialStrength: Double
    /// The per-mode law every student mode follows.
    public let law: StudentModeLaw
    /// Outliers, overlaps and bulk of the data's singular values at `A = outputs/inputs`.
    public let spiked: SpikedTeacherTheory
    /// The angle splitting the bulk at the top fraction the free student modes fit.
    let splitAngle: Double
    /// The masses of the bulk above and below it, and `<shat^2>` over the whole bulk.
    let topMass: Double, restMass: Double, meanSquare: Double
    /// `<shat^2>` over the part of the bulk the student does not fit (time-independent).
    let restSquare: Double

    /// The large-N curves of a rank-`teacher.count` teacher.
    ///
    /// - Throws: `invalidParameter` for `A = outputs/inputs > 1`, a hidden width below the
    ///   teacher rank or above the outputs, a rank of 0 or above `outputs`, or a non-positive
    ///   start or teacher value.
    public init(teacher: [Double], inputs: Int, outputs: Int, hidden: Int, initialStrength: Double, law: StudentModeLaw) throws(TheoryError) {
        guard !teacher.isEmpty, teacher.count < outputs else {
            throw .invalidParameter(name: "rank", value: Double(teacher.count), requirement: "between 1 and outputs - 1 = \(outputs - 1)")
        }
        for s in teacher { try _requirePositive(s, "teacher") }
        guard hidden >= teacher.count, hidden <= outputs else {
            throw .invalidParameter(name: "hidden", value: Double(hidden), requirement: "between the teacher rank \(teacher.count) and the outputs \(outputs)")
        }
        try _requirePositive(initialStrength, "initialStrength")
        spiked = try SpikedTeacherTheory(aspectRatio: Double(outputs) / Double(inputs))
        self.teacher = teacher
        self.inputs = inputs
        self.outputs = outputs
        self.hidden = hidden
        self.initialStrength = initialStrength
        self.law = law
        let split = spiked.split(fraction: Double(hidden - teacher.count) / Double(outputs - teacher.count))
        splitAngle = split
        topMass = spiked.bulkMass(split: split, top: true)
        restMass = spiked.bulkMass(split: split, top: false)
        meanSquare = spiked.bulkMeanSquare
        restSquare = hidden < outputs ? spiked.bulkAverage(split: split, top: false, mass: restMass) { $0 * $0 } : 0
    }

    /// `A = outputs/inputs`.
    public var aspectRatio: Double { spiked.aspectRatio }

    /// Normalised train and test error at `T = t/tau` (formulas above).
    ///
    /// - Throws: `invalidParameter` for a negative or NaN `T`.
    public func errors(at T: Double) throws(TheoryError) -> ErrorPair {
        let rank = Double(teacher.count)
        let free = Double(hidden) - rank
        let bulkModes = Double(outputs) - rank
        var signalTest = 0.0, signalTrain = 0.0, signalPower = 0.0
        for sbar in teacher {
            let shat = spiked.outlier(sbar), o = spiked.overlap(sbar)
            let u = try law.strength(shat, from: initialStrength, at: T)
            signalTest += u * u - 2 * sbar * o * u + sbar * sbar
            signalTrain += (shat - u) * (shat - u)
            signalPower += shat * shat
        }
        let norm = teacher.reduce(0) { $0 + $1 * $1 }
        var failure: TheoryError? = nil
        func g(_ shat: Double) -> Double {
            do { return try law.strength(shat, from: initialStrength, at: T) } catch { failure = error; return 0 }
        }
        var topSquare = 0.0, topResidual = 0.0
        if free > 0 {
            topSquare = spiked.bulkAverage(split: splitAngle, top: true, mass: topMass) { let u = g($0); return u * u }
            topResidual = spiked.bulkAverage(split: splitAngle, top: true, mass: topMass) { let d = $0 - g($0); return d * d }
        }
        if let failure { throw failure }
        let test = (free * topSquare + signalTest) / norm
        let train = ((Double(outputs) - Double(hidden)) * restSquare + free * topResidual + signalTrain)
            / (signalPower + bulkModes * meanSquare)
        return ErrorPair(train: train, test: test)
    }

    /// The global minimum of the large-N test error over `T`.
    public func optimalStopping() throws(TheoryError) -> OptimalStopping {
        try _minimizeOverTime { T throws(TheoryError) in try self.errors(at: T).test }
    }

    /// The signal-only stopping time of teacher mode `a` (ignoring the bulk's growth, so it
    /// overestimates the full optimum): the mode's test term is smallest at `u = sbar O(sbar)`.
    /// Nil below the threshold or when the mode never reaches that strength.
    public func signalStoppingTime(_ sbar: Double) -> Double? {
        let o = spiked.overlap(sbar)
        guard o > 0 else { return nil }
        return law.time(spiked.outlier(sbar), from: initialStrength, to: sbar * o)
    }
}

/// Minimises `f(T)` over `T` in `[1e-6, 1e7]`: a scan on a logarithmic grid (eight points a
/// decade), then golden-section refinement between the neighbours of the best point to a
/// relative 1e-9 in `T`.
/// A minimum at the last grid point means the curve only decreases: `T = +infinity` with `f(inf)`.
func _minimizeOverTime(_ f: (Double) throws(TheoryError) -> Double) throws(TheoryError) -> OptimalStopping {
    let lo = log(1e-6), hi = log(1e7), n = 104
    var best = 0, values: [Double] = []
    var grid: [Double] = []
    for k in 0...n {
        let x = lo + (hi - lo) * Double(k) / Double(n)
        grid.append(x)
        let v = try f(exp(x))
        values.append(v)
        if v < values[best] { best = k }
    }
    if best == n {
        return OptimalStopping(time: .infinity, testError: try f(.infinity))
    }
    var a = grid[max(0, best - 1)], b = grid[min(n, best + 1)]
    let ratio = (5.0.squareRoot() - 1) / 2
    var c = b - ratio * (b - a), d = a + ratio * (b - a)
    var fc = try f(exp(c)), fd = try f(exp(d))
    for _ in 0..<200 where b - a > 1e-9 {
        if fc < fd {
            b = d; d = c; fd = fc
            c = b - ratio * (b - a); fc = try f(exp(c))
        } else {
            a = c; c = d; fc = fd
            d = a + ratio * (b - a); fd = try f(exp(d))
        }
    }
    let x = 0.5 * (a + b)
    let candidate = try f(exp(x))
    if best == 0 && candidate >= values[0] { return OptimalStopping(time: exp(grid[0]), testError: values[0]) }
    return OptimalStopping(time: exp(x), testError: candidate)
}
