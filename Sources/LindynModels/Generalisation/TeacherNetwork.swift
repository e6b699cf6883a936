import Foundation
import LindynIntegrator
import LindynTheory

/// A finite data set drawn from a noisy linear teacher (the `data` block of a `network`
/// model), after Lampinen & Ganguli (ICLR 2019).
///
/// - teacher `W_bar = sum_a sbar_a ubar_a vbar_a^T` (N3 x N1), singular vectors seeded random
///   orthonormal;
/// - inputs: `orthonormal` (P = N1 columns of a seeded random orthogonal matrix, so
///   `Sigma_xx = I` exactly: the case where the per-mode laws are exact), or `gaussian`
///   (`x ~ N(0, I/N1)`, P samples);
/// - labels `y = W_bar x + z`, `z` iid `N(0, label_noise^2 / N1)` per entry (so with
///   orthonormal inputs the noise part of `Sigma_yx` has iid `N(0, label_noise^2/N1)` entries
///   and `sbar / label_noise` is the signal-to-noise ratio of the theory);
/// - test distribution: fresh noise-free white inputs (`sum x x^T = I`), test error
///   `||W - W_bar||_F^2 / ||W_bar||_F^2`.
public struct TeacherData: Sendable, Hashable {
    /// How the training inputs are drawn.
    public enum Inputs: String, Sendable, Hashable {
        /// P = N1 columns of a seeded random orthogonal matrix (Sigma_xx = I exactly).
        case orthonormal
        /// x ~ N(0, I/N1), P samples.
        case gaussian
    }
    /// The input width N1.
    public let inputs: Int
    /// The output width N3.
    public let outputs: Int
    /// The sample count P.
    public let samples: Int
    /// How the inputs were drawn.
    public let inputKind: Inputs
    /// The teacher's singular values sbar, descending.
    public let teacherSingularValues: [Double]
    /// The label-noise scale (per-entry variance label_noise^2 / N1).
    public let labelNoise: Double
    /// Seed of the teacher, inputs and noise.
    public let seed: UInt64
    /// `W_bar`, N3 x N1 row-major.
    public let teacher: [Double]
    /// Teacher singular vectors (one array per mode).
    public let teacherLeft: [[Double]]
    /// The teacher's right singular vectors (one array per mode).
    public let teacherRight: [[Double]]
    /// Clean `Sigma_xx = sum x x^T` (N1 x N1); nil when exactly the identity (orthonormal inputs).
    public let sigmaXX: [Double]?
    /// `Sigma_yx = sum y x^T` (N3 x N1).
    public let sigmaYX: [Double]
    /// `sum ||y||^2`.
    public let labelPower: Double

    /// Widest input or output accepted.
    public static let maxWidth = 1024
    /// Largest P max(N1, N3) accepted.
    public static let maxSampleEntries = 8_000_000

