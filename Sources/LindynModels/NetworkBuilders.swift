import Foundation
import LindynIntegrator

/// How a network's weights start.
public struct NetworkInit: Sendable, Hashable {
    /// `decoupled` (one mode per hidden unit, balanced), `random` (Gaussian entries),
    /// `explicit` (the weights given), `zero_balanced` / `lambda_balanced` (two layers with
    /// W2^T W2 - W1 W1^T = lambda I, see `lambdaBalancedWeights(widths:u:v:initialization:)`).
    public enum Kind: String, Sendable, Hashable {
        /// One mode per hidden unit, each balanced at u0 = scale^D (Saxe, McClelland and Ganguli 2014).
        case decoupled
        /// Independent Gaussian entries of deviation `scale`.
        case random
        /// The weights in ``NetworkInit/weights``.
        case explicit
        /// Two layers with W2^T W2 = W1 W1^T (Braun, Dominé, Fitzgerald and Saxe, NeurIPS 2022).
        case zeroBalanced = "zero_balanced"
        /// Two layers with W2^T W2 - W1 W1^T = lambda I (Dominé et al., ICLR 2025).
        case lambdaBalanced = "lambda_balanced"
    }
    /// Which construction.
    public var kind: Kind
    /// Decoupled: the per-layer value of each mode (initial mode strength scale^D). Random: the
    /// standard deviation of the Gaussian entries. Balanced: the deviation of the random factor.
    public var scale: Double
    /// Seed of the random entries or factor.
    public var seed: UInt64
    /// The balance lambda of a lambda-balanced init (0 for zero-balanced).
    public var lambda: Double
    /// Balanced inits: built in the task's singular basis (each mode a scalar pair) when true.
    public var aligned: Bool
    /// Explicit init: every weight, in state order.
    public var weights: [Double]?

    /// An init of `kind` (decoupled by default) with the given scale and settings.
    public init(kind: Kind = .decoupled, scale: Double, seed: UInt64 = 1, lambda: Double = 0, aligned: Bool = false, weights: [Double]? = nil) {
        self.kind = kind
        self.scale = scale
        self.seed = seed
        self.lambda = lambda
        self.aligned = aligned
        self.weights = weights
    }
}

/// A seeded random orthogonal n x n matrix (row-major): Gaussian entries orthonormalised on the
/// columns, signs fixed so the diagonal of R is positive (the Haar distribution). Up to 128 rows,
/// by modified Gram-Schmidt, twice, for full working accuracy; larger matrices by classical
/// Gram-Schmidt, twice, on BLAS (the same Q to working accuracy, in a fraction of a second at
/// n = 1024 rather than minutes).
/// Empty for `n` < 1.
/// - Parameters:
///   - n: the number of rows and columns.
///   - seed: the seed of the Gaussian entries (the same seed gives the same matrix).
///   - columns: only the first `columns` columns are orthonormalised (each depends only on the
///     ones before it, so they are the same as in the full matrix); the rest are left 0.
public func randomOrthogonal(_ n: Int, seed: UInt64, columns: Int? = nil) -> [Double] {
    guard n >= 1 else { return [] }
    var g = SeededGenerator(seed: seed)
    let q = (0..<(n * n)).map { _ in g.normal() }
    let kept = min(n, max(0, columns ?? n))
    // The columns are worked on as contiguous rows of the transpose.
    var t = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<kept { t[j * n + i] = q[i * n + j] } }
    var r = [Double](repeating: 0, count: n)
    t.withUnsafeMutableBufferPointer { buffer in
        r.withUnsafeMutableBufferPointer { rb in
            let c = buffer.baseAddress!, coefficients = rb.baseAddress!
            for j in 0..<kept {
                let cj = c + j * n
                for _ in 0..<2 {
                    if n <= 128 {
                        var k = 0
                        while k < j {
                            let ck = c + k * n
                            var dot = 0.0, i = 0
                            while i < n { dot += ck[i] * cj[i]; i += 1 }
                            i = 0
                            while i < n { cj[i] -= dot * ck[i]; i += 1 }
                            k += 1
                        }
                    } else if j > 0 {
                        // r = Q_{<j}^T q_j, then q_j -= Q_{<j} r (rows < j of the transpose).
                        LinearAlgebra.gemm(transposeA: false, transposeB: false, m: j, n: 1, k: n, alpha: 1, a: c, lda: n,
                                           b: cj, ldb: 1, beta: 0, c: coefficients, ldc: 1)
                        LinearAlgebra.gemm(transposeA: true, transposeB: false, m: n, n: 1, k: j, alpha: -1, a: c, lda: n,
                                           b: coefficients, ldb: 1, beta: 1, c: cj, ldc: 1)
                    }
                }
                var norm = 0.0, i = 0
                while i < n { norm += cj[i] * cj[i]; i += 1 }
                norm = norm.squareRoot()
                i = 0
                while i < n { cj[i] /= norm; i += 1 }
            }
        }
    }
    var out = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<kept { out[i * n + j] = t[j * n + i] } }
    return out
}

