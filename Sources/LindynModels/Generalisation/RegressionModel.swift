import Foundation
import LindynIntegrator
import LindynTheory

/// Advani & Saxe's shallow regression (arXiv 1710.03667; Neural Networks 132, 2020): a student
/// `yhat = w.x` learns a noisy linear teacher from `P` samples, by full-batch gradient flow on
/// `L = 1/2 sum_mu (y_mu - w.x_mu)^2 (+ weight_decay/2 |w|^2)`, i.e. `tau dw/dt = Sigma_yx - (Sigma_xx + lambda I) w` with the summed
/// correlations of the actual samples, `Sigma_xx = X^T X`, `Sigma_yx = X^T y`.
///
/// Seeded data (each quantity from its own stream, so changing one variance leaves the others):
/// inputs `x ~ N(0, I/N)`, teacher `wbar_i ~ N(0, teacher_variance)`, labels
/// `y = wbar.x + e`, `e ~ N(0, noise_variance)`, start `w0_i ~ N(0, init_variance)`.
///
/// Observables (no factor 1/2): `train_error = (1/P) sum_mu (y_mu - w.x_mu)^2` and
/// `test_error = |w - wbar|^2/N + noise_variance`, the expected squared error on a fresh example
/// with its label noise (the noise floor included).
public struct RegressionModel: Dynamics {
    public let kind = "regression"
    /// The input dimension N.
    public let inputs: Int
    /// The sample count P.
    public let samples: Int
    /// The teacher and noise variances.
    public let task: RegressionTask
    /// Seed of the data and the start.
    public let seed: UInt64
    /// tau = 1 / learning rate.
    public let tauValue: Double
    /// Sample inputs, P x N row-major.
    public let x: [Double]
    /// Labels.
    public let y: [Double]
    /// The teacher weights wbar.
    public let teacher: [Double]
    /// The starting weights w0.
    public let initialWeights: [Double]
    /// `X^T X`, N x N row-major.
    public let sigmaXX: [Double]
    /// `X^T y`.
    public let sigmaYX: [Double]
    /// `sum_mu y_mu^2`.
    public let labelPower: Double

    /// Largest input dimension and sample count accepted (the flow's state has N entries and its
    /// Jacobian N^2; the samples cost P N).
    public static let maxInputs = 2048
    /// Largest P N accepted.
    public static let maxSampleEntries = 8_000_000