    /// Draws the teacher and the data set from `seed`.
    /// - Throws: `ArgumentError` naming `inputs` or `outputs` (1 to ``maxWidth``), `samples`
    ///   (P = N1 for orthonormal inputs; at least 1 and P max(N1, N3) at most
    ///   ``maxSampleEntries`` for Gaussian ones), `teacher` (1 to min(N1, N3) positive finite
    ///   singular values) or `labelNoise` (finite, >= 0).
    public init(
        inputs n1: Int, outputs n3: Int, samples p: Int, inputKind: Inputs, teacher sbar: [Double], labelNoise: Double, seed: UInt64 = 1
    ) throws(ArgumentError) {
        guard (1...Self.maxWidth).contains(n1) else { throw ArgumentError(argument: "inputs", message: "must be between 1 and \(Self.maxWidth), got \(n1)") }
        guard (1...Self.maxWidth).contains(n3) else { throw ArgumentError(argument: "outputs", message: "must be between 1 and \(Self.maxWidth), got \(n3)") }
        switch inputKind {
        case .orthonormal:
            guard p == n1 else { throw ArgumentError(argument: "samples", message: "orthonormal inputs need P = N1 = \(n1) samples, got \(p)") }
        case .gaussian:
            guard p >= 1, p <= Self.maxSampleEntries / max(n1, n3) else {
                throw ArgumentError(argument: "samples", message: "must be at least 1 with P max(N1, N3) at most \(Self.maxSampleEntries), got P = \(p)")
            }
        }
        guard !sbar.isEmpty, sbar.count <= min(n1, n3) else {
            throw ArgumentError(argument: "teacher", message: "the teacher rank must be between 1 and min(N1, N3) = \(min(n1, n3)), got \(sbar.count)")
        }
        guard sbar.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw ArgumentError(argument: "teacher", message: "the teacher's singular values must be positive finite numbers")
        }
        try BuilderCheck.nonNegative(labelNoise, "labelNoise")
        inputs = n1
        outputs = n3
        samples = p
        self.inputKind = inputKind
        teacherSingularValues = sbar
        self.labelNoise = labelNoise
        self.seed = seed
        // Only the teacher's r singular vectors are used (the same columns as the full matrices').
        let u = randomOrthogonal(n3, seed: seed &* 8 &+ 1, columns: sbar.count)
        let v = randomOrthogonal(n1, seed: seed &* 8 &+ 2, columns: sbar.count)
        var w = [Double](repeating: 0, count: n3 * n1)
        for (a, s) in sbar.enumerated() {
            for i in 0..<n3 { for j in 0..<n1 { w[i * n1 + j] += s * u[i * n3 + a] * v[j * n1 + a] } }
        }
        teacher = w
        teacherLeft = sbar.indices.map { column(u, n3, $0) }
        teacherRight = sbar.indices.map { column(v, n1, $0) }
        // X: N1 x P, column mu is sample mu.
        var x: [Double]
        switch inputKind {
        case .orthonormal:
            x = randomOrthogonal(n1, seed: seed &* 8 &+ 3)
        case .gaussian:
            var g = SeededGenerator(seed: seed &* 8 &+ 3)
            let scale = 1 / Double(n1).squareRoot()
            x = (0..<(n1 * p)).map { _ in scale * g.normal() }
        }
        // Y = W_bar X + Z, N3 x P.
        var y = [Double](repeating: 0, count: n3 * p)
        w.withUnsafeBufferPointer { wp in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    LinearAlgebra.gemm(transposeA: false, transposeB: false, m: n3, n: p, k: n1, alpha: 1, a: wp.baseAddress!, lda: n1,
                                       b: xp.baseAddress!, ldb: p, beta: 0, c: yp.baseAddress!, ldc: p)
                }
            }
        }
        var gz = SeededGenerator(seed: seed &* 8 &+ 4)
        let noise = labelNoise / Double(n1).squareRoot()
        for k in 0..<(n3 * p) { y[k] += noise * gz.normal() }
        var yx = [Double](repeating: 0, count: n3 * n1)
        y.withUnsafeBufferPointer { yp in
            x.withUnsafeBufferPointer { xp in
                yx.withUnsafeMutableBufferPointer { c in
                    LinearAlgebra.gemm(transposeA: false, transposeB: true, m: n3, n: n1, k: p, alpha: 1, a: yp.baseAddress!, lda: p,
                                       b: xp.baseAddress!, ldb: p, beta: 0, c: c.baseAddress!, ldc: n1)
                }
            }
        }
        sigmaYX = yx
        labelPower = y.reduce(0) { $0 + $1 * $1 }
        if inputKind == .orthonormal {
            sigmaXX = nil
        } else {
            var xx = [Double](repeating: 0, count: n1 * n1)
            x.withUnsafeBufferPointer { xp in
                xx.withUnsafeMutableBufferPointer { c in
                    LinearAlgebra.gemm(transposeA: false, transposeB: true, m: n1, n: n1, k: p, alpha: 1, a: xp.baseAddress!, lda: p,
                                       b: xp.baseAddress!, ldb: p, beta: 0, c: c.baseAddress!, ldc: n1)
                }
            }
            for i in 0..<n1 { for j in 0..<i { let m = 0.5 * (xx[i * n1 + j] + xx[j * n1 + i]); xx[i * n1 + j] = m; xx[j * n1 + i] = m } }
            sigmaXX = xx
        }
    }

    /// ||W_bar||_F^2 = sum sbar^2.
    public var teacherNormSquared: Double { teacherSingularValues.reduce(0) { $0 + $1 * $1 } }
}