func identity(_ n: Int) -> [Double] {
    var m = [Double](repeating: 0, count: n * n)
    for i in 0..<n { m[i * n + i] = 1 }
    return m
}

func column(_ m: [Double], _ n: Int, _ j: Int) -> [Double] { (0..<n).map { m[$0 * n + j] } }

extension NetworkModel {
    /// Saxe's setting: Sigma_yx = U S V^T with r = singular values, U (n_D x n_D) and V (n_0 x n_0)
    /// seeded random orthogonal (identity when `aligned`), Sigma_xx = V diag(input eigenvalues) V^T
    /// + N sigma^2 I (nil, i.e. exactly I, when whitened and noiseless).
    ///
    /// Decoupled init: hidden unit a carries mode a in every layer with value `scale`, so
    /// W_1 = sum_a scale e_a v_a^T, W_l = sum_a scale e_a e_a^T, W_D = sum_a scale u_a e_a^T, and
    /// each mode starts balanced at u0 = scale^D. Random init: Gaussian entries of deviation `scale`.
    ///
    /// The defaults are those of a `network` model in a problem file: whitened input, the
    /// standard decoupled init (``NetworkInit/standard(depth:)``, u0 = 1e-3), no decay, dropout or
    /// noise, one sample, a random task basis from seed 1, tau = 1.
    /// - Parameters:
    ///   - widths: n_0 (input), hidden widths, n_D (output): at least two, each 1 to 4096, at most
    ///     2,000,000 weights.
    ///   - singularValues: the task's singular values, 1 to min(n_0, n_D) non-negative numbers.
    ///   - inputEigenvalues: the eigenvalues of Sigma_xx along the task's input directions
    ///     (n_0 positive numbers); nil for whitened input.
    ///   - initialization: how the weights start; nil for ``NetworkInit/standard(depth:)``.
    ///   - weightDecay: lambda >= 0.
    ///   - dropout: dropout on the hidden units (two-layer networks only, `units` 1).
    ///   - noiseVariance: input-noise variance sigma^2 >= 0.
    ///   - samples: the sample count N (a whole number >= 1) that scales the noise.
    ///   - aligned: identity task basis instead of a seeded random one.
    ///   - seed: the seed of the task basis.
    ///   - tau: the time constant (1 / learning rate), > 0.
    /// - Throws: `ArgumentError` naming the argument at fault.
    public static func saxe(
        widths: [Int], singularValues: [Double], inputEigenvalues: [Double]? = nil, initialization: NetworkInit? = nil,
        weightDecay: Double = 0, dropout: DropoutSettings? = nil, noiseVariance: Double = 0, samples: Double = 1,
        aligned: Bool = false, seed: UInt64 = 1, tau: Double = 1
    ) throws(ArgumentError) -> NetworkModel {
        try BuilderCheck.widths(widths)
        let n0 = widths[0], nD = widths[widths.count - 1]
        guard !singularValues.isEmpty, singularValues.count <= min(n0, nD) else {
            throw ArgumentError(argument: "singularValues", message: "expected 1 to \(min(n0, nD)) values (at most min(n0, nD)), got \(singularValues.count)")
        }
        if let k = singularValues.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw ArgumentError(argument: "singularValues", message: "entry \(k) must be a non-negative number, got \(singularValues[k])")
        }
        if let e = inputEigenvalues {
            guard e.count == n0 else {
                throw ArgumentError(argument: "inputEigenvalues", message: "expected \(n0) values (the input width), got \(e.count)")
            }
            if let k = e.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
                throw ArgumentError(argument: "inputEigenvalues", message: "entry \(k) must be a positive number, got \(e[k])")
            }
        }
        let initialization = initialization ?? .standard(depth: widths.count - 1)
        try BuilderCheck.initialization(initialization, widths: widths)
        try BuilderCheck.nonNegative(weightDecay, "weightDecay")
        try BuilderCheck.dropout(dropout, depth: widths.count - 1, allowUnits: false)
        try BuilderCheck.nonNegative(noiseVariance, "noiseVariance")
        try BuilderCheck.samples(samples)
        try BuilderCheck.positive(tau, "tau")
        let u = aligned ? identity(nD) : randomOrthogonal(nD, seed: seed &* 2 &+ 1)
        let v = aligned ? identity(n0) : randomOrthogonal(n0, seed: seed &* 2 &+ 2)
        let lambdas = inputEigenvalues ?? Array(repeating: 1, count: n0)
        var sigmaYX = [Double](repeating: 0, count: nD * n0)
        for (a, s) in singularValues.enumerated() {
            for i in 0..<nD {
                for j in 0..<n0 { sigmaYX[i * n0 + j] += s * u[i * nD + a] * v[j * n0 + a] }
            }
        }
        let noise = samples * noiseVariance
        var sigmaXX: [Double]? = nil
        if noise != 0 || lambdas.contains(where: { $0 != 1 }) {
            var xx = [Double](repeating: 0, count: n0 * n0)
            for a in 0..<n0 {
                for i in 0..<n0 {
                    for j in 0..<n0 { xx[i * n0 + j] += lambdas[a] * v[i * n0 + a] * v[j * n0 + a] }
                }
            }
            for i in 0..<n0 { xx[i * n0 + i] += noise }
            sigmaXX = xx
        }
        let capacity = widths.dropFirst().dropLast().min() ?? min(n0, nD)
        let depth = widths.count - 1
        let modes = singularValues.enumerated().map { a, s in
            NetworkMode(
                s: s, inputVariance: lambdas[a], output: column(u, nD, a), input: column(v, n0, a),
                initialStrength: initialization.kind == .decoupled ? (a < capacity ? pow(initialization.scale, Double(depth)) : 0) : nil,
                learnable: a < capacity)
        }
        let weights = initialWeights(widths: widths, u: u, v: v, modeCount: min(singularValues.count, capacity), initialization: initialization)
        var model = try NetworkModel(
            kind: "network", widths: widths, sigmaYX: sigmaYX, sigmaXX: sigmaXX, modes: modes, initialWeights: weights,
            weightDecay: weightDecay, dropout: dropout, noiseVariance: noiseVariance, samples: samples, tau: tau)
        model.initKind = initialization.kind
        return model
    }

    /// A linear autoencoder (Pretorius, Kroon and Kamper's setting): input covariance
    /// Sigma = sum x x^T = Q diag(eigenvalues) Q^T (Q seeded random orthogonal, identity when
    /// `aligned`), target = input so Sigma_yx = Sigma, Gaussian input noise of variance sigma^2 on
    /// N samples gives Sigma_xx = Sigma + N sigma^2 I, and weight decay gamma on the mean loss is
    /// N gamma on the summed loss. Observables u_i = q_i^T W q_i for the top `hidden` directions.
    ///
    /// The defaults are those of an `autoencoder` model in a problem file.
    /// - Parameters:
    ///   - eigenvalues: the eigenvalues of sum x x^T, 1 to 1024 positive numbers (the input width).
    ///   - hidden: the hidden width H, from 1 to the input width.
    ///   - samples: the sample count N, a whole number >= 1.
    ///   - noiseVariance: input-noise variance sigma^2 >= 0.
    ///   - weightDecay: gamma >= 0, on the mean loss.
    ///   - initialization: a decoupled or random init; nil for ``NetworkInit/standard(depth:)``.
    ///   - aligned: identity eigenbasis (the default) instead of a seeded random one.
    ///   - seed: the seed of the eigenbasis.
    ///   - tau: the time constant of the summed loss, > 0.
    /// - Throws: `ArgumentError` naming the argument at fault.
    public static func autoencoder(
        eigenvalues: [Double], hidden: Int, samples: Double = 1, noiseVariance: Double = 0, weightDecay: Double = 0,
        initialization: NetworkInit? = nil, aligned: Bool = true, seed: UInt64 = 1, tau: Double = 1
    ) throws(ArgumentError) -> NetworkModel {
        guard !eigenvalues.isEmpty, eigenvalues.count <= 1024 else {
            throw ArgumentError(argument: "eigenvalues", message: "expected 1 to 1024 values, got \(eigenvalues.count)")
        }
        if let k = eigenvalues.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw ArgumentError(argument: "eigenvalues", message: "entry \(k) must be a positive number, got \(eigenvalues[k])")
        }
        guard hidden >= 1, hidden <= eigenvalues.count else {
            throw ArgumentError(argument: "hidden", message: "must be between 1 and the input width \(eigenvalues.count), got \(hidden)")
        }
        try BuilderCheck.samples(samples)
        try BuilderCheck.nonNegative(noiseVariance, "noiseVariance")
        try BuilderCheck.nonNegative(weightDecay, "weightDecay")
        let initialization = initialization ?? .standard(depth: 2)
        guard initialization.kind == .decoupled || initialization.kind == .random else {
            throw ArgumentError(argument: "initialization.kind", message: "an autoencoder starts decoupled or random, got \(initialization.kind.rawValue)")
        }
        try BuilderCheck.positive(initialization.scale, "initialization.scale")
        try BuilderCheck.positive(tau, "tau")
        let n = eigenvalues.count
        let order = eigenvalues.indices.sorted { eigenvalues[$0] > eigenvalues[$1] }
        let sorted = order.map { eigenvalues[$0] }
        let q = aligned ? identity(n) : randomOrthogonal(n, seed: seed &* 2 &+ 1)
        // Column a of `basis` is the eigenvector of the a-th largest eigenvalue.
        var basis = [Double](repeating: 0, count: n * n)
        for (a, original) in order.enumerated() {
            for i in 0..<n { basis[i * n + a] = q[i * n + original] }
        }
        var sigma = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for i in 0..<n {
                for j in 0..<n { sigma[i * n + j] += sorted[a] * basis[i * n + a] * basis[j * n + a] }
            }
        }
        var sigmaXX = sigma
        for i in 0..<n { sigmaXX[i * n + i] += samples * noiseVariance }
        let widths = [n, hidden, n]
        let modes = (0..<hidden).map { a in
            NetworkMode(
                s: sorted[a], inputVariance: sorted[a], output: column(basis, n, a), input: column(basis, n, a),
                initialStrength: initialization.kind == .decoupled ? initialization.scale * initialization.scale : nil,
                learnable: true)
        }
        let weights = initialWeights(widths: widths, u: basis, v: basis, modeCount: hidden, initialization: initialization)
        return try NetworkModel(
            kind: "autoencoder", widths: widths, sigmaYX: sigma, sigmaXX: sigmaXX, modes: modes, initialWeights: weights,
            weightDecay: samples * weightDecay, dropout: nil, noiseVariance: noiseVariance, samples: samples, tau: tau)
    }

    static func initialWeights(widths: [Int], u: [Double], v: [Double], modeCount: Int, initialization: NetworkInit) -> [Double] {
        let depth = widths.count - 1
        let n0 = widths[0], nD = widths[depth]
        var weights: [Double] = []
        switch initialization.kind {
        case .random:
            var g = SeededGenerator(seed: initialization.seed)
            for l in 1...depth {
                for _ in 0..<(widths[l] * widths[l - 1]) { weights.append(initialization.scale * g.normal()) }
            }
        case .explicit:
            weights = initialization.weights ?? []
        case .zeroBalanced, .lambdaBalanced:
            weights = lambdaBalancedWeights(widths: widths, u: u, v: v, initialization: initialization)
        case .decoupled:
            let a = initialization.scale
            for l in 1...depth {
                let rows = widths[l], cols = widths[l - 1]
                var w = [Double](repeating: 0, count: rows * cols)
                for m in 0..<modeCount {
                    if l == 1 && l == depth {
                        for i in 0..<rows { for j in 0..<cols { w[i * cols + j] += a * u[i * nD + m] * v[j * n0 + m] } }
                    } else if l == 1 {
                        for j in 0..<cols { w[m * cols + j] += a * v[j * n0 + m] }
                    } else if l == depth {
                        for i in 0..<rows { w[i * cols + m] += a * u[i * nD + m] }
                    } else {
                        w[m * cols + m] = a
                    }
                }
                weights += w
            }
        }
        return weights
    }
}