    /// Draws the data set of `task` with `inputs` = N and `samples` = P from `seed`.
    /// - Throws: `ArgumentError` naming `inputs` (1 to ``maxInputs``), `samples` (at least 1,
    ///   P N at most ``maxSampleEntries``) or `tau` (> 0).
    public init(inputs: Int, samples: Int, task: RegressionTask, seed: UInt64 = 1, tau: Double = 1) throws(ArgumentError) {
        guard inputs >= 1, inputs <= Self.maxInputs else {
            throw ArgumentError(argument: "inputs", message: "must be between 1 and \(Self.maxInputs), got \(inputs)")
        }
        guard samples >= 1 else { throw ArgumentError(argument: "samples", message: "must be at least 1, got \(samples)") }
        guard samples <= Self.maxSampleEntries / inputs else {
            throw ArgumentError(argument: "samples", message: "P N = \(samples) x \(inputs) sample entries; at most \(Self.maxSampleEntries) are supported")
        }
        try BuilderCheck.positive(tau, "tau")
        self.inputs = inputs
        self.samples = samples
        self.task = task
        self.seed = seed
        tauValue = tau
        let n = inputs, p = samples
        var gx = SeededGenerator(seed: seed &* 4 &+ 1)
        let scale = 1 / Double(n).squareRoot()
        let x = (0..<(p * n)).map { _ in scale * gx.normal() }
        var gw = SeededGenerator(seed: seed &* 4 &+ 2)
        let teacher = (0..<n).map { _ in task.teacherVariance.squareRoot() * gw.normal() }
        var ge = SeededGenerator(seed: seed &* 4 &+ 3)
        var y = [Double](repeating: 0, count: p)
        for mu in 0..<p {
            var dot = 0.0
            for i in 0..<n { dot += x[mu * n + i] * teacher[i] }
            y[mu] = dot + task.noiseVariance.squareRoot() * ge.normal()
        }
        var g0 = SeededGenerator(seed: seed &* 4 &+ 4)
        initialWeights = (0..<n).map { _ in task.initVariance.squareRoot() * g0.normal() }
        var xx = [Double](repeating: 0, count: n * n)
        x.withUnsafeBufferPointer { xp in
            xx.withUnsafeMutableBufferPointer { c in
                LinearAlgebra.gemm(transposeA: true, transposeB: false, m: n, n: n, k: p, alpha: 1, a: xp.baseAddress!, lda: n,
                                   b: xp.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
            }
        }
        // Exactly symmetric (the product is, up to the summation order of the BLAS kernel).
        for i in 0..<n { for j in 0..<i { let m = 0.5 * (xx[i * n + j] + xx[j * n + i]); xx[i * n + j] = m; xx[j * n + i] = m } }
        var yx = [Double](repeating: 0, count: n)
        for mu in 0..<p { for i in 0..<n { yx[i] += x[mu * n + i] * y[mu] } }
        self.x = x
        self.y = y
        self.teacher = teacher
        sigmaXX = xx
        sigmaYX = yx
        labelPower = y.reduce(0) { $0 + $1 * $1 }
    }

    /// `alpha = P/N`.
    public var alpha: Double { Double(samples) / Double(inputs) }

    public var stateNames: [String] { (1...inputs).map { "w\($0)" } }
    public var observableNames: [String] { ["train_error", "test_error"] }
    public var initialState: [Double] { initialWeights }
    public var tau: Double? { tauValue }

    public func makeFlow() throws(InputError) -> FlowInstance {
        let flow = Flow(self)
        return FlowInstance(system: flow) { w, out in flow.observe(w, out) }
    }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        let instance = try makeFlow()
        return EulerDescent(flow: instance, initial: initialWeights, weightNames: stateNames, observableNames: observableNames, tau: tauValue)
    }