/// A `network` model trained on a ``TeacherData`` set: the network's gradient flow on the
/// data's own `Sigma_xx` (plus input noise) and `Sigma_yx`, observed through its mode strengths
/// and two errors (normalised, no factor 1/2):
/// - `train_error = sum_mu ||y_mu - m W x_mu||^2 / sum_mu ||y_mu||^2` on the clean training inputs;
/// - `test_error = ||m W - W_bar||_F^2 / ||W_bar||_F^2` on fresh white noise-free inputs,
/// with `W = W_D ... W_1` and `m` the dropout mask mean (the expected network at test time; 1
/// without dropout or with inverted dropout).
public struct TeacherNetworkModel: Dynamics {
    /// The network whose flow runs.
    public let network: NetworkModel
    /// The data set it trains on.
    public let data: TeacherData
    /// The empirical singular values and vectors of `Sigma_yx` (descending).
    public let empirical: (values: [Double], left: [[Double]], right: [[Double]])

    public var kind: String { "network" }
    public var stateNames: [String] { network.stateNames }
    public var observableNames: [String] { network.observableNames + ["train_error", "test_error"] }
    public var initialState: [Double] { network.initialState }
    public var tau: Double? { network.tau }
    var testScale: Double { network.dropout?.maskMean ?? 1 }

    /// Mode-strength observables reported (the first empirical modes); the errors cover all.
    public static let maxModeObservables = 32

    public func makeFlow() throws(InputError) -> FlowInstance {
        let inner = try network.makeFlow()
        let errors = ErrorObserver(self)
        let count = network.observableNames.count
        return FlowInstance(system: inner.system) { y, out in
            inner.observe(y, out)
            errors.observe(y, out + count)
        }
    }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        ErrorDescent(inner: try network.makeDescent(options), errors: ErrorObserver(self), names: observableNames)
    }

    /// Computes the two errors from the weights.
    final class ErrorObserver: @unchecked Sendable {
        let widths: [Int]
        let teacher: [Double]
        let sigmaYX: [Double]
        let sigmaXX: [Double]?
        let labelPower: Double
        let teacherNorm: Double
        let scale: Double
        var product: [Double]
        var next: [Double]
        var ws: [Double]

        init(_ m: TeacherNetworkModel) {
            widths = m.network.widths
            teacher = m.data.teacher
            sigmaYX = m.data.sigmaYX
            sigmaXX = m.data.sigmaXX
            labelPower = m.data.labelPower
            teacherNorm = m.data.teacherNormSquared
            scale = m.testScale
            let n0 = widths[0]
            let big = widths.max()! * n0
            product = [Double](repeating: 0, count: big)
            next = product
            ws = product
        }

        func observe(_ y: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
            let n0 = widths[0], depth = widths.count - 1, nD = widths[depth]
            for k in 0..<(widths[1] * n0) { product[k] = y[k] }
            var offset = widths[1] * n0
            if depth >= 2 {
                for l in 2...depth {
                    product.withUnsafeBufferPointer { p in
                        next.withUnsafeMutableBufferPointer { c in
                            LinearAlgebra.gemm(transposeA: false, transposeB: false, m: widths[l], n: n0, k: widths[l - 1], alpha: 1,
                                               a: y + offset, lda: widths[l - 1], b: p.baseAddress!, ldb: n0, beta: 0, c: c.baseAddress!, ldc: n0)
                        }
                    }
                    offset += widths[l] * widths[l - 1]
                    swap(&product, &next)
                }
            }
            var test = 0.0, cross = 0.0, quad = 0.0
            for k in 0..<(nD * n0) {
                let w = scale * product[k]
                let d = w - teacher[k]
                test += d * d
                cross += w * sigmaYX[k]
            }
            if let sigmaXX {
                product.withUnsafeBufferPointer { p in
                    sigmaXX.withUnsafeBufferPointer { s in
                        ws.withUnsafeMutableBufferPointer { c in
                            LinearAlgebra.gemm(transposeA: false, transposeB: false, m: nD, n: n0, k: n0, alpha: 1, a: p.baseAddress!, lda: n0,
                                               b: s.baseAddress!, ldb: n0, beta: 0, c: c.baseAddress!, ldc: n0)
                        }
                    }
                }
                for k in 0..<(nD * n0) { quad += scale * scale * product[k] * ws[k] }
            } else {
                for k in 0..<(nD * n0) { quad += scale * scale * product[k] * product[k] }
            }
            out[0] = max(0, labelPower - 2 * cross + quad) / labelPower
            out[1] = test / teacherNorm
        }
    }

    final class ErrorDescent: DescentProcess {
        let inner: any DescentProcess
        let errors: ErrorObserver
        let observableNames: [String]
        init(inner: any DescentProcess, errors: ErrorObserver, names: [String]) {
            self.inner = inner
            self.errors = errors
            observableNames = names
        }
        var weightNames: [String] { inner.weightNames }
        var learningRate: Double { inner.learningRate }
        var weights: [Double] { inner.weights }
        func step(epoch: Int) throws { try inner.step(epoch: epoch) }
        func observables(into out: UnsafeMutablePointer<Double>) {
            inner.observables(into: out)
            let w = inner.weights
            w.withUnsafeBufferPointer { errors.observe($0.baseAddress!, out + inner.observableNames.count) }
        }
        func largestMagnitude() -> Double { inner.largestMagnitude() }
    }
}

extension TeacherNetworkModel {
    /// Builds the network on the data: the modes are the empirical singular modes of `Sigma_yx`,
    /// and a decoupled init is training-aligned (each of the top hidden-width empirical modes at
    /// strength `u0 = scale^D`, balanced).
    /// - Throws: `ArgumentError` naming `widths` (fewer than two layers, or end widths other
    ///   than the data's inputs and outputs), `data` (a decomposition that failed) or the network
    ///   argument the builder refuses.
    public static func build(
        widths: [Int], data: TeacherData, initialization: NetworkInit, weightDecay: Double, dropout: DropoutSettings?,
        noiseVariance: Double, tau: Double
    ) throws(ArgumentError) -> TeacherNetworkModel {
        try BuilderCheck.widths(widths)
        let n0 = widths[0], nD = widths[widths.count - 1], depth = widths.count - 1
        guard n0 == data.inputs, nD == data.outputs else {
            throw ArgumentError(argument: "widths", message: "the first and last widths must be the data's \(data.inputs) inputs and \(data.outputs) outputs, got \(n0) and \(nD)")
        }
        let svd: (values: [Double], left: [[Double]], right: [[Double]])
        do { svd = try LinearAlgebra.singularValueDecomposition(data.sigmaYX, rows: nD, cols: n0) } catch {
            throw ArgumentError(argument: "data", message: "the data's Sigma_yx could not be decomposed: \(error.message)")
        }
        let k = svd.values.count
        var u = [Double](repeating: 0, count: nD * nD), v = [Double](repeating: 0, count: n0 * n0)
        for a in 0..<k {
            for i in 0..<nD { u[i * nD + a] = svd.left[a][i] }
            for j in 0..<n0 { v[j * n0 + a] = svd.right[a][j] }
        }
        let capacity = min(widths.dropFirst().dropLast().min() ?? k, k)
        let shown = min(k, maxModeObservables)
        let modes = (0..<shown).map { a in
            NetworkMode(
                s: svd.values[a], inputVariance: 1, output: svd.left[a], input: svd.right[a],
                initialStrength: initialization.kind == .decoupled ? (a < capacity ? pow(initialization.scale, Double(depth)) : 0) : nil,
                learnable: a < capacity)
        }
        let weights = NetworkModel.initialWeights(widths: widths, u: u, v: v, modeCount: capacity, initialization: initialization)
        let noise = Double(data.samples) * noiseVariance
        var sigmaXX = data.sigmaXX
        if noise != 0 {
            var xx = sigmaXX ?? identity(n0)
            for i in 0..<n0 { xx[i * n0 + i] += noise }
            sigmaXX = xx
        }
        let network = try NetworkModel(
            kind: "network", widths: widths, sigmaYX: data.sigmaYX, sigmaXX: sigmaXX, modes: modes, initialWeights: weights,
            weightDecay: weightDecay, dropout: dropout, noiseVariance: noiseVariance, samples: Double(data.samples), tau: tau)
        return TeacherNetworkModel(network: network, data: data, empirical: svd)
    }