    /// The exact solution of this data set's flow, from the eigendecomposition of `Sigma_xx`.
    /// - Throws: `TheoryError` (`notConverged` when the eigendecomposition fails).
    public func exactSolution() throws(TheoryError) -> RegressionExact {
        let values: [Double], vectors: [[Double]]
        do { (values, vectors) = try LinearAlgebra.symmetricEigenSystem(sigmaXX, n: inputs) } catch {
            throw .notConverged(procedure: "the eigendecomposition of Sigma_xx", detail: error.message)
        }
        func project(_ v: [Double]) -> [Double] {
            vectors.map { e in zip(e, v).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        return try RegressionExact(
            eigenvalues: values, projectedCorrelation: project(sigmaYX), projectedStart: project(initialWeights),
            projectedTeacher: project(teacher), labelPower: labelPower, samples: samples, task: task)
    }

    /// `tau w' = Sigma_yx - (Sigma_xx + lambda I) w`; Jacobian `-(Sigma_xx + lambda I)/tau`. Buffers are allocated once,
    /// so the right-hand side and the observer allocate nothing.
    final class Flow: ODESystem {
        let dimension: Int
        let n: Int
        let invTau: Double
        let xx: UnsafeMutablePointer<Double>
        let yx: UnsafeMutablePointer<Double>
        let teacher: UnsafeMutablePointer<Double>
        let scratch: UnsafeMutablePointer<Double>
        let labelPower: Double
        let samples: Double
        let noise: Double
        let decay: Double

        init(_ m: RegressionModel) {
            n = m.inputs
            dimension = m.inputs
            invTau = 1 / m.tauValue
            func copy(_ a: [Double]) -> UnsafeMutablePointer<Double> {
                let p = UnsafeMutablePointer<Double>.allocate(capacity: max(a.count, 1))
                p.initialize(repeating: 0, count: max(a.count, 1))
                p.update(from: a, count: a.count)
                return p
            }
            xx = copy(m.sigmaXX)
            yx = copy(m.sigmaYX)
            teacher = copy(m.teacher)
            scratch = copy([Double](repeating: 0, count: m.inputs))
            labelPower = m.labelPower
            samples = Double(m.samples)
            noise = m.task.noiseVariance
            decay = m.task.weightDecay
        }

        deinit { for p in [xx, yx, teacher, scratch] { p.deallocate() } }

        var providesJacobian: Bool { true }

        /// scratch = Sigma_xx w (a plain loop: BLAS's matrix-vector paths may allocate per call).
        @inline(__always)
        func product(_ w: UnsafePointer<Double>) {
            for i in 0..<n {
                var total = 0.0
                let row = xx + i * n
                for j in 0..<n { total += row[j] * w[j] }
                scratch[i] = total
            }
        }

        func rightHandSide(t: Double, y w: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            product(w)
            for i in 0..<n { dydt[i] = invTau * (yx[i] - scratch[i] - decay * w[i]) }
        }

        func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            for i in 0..<n {
                dfdt[i] = 0
                for j in 0..<n { dfdy[i * n + j] = -invTau * xx[i * n + j] }
                dfdy[i * n + i] -= invTau * decay
            }
        }

        /// train_error = (1/P)(sum y^2 - 2 w.Sigma_yx + w.Sigma_xx w), test_error = |w - wbar|^2/N + noise variance.
        func observe(_ w: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
            product(w)
            var train = labelPower, test = 0.0
            for i in 0..<n {
                train += w[i] * (scratch[i] - 2 * yx[i])
                let d = w[i] - teacher[i]
                test += d * d
            }
            out[0] = max(0, train) / samples
            out[1] = test / Double(n) + noise
        }
    }
}

extension ModelParser {
    /// `{"kind": "regression", "inputs": N, "samples": P, "teacher_variance", "noise_variance",
    /// "init_variance" (0), "weight_decay" (0), "tau" or "learning_rate", "seed" (1)}`.
    static func regression(_ f: Field) throws(ProblemFileError) -> RegressionModel {
        try f.onlyKeys(["kind", "inputs", "samples", "teacher_variance", "noise_variance", "init_variance", "weight_decay", "seed", "tau", "learning_rate"])
        let n = try f["inputs"].int("the input dimension N (a whole number)")
        guard n >= 1, n <= RegressionModel.maxInputs else {
            throw f["inputs"].error("must be between 1 and \(RegressionModel.maxInputs), got \(n)")
        }
        let p = try f["samples"].int("the number of training samples P (a whole number)")
        guard p >= 1 else { throw f["samples"].error("must be at least 1 (P < 1 leaves nothing to train on), got \(p)") }
        guard p * n <= RegressionModel.maxSampleEntries else {
            throw f["samples"].error("P N = \(p * n) sample entries; at most \(RegressionModel.maxSampleEntries) are supported")
        }
        let teacher = try nonNegative(f["teacher_variance"], default: 1)
        let noise = try nonNegative(f["noise_variance"], default: 0)
        let initial = try nonNegative(f["init_variance"], default: 0)
        let decay = try nonNegative(f["weight_decay"], default: 0)
        for (key, v) in [("teacher_variance", teacher), ("noise_variance", noise), ("init_variance", initial), ("weight_decay", decay)] where v > 1e100 {
            throw f[key].error("must be at most 1e100 (larger variances overflow the squared errors), got \(v)")
        }
        guard teacher > 0 || noise > 0 else {
            throw f["teacher_variance"].error("teacher_variance and noise_variance are both 0: the labels are all zero; give a positive teacher_variance")
        }
        let task: RegressionTask
        do { task = try RegressionTask(teacherVariance: teacher, noiseVariance: noise, initVariance: initial, weightDecay: decay) } catch {
            throw f.error("\(error)")
        }
        let seed = try seed(f["seed"]), tau = try tau(f)
        do {
            return try RegressionModel(inputs: n, samples: p, task: task, seed: seed, tau: tau)
        } catch {
            throw f[error.argument].error(error.message)
        }
    }
}