    /// The exact per-mode description of this data set (orthonormal inputs, training-aligned
    /// start) and the mode law; throws a ``ProblemFileError`` naming the field when it does not apply.
    func exactTheory() throws -> (TeacherStudentExact, StudentModeLaw) {
        guard data.inputKind == .orthonormal else {
            throw ProblemFileError(
                field: "model.data.inputs",
                message: "the exact per-mode law needs orthonormal inputs (Sigma_xx = I); gaussian inputs have no closed form for a student with a hidden layer: integrate with lindyn solve")
        }
        guard let u0 = network.modes.first?.initialStrength, u0 > 0 else {
            throw ProblemFileError(field: "model.init.kind", message: "the exact law needs a training-aligned (decoupled) init; a random init has none (compare it with the aligned law by integration)")
        }
        let mean = network.dropout?.maskMean ?? 1, variance = network.dropout?.maskVariance ?? 0
        let c = 1 + Double(data.samples) * network.noiseVariance
        let law: StudentModeLaw
        do {
            law = try StudentModeLaw(depth: network.depth, gain: mean, decay: network.weightDecay, curvature: c * (mean * mean + variance))
        } catch {
            throw ProblemFileError(
                field: network.weightDecay != 0 ? "model.weight_decay" : "model.noise_variance",
                message: "deep students (depth >= 3) have a closed form without weight decay, dropout or input noise only; integrate with lindyn solve")
        }
        let capacity = min(network.widths.dropFirst().dropLast().min() ?? empirical.values.count, empirical.values.count)
        // m_b = ub^T W_bar vb, summed in row order (local buffers: the loop is O(n0 nD) per mode).
        let teacher = data.teacher, n0 = data.inputs, nD = data.outputs
        let overlaps = (0..<empirical.values.count).map { b in
            let ub = empirical.left[b], vb = empirical.right[b]
            return teacher.withUnsafeBufferPointer { w in
                vb.withUnsafeBufferPointer { v in
                    var total = 0.0
                    for i in 0..<nD {
                        var row = 0.0, j = 0
                        let wi = w.baseAddress! + i * n0
                        while j < n0 { row += wi[j] * v[j]; j += 1 }
                        total += ub[i] * row
                    }
                    return total
                }
            }
        }
        let exact = try TeacherStudentExact(
            singularValues: empirical.values, teacherOverlaps: overlaps, teacherNormSquared: data.teacherNormSquared,
            studentModes: capacity, initialStrength: u0, law: law)
        return (exact, law)
    }
}

extension ModelParser {
    /// A `network` with a `data` block: `widths`, `data` {`teacher` {`singular_values`} or
    /// {`rank`, `snr`}, `inputs` (`orthonormal` | `gaussian`), `samples`, `label_noise` (1),
    /// `seed` (1), `test` (`white`)}, `init`, `weight_decay`, `dropout`, `noise_variance`, `tau`.
    static func teacherNetwork(_ f: Field) throws(ProblemFileError) -> TeacherNetworkModel {
        for key in ["singular_values", "correlation", "input_eigenvalues", "samples", "aligned", "seed"] where f[key].isPresent {
            throw f[key].error("is set by the data block (the teacher, samples and their seed); remove it")
        }
        try f.onlyKeys(["kind", "widths", "data", "init", "weight_decay", "dropout", "noise_variance", "tau", "learning_rate"])
        let widths = try f["widths"].doubles("the layer widths [n0, n1, ..., nD]")
        guard widths.count >= 2 else { throw f["widths"].error("needs at least two widths (input and output), got \(widths.count)") }
        for (k, w) in widths.enumerated() where !(w >= 1 && w == w.rounded() && w <= Double(TeacherData.maxWidth)) {
            throw f["widths"].error("entry \(k) must be a whole number from 1 to \(TeacherData.maxWidth) with a data block, got \(w)")
        }
        let n = widths.map { Int($0) }
        let n1 = n.first!, n3 = n.last!, depth = n.count - 1
        let params = n.enumerated().dropFirst().reduce(0) { $0 + $1.element * n[$1.offset - 1] }
        guard params <= 2_000_000 else { throw f["widths"].error("the network has \(params) weights; at most 2,000,000 are supported") }
        let d = f["data"]
        try d.onlyKeys(["teacher", "inputs", "samples", "label_noise", "seed", "test"])
        let t = d["teacher"]
        guard t.isPresent else { throw t.error("is required: {\"singular_values\": [...]} or {\"rank\": r, \"snr\": s}") }
        try t.onlyKeys(["singular_values", "rank", "snr"])
        let noise = try nonNegative(d["label_noise"], default: 1)
        guard noise <= 1e100 else { throw d["label_noise"].error("must be at most 1e100, got \(noise)") }
        var teacher: [Double]
        if t["singular_values"].isPresent {
            if t["rank"].isPresent || t["snr"].isPresent { throw t["rank"].error("give either singular_values or rank and snr, not both") }
            teacher = try t["singular_values"].doubles()
            guard teacher.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 1e100 }) else {
                throw t["singular_values"].error("values must be positive numbers up to 1e100")
            }
        } else {
            let rank = try t["rank"].int("the teacher rank r (a whole number), or give singular_values")
            let snr = try t["snr"].positive(default: 1)
            guard snr <= 1e100 else { throw t["snr"].error("must be at most 1e100, got \(snr)") }
            guard noise > 0 else { throw d["label_noise"].error("must be positive for a teacher given by snr (singular values snr x label_noise)") }
            guard rank >= 1 else { throw t["rank"].error("must be at least 1, got \(rank)") }
            teacher = Array(repeating: snr * noise, count: rank)
        }
        guard !teacher.isEmpty, teacher.count <= min(n1, n3) else {
            throw t[t["singular_values"].isPresent ? "singular_values" : "rank"].error("the teacher rank must be between 1 and min(n0, nD) = \(min(n1, n3)), got \(teacher.count)")
        }
        teacher.sort(by: >)
        let kindName = d["inputs"].isPresent ? try d["inputs"].string("orthonormal or gaussian") : "orthonormal"
        guard let kind = TeacherData.Inputs(rawValue: kindName) else {
            throw d["inputs"].error("unknown inputs '\(kindName)'; expected orthonormal (P = n0, Sigma_xx = I) or gaussian")
        }
        let samples: Int
        switch kind {
        case .orthonormal:
            samples = try d["samples"].int(default: n1)
            guard samples == n1 else {
                throw d["samples"].error("orthonormal inputs need P = n0 = \(n1) samples (got \(samples)); use inputs gaussian for other sample counts")
            }
        case .gaussian:
            samples = try d["samples"].int("the number of samples P (a whole number)")
            guard samples >= 1 else { throw d["samples"].error("must be at least 1, got \(samples)") }
            guard samples * max(n1, n3) <= TeacherData.maxSampleEntries else {
                throw d["samples"].error("P max(n0, nD) = \(samples * max(n1, n3)); at most \(TeacherData.maxSampleEntries) are supported")
            }
        }
        if d["test"].isPresent {
            let test = try d["test"].string("white")
            guard test == "white" else { throw d["test"].error("the test distribution is 'white' (fresh noise-free inputs with sum x x^T = I), got '\(test)'") }
        }
        let dataSeed = try seed(d["seed"])
        let data: TeacherData
        do {
            data = try TeacherData(inputs: n1, outputs: n3, samples: samples, inputKind: kind, teacher: teacher, labelNoise: noise, seed: dataSeed)
        } catch {
            if error.argument == "inputs" || error.argument == "outputs" { throw f["widths"].error(error.message) }
            throw d[["labelNoise": "label_noise"][error.argument] ?? error.argument].error(error.message)
        }
        let drop = try dropout(f["dropout"], allowUnits: false)
        if drop != nil && depth != 2 { throw f["dropout"].error("dropout is defined for two-layer networks (3 widths) only") }
        let initialization = try initialization(f["init"], depth: depth)
        let weightDecay = try nonNegative(f["weight_decay"]), noiseVariance = try nonNegative(f["noise_variance"]), tau = try tau(f)
        do {
            return try TeacherNetworkModel.build(
                widths: n, data: data, initialization: initialization, weightDecay: weightDecay, dropout: drop,
                noiseVariance: noiseVariance, tau: tau)
        } catch {
            // The builder names its Swift arguments; the file names the fields they came from.
            if error.argument == "data" { throw d.error(error.message) }
            throw ProblemFileError(model: error)
        }
    }
}
