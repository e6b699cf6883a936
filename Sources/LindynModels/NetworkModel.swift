import Foundation
import LindynIntegrator

/// One mode of a full-matrix network: the output and input directions, its cross-correlation
/// strength s and the input variance along it; `initialStrength` is u0 when the init is
/// decoupled and balanced (nil for a random init); `learnable` is false when a hidden layer is
/// too narrow to carry the mode.
public struct NetworkMode: Sendable, Hashable {
    /// The mode's singular value s of Sigma_yx.
    public var s: Double
    /// The input variance v^T Sigma_xx v along the mode (1 when whitened).
    public var inputVariance: Double
    /// The output direction u (n_D entries).
    public var output: [Double]
    /// The input direction v (n_0 entries).
    public var input: [Double]
    /// The initial strength u0 (nil when the start is not decoupled).
    public var initialStrength: Double?
    /// False when a hidden layer is too narrow to carry the mode.
    public var learnable: Bool

    /// A mode with the given directions and strengths.
    public init(
        s: Double, inputVariance: Double = 1, output: [Double], input: [Double], initialStrength: Double?,
        learnable: Bool = true
    ) {
        self.s = s
        self.inputVariance = inputVariance
        self.output = output
        self.input = input
        self.initialStrength = initialStrength
        self.learnable = learnable
    }
}

/// A deep linear network W = W_D ... W_1 with widths n_0 (input) ... n_D (output), trained by
/// full-batch gradient flow on L = 1/2 tr(W Sigma_xx W^T) - tr(Sigma_yx^T W) + const
/// + (lambda/2) sum ||W_l||^2, i.e. tau W_l' = (W_D..W_{l+1})^T (Sigma_yx - W Sigma_xx) (W_{l-1}..W_1)^T - lambda W_l.
/// Depth 2 may add dropout on the hidden units (expected loss; Monte-Carlo in the descent).
/// The state is every weight, layer by layer, each row-major (W_l[i, j] for output i, input j).
public struct NetworkModel: Dynamics {
    /// `network` or `autoencoder`: the model kind reported in output.
    public let kind: String
    /// The widths n_0 (input), hidden widths, n_D (output).
    public let widths: [Int]
    /// The task: Sigma_yx and Sigma_xx (input noise included).
    public let task: NetworkTask
    /// Sigma_yx, n_D x n_0 row-major.
    public var sigmaYX: [Double] { task.sigmaYX }
    /// Sigma_xx, n_0 x n_0 row-major; nil for the identity (whitened input, no noise).
    public var sigmaXX: [Double]? { task.sigmaXX }
    /// The modes whose strengths are observed (`u1`, `u2`, ...).
    public let modes: [NetworkMode]
    /// The starting weights, layer by layer, each row-major.
    public let initialWeights: [Double]
    /// Weight decay lambda on every layer.
    public let weightDecay: Double
    /// Dropout on the hidden units (two-layer networks); nil for none.
    public let dropout: DropoutSettings?
    /// Input-noise variance sigma^2 and sample count N (they enter Sigma_xx as N sigma^2 I).
    public let noiseVariance: Double
    /// The sample count N.
    public let samples: Double
    /// tau = 1 / learning rate.
    public let tauValue: Double
    /// How the weights started (the any-start closed form needs a balanced start).
    public internal(set) var initKind: NetworkInit.Kind = .decoupled

    /// A network learning the task (Sigma_yx, Sigma_xx) (see ``init(kind:widths:task:modes:initialWeights:weightDecay:dropout:noiseVariance:samples:tau:)``).
    /// - Throws: `ArgumentError` naming the argument at fault.
    public init(
        kind: String = "network", widths: [Int], sigmaYX: [Double], sigmaXX: [Double]?, modes: [NetworkMode],
        initialWeights: [Double], weightDecay: Double = 0, dropout: DropoutSettings? = nil, noiseVariance: Double = 0,
        samples: Double = 1, tau: Double = 1
    ) throws(ArgumentError) {
        try BuilderCheck.widths(widths)
        let task: NetworkTask
        do {
            task = try NetworkTask(inputs: widths[0], outputs: widths[widths.count - 1], sigmaYX: sigmaYX, sigmaXX: sigmaXX)
        } catch {
            throw ArgumentError(argument: error.argument, message: error.message + " for widths \(widths)")
        }
        try self.init(
            kind: kind, widths: widths, task: task,
            modes: modes, initialWeights: initialWeights, weightDecay: weightDecay, dropout: dropout,
            noiseVariance: noiseVariance, samples: samples, tau: tau)
    }

    /// A network learning `task` (whose Sigma_xx already includes any input noise), with the
    /// modes it reports and the weights it starts from. ``saxe(widths:singularValues:inputEigenvalues:initialization:weightDecay:dropout:noiseVariance:samples:aligned:seed:tau:)``
    /// and ``correlated(widths:task:initialization:weightDecay:dropout:noiseVariance:samples:tau:)``
    /// build both from a task description.
    /// - Parameters:
    ///   - kind: the model kind reported in output (`network`, `autoencoder`).
    ///   - widths: n_0 ... n_D: at least two, each 1 to 4096, at most 2,000,000 weights.
    ///   - task: Sigma_yx (n_D x n_0) and Sigma_xx (n_0 x n_0).
    ///   - modes: the modes whose strengths u_a = output^T W input are observed; each `output`
    ///     has n_D entries and each `input` n_0.
    ///   - initialWeights: every weight, layer by layer, each row-major.
    ///   - weightDecay: lambda >= 0.
    ///   - dropout: dropout on the hidden units (two-layer networks only).
    ///   - noiseVariance: input-noise variance sigma^2 >= 0 (already in `task.sigmaXX`; recorded).
    ///   - samples: the sample count N, a whole number >= 1.
    ///   - tau: the time constant, > 0.
    /// - Throws: `ArgumentError` naming the argument at fault.
    public init(
        kind: String = "network", widths: [Int], task: NetworkTask, modes: [NetworkMode],
        initialWeights: [Double], weightDecay: Double = 0, dropout: DropoutSettings? = nil, noiseVariance: Double = 0,
        samples: Double = 1, tau: Double = 1
    ) throws(ArgumentError) {
        try BuilderCheck.widths(widths)
        guard task.inputs == widths[0], task.outputs == widths[widths.count - 1] else {
            throw ArgumentError(
                argument: "task",
                message: "the task is \(task.outputs) x \(task.inputs) but the widths need n_D x n_0 = \(widths[widths.count - 1]) x \(widths[0])")
        }
        let count = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        guard initialWeights.count == count else {
            throw ArgumentError(argument: "initialWeights", message: "expected \(count) weights for widths \(widths), got \(initialWeights.count)")
        }
        try BuilderCheck.finiteValues(initialWeights, "initialWeights")
        for (a, mode) in modes.enumerated() where mode.output.count != task.outputs || mode.input.count != task.inputs {
            throw ArgumentError(
                argument: "modes",
                message: "mode \(a) has \(mode.output.count) output and \(mode.input.count) input entries; expected \(task.outputs) and \(task.inputs)")
        }
        try BuilderCheck.nonNegative(weightDecay, "weightDecay")
        try BuilderCheck.dropout(dropout, depth: widths.count - 1, allowUnits: false)
        try BuilderCheck.nonNegative(noiseVariance, "noiseVariance")
        try BuilderCheck.samples(samples)
        try BuilderCheck.positive(tau, "tau")
        self.init(
            checkedKind: kind, widths: widths, task: task, modes: modes, initialWeights: initialWeights, weightDecay: weightDecay,
            dropout: dropout, noiseVariance: noiseVariance, samples: samples, tau: tau)
    }

    /// The stored values, already checked (or copied from a checked model).
    init(
        checkedKind kind: String, widths: [Int], task: NetworkTask, modes: [NetworkMode], initialWeights: [Double],
        weightDecay: Double, dropout: DropoutSettings?, noiseVariance: Double, samples: Double, tau: Double
    ) {
        self.kind = kind
        self.widths = widths
        self.task = task
        self.modes = modes
        self.initialWeights = initialWeights
        self.weightDecay = weightDecay
        self.dropout = dropout
        self.noiseVariance = noiseVariance
        self.samples = samples
        self.tauValue = tau
    }

    /// The depth D (the number of weight layers).
    public var depth: Int { widths.count - 1 }
    /// The number of weights, sum_l n_l n_(l-1).
    public var parameterCount: Int { (0..<depth).reduce(0) { $0 + widths[$1] * widths[$1 + 1] } }

    public var stateNames: [String] {
        var names: [String] = []
        for l in 1...depth {
            for i in 0..<widths[l] {
                for j in 0..<widths[l - 1] { names.append("W\(l)_\(i + 1)_\(j + 1)") }
            }
        }
        return names
    }

    /// The mode strengths u1..ur, then the product entries W_i_j (when n_D n_0 <= 4096), then
    /// for two-layer networks from a balanced or explicit start W1^T W1 (`G1_i_j`) and W2 W2^T
    /// (`G2_i_j`) (when n_0^2 + n_D^2 <= 4096).
    public var observableNames: [String] { (0..<modes.count).map { "u\($0 + 1)" } + productNames + gramNames }
    public var initialState: [Double] { initialWeights }
    public var tau: Double? { tauValue }

    public func makeFlow() throws(InputError) -> FlowInstance {
        let flow = Flow(self)
        return FlowInstance(system: flow) { y, out in flow.observe(y, out) }
    }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        let flow = Flow(self)
        let instance = FlowInstance(system: flow) { y, out in flow.observe(y, out) }
        if options.monteCarlo, let dropout {
            return NetworkDropoutDescent(model: self, flow: flow, dropout: dropout, seed: options.seed)
        }
        if flow.foldsDescentUpdate {
            return TwoLayerNetworkDescent(flow: flow, initial: initialWeights, weightNames: stateNames, observableNames: observableNames)
        }
        return EulerDescent(flow: instance, initial: initialWeights, weightNames: stateNames, observableNames: observableNames, tau: tauValue)
    }

    /// The gradient flow. All products go through CBLAS dgemm into buffers allocated once.
    public final class Flow: ODESystem {
        public let dimension: Int
        let widths: [Int]
        let depth: Int
        let offsets: [Int]
        let n0: Int
        let nD: Int
        let invTau: Double
        let lambda: Double
        let maskMean: Double
        let maskVariance: Double
        let sigmaYX: UnsafeMutablePointer<Double>
        let sigmaXX: UnsafeMutablePointer<Double>?
        /// forward[l] = W_l ... W_1 (n_l x n_0), l = 1..D; forward[0] unused.
        var forward: [UnsafeMutablePointer<Double>]
        let e: UnsafeMutablePointer<Double>
        let back: UnsafeMutablePointer<Double>
        let backNext: UnsafeMutablePointer<Double>
        let w1s: UnsafeMutablePointer<Double>
        let modeOut: UnsafeMutablePointer<Double>
        let modeIn: UnsafeMutablePointer<Double>
        let modeCount: Int
        let observesProduct: Bool
        let observesGram: Bool
        let analyticJacobian: Bool
        let fdScratch: UnsafeMutablePointer<Double>
        let maxWidth: Int
        var buffers: [UnsafeMutablePointer<Double>] = []

        init(_ model: NetworkModel) {
            widths = model.widths
            depth = model.depth
            n0 = widths[0]
            nD = widths[depth]
            var offs = [0]
            for l in 0..<depth { offs.append(offs.last! + widths[l] * widths[l + 1]) }
            offsets = offs
            dimension = offs.last!
            invTau = 1 / model.tauValue
            lambda = model.weightDecay
            maskMean = model.dropout?.maskMean ?? 1
            maskVariance = model.dropout?.maskVariance ?? 0
            maxWidth = widths.max()!
            func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
                let p = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
                p.initialize(repeating: 0, count: max(count, 1))
                return p
            }
            sigmaYX = buffer(model.sigmaYX.count)
            sigmaYX.update(from: model.sigmaYX, count: model.sigmaYX.count)
            if let xx = model.sigmaXX {
                let p = buffer(xx.count)
                p.update(from: xx, count: xx.count)
                sigmaXX = p
            } else {
                sigmaXX = nil
            }
            forward = [buffer(1)] + (1...depth).map { buffer(model.widths[$0] * model.widths[0]) }
            e = buffer(nD * n0)
            back = buffer(maxWidth * n0)
            backNext = buffer(maxWidth * n0)
            w1s = buffer(widths[min(1, depth)] * n0)
            modeCount = model.modes.count
            observesProduct = model.observesProduct
            observesGram = model.observesGram
            modeOut = buffer(modeCount * nD)
            modeIn = buffer(modeCount * n0)
            for (k, mode) in model.modes.enumerated() {
                (modeOut + k * nD).update(from: mode.output, count: nD)
                (modeIn + k * n0).update(from: mode.input, count: n0)
            }
            analyticJacobian = depth == 2 && model.dropout == nil
            fdScratch = buffer(3 * dimension)
            buffers = [sigmaYX, e, back, backNext, w1s, modeOut, modeIn, fdScratch] + forward
            if let sigmaXX { buffers.append(sigmaXX) }
        }

        deinit { for b in buffers { b.deallocate() } }

        /// Implicit steppers get a dense Jacobian of size P x P; past P = 4096 it would need
        /// over 128 MiB, so larger networks are for explicit steppers only.
        public var providesJacobian: Bool { dimension <= 4096 }

        @inline(__always)
        func gemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
                  _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
                  _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
            LinearAlgebra.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }

        /// forward[l] = W_l ... W_1 for l = 1..D.
        func forwardProducts(_ y: UnsafePointer<Double>) {
            forward[1].update(from: y, count: widths[1] * n0)
            if depth >= 2 {
                for l in 2...depth {
                    gemm(false, false, widths[l], n0, widths[l - 1], 1, y + offsets[l - 1], widths[l - 1], forward[l - 1], n0, 0, forward[l], n0)
                }
            }
        }

        /// E = Sigma_yx - m W Sigma_xx with m the mask mean (1 without dropout).
        func residual() {
            let w = forward[depth]
            if let sigmaXX {
                e.update(from: sigmaYX, count: nD * n0)
                gemm(false, false, nD, n0, n0, -maskMean, w, n0, sigmaXX, n0, 1, e, n0)
            } else {
                for i in 0..<(nD * n0) { e[i] = sigmaYX[i] - maskMean * w[i] }
            }
        }

        public func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            if depth == 2 && maskVariance == 0 {
                twoLayerRightHandSide(y, dydt)
                return
            }
            forwardProducts(y)
            residual()
            // back = (W_D .. W_{l+1})^T E, starting from E at l = D.
            back.update(from: e, count: nD * n0)
            var l = depth
            while l >= 1 {
                let f = dydt + offsets[l - 1]
                let rows = widths[l], cols = widths[l - 1]
                if l == 1 {
                    f.update(from: back, count: rows * n0)
                } else {
                    gemm(false, true, rows, cols, n0, 1, back, n0, forward[l - 1], n0, 0, f, cols)
                    // backNext = W_l^T back
                    gemm(true, false, cols, n0, rows, 1, y + offsets[l - 1], cols, back, n0, 0, backNext, n0)
                    back.update(from: backNext, count: cols * n0)
                }
                let w = y + offsets[l - 1]
                let scale = maskMean * invTau
                let decay = lambda * invTau
                for i in 0..<(rows * cols) { f[i] = scale * f[i] - decay * w[i] }
                l -= 1
            }
            if maskVariance > 0 && depth == 2 { addDropoutPenalty(y, dydt) }
        }

        /// The two-layer flow without the dropout penalty, as three products and no copies:
        ///   E = Sigma_yx - m W2 W1 Sigma_xx   (Sigma_yx copied in, then one dgemm with beta = 1),
        ///   f1 = (m/tau) W2^T E - (lambda/tau) W1,   f2 = (m/tau) E W1^T - (lambda/tau) W2,
        /// with m/tau applied as dgemm's alpha (whitened input: Sigma_xx = I, no extra product).
        @inline(__always)
        func twoLayerRightHandSide(_ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>) {
            let n1 = widths[1], n2 = widths[2]
            let w1 = y, w2 = y + offsets[1]
            let f1 = dydt, f2 = dydt + offsets[1]
            let scale = maskMean * invTau
            twoLayerResidual(w1, w2)
            gemm(true, false, n1, n0, n2, scale, w2, n1, e, n0, 0, f1, n0)
            gemm(false, true, n2, n1, n0, scale, e, n0, w1, n0, 0, f2, n1)
            if lambda != 0 {
                let decay = lambda * invTau
                for i in 0..<(n1 * n0) { f1[i] -= decay * w1[i] }
                for i in 0..<(n2 * n1) { f2[i] -= decay * w2[i] }
            }
        }

        /// E = Sigma_yx - m W2 W1 Sigma_xx for the two-layer network: Sigma_yx copied into E,
        /// then one dgemm with beta = 1 (after W1 Sigma_xx for correlated input).
        @inline(__always)
        func twoLayerResidual(_ w1: UnsafePointer<Double>, _ w2: UnsafePointer<Double>) {
            let n1 = widths[1], n2 = widths[2]
            e.update(from: sigmaYX, count: n2 * n0)
            let w1s: UnsafePointer<Double>
            if let sigmaXX {
                gemm(false, false, n1, n0, n0, 1, w1, n0, sigmaXX, n0, 0, self.w1s, n0)
                w1s = UnsafePointer(self.w1s)
            } else {
                w1s = w1
            }
            gemm(false, false, n2, n0, n1, -maskMean, w2, n1, w1s, n0, 1, e, n0)
        }

        /// The gradient of the dropout variance term (v/2) sum_i ||w2_i||^2 w1_i^T Sigma_xx w1_i
        /// (w2_i column i of W2, w1_i row i of W1), subtracted from the flow.
        func addDropoutPenalty(_ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>) {
            let n1 = widths[1], n2 = widths[2]
            let w1 = y, w2 = y + offsets[1]
            if let sigmaXX {
                gemm(false, false, n1, n0, n0, 1, w1, n0, sigmaXX, n0, 0, w1s, n0)
            } else {
                w1s.update(from: w1, count: n1 * n0)
            }
            let c = maskVariance * invTau
            for i in 0..<n1 {
                var col = 0.0
                for m in 0..<n2 { col += w2[m * n1 + i] * w2[m * n1 + i] }
                var quad = 0.0
                for j in 0..<n0 { quad += w1[i * n0 + j] * w1s[i * n0 + j] }
                for j in 0..<n0 { dydt[i * n0 + j] -= c * col * w1s[i * n0 + j] }
                for m in 0..<n2 { dydt[offsets[1] + m * n1 + i] -= c * w2[m * n1 + i] * quad }
            }
        }

        public func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            for i in 0..<dimension { dfdt[i] = 0 }
            if analyticJacobian { twoLayerJacobian(y, dfdy) } else { finiteDifferenceJacobian(y, dfdy) }
        }

        /// The exact Jacobian of the two-layer flow without dropout (derivation in
        /// Notes/network-jacobian.md), with S = Sigma_xx:
        ///   d f1[i,j]/d W1[k,l] = -(W2^T W2)[i,k] S[l,j] - lambda d_ik d_jl
        ///   d f1[i,j]/d W2[k,l] = d_li E[k,j] - W2[k,i] (W1 S)[l,j]
        ///   d f2[i,j]/d W1[k,l] = -W2[i,k] (W1 S)[j,l] + d_jk E[i,l]
        ///   d f2[i,j]/d W2[k,l] = -d_ik (W1 S W1^T)[l,j] - lambda d_ik d_jl      (all over tau)
        func twoLayerJacobian(_ y: UnsafePointer<Double>, _ J: UnsafeMutablePointer<Double>) {
            let n1 = widths[1], n2 = widths[2], p = dimension
            let w1 = y, w2 = y + offsets[1]
            forwardProducts(y)
            residual()
            if let sigmaXX {
                gemm(false, false, n1, n0, n0, 1, w1, n0, sigmaXX, n0, 0, w1s, n0)
            } else {
                w1s.update(from: w1, count: n1 * n0)
            }
            func s(_ a: Int, _ b: Int) -> Double { sigmaXX.map { $0[a * n0 + b] } ?? (a == b ? 1 : 0) }
            let it = invTau
            for i in 0..<(p * p) { J[i] = 0 }
            // Rows of f1.
            for i in 0..<n1 {
                for j in 0..<n0 {
                    let row = (i * n0 + j) * p
                    for k in 0..<n1 {
                        var g = 0.0
                        for m in 0..<n2 { g += w2[m * n1 + i] * w2[m * n1 + k] }
                        for l in 0..<n0 { J[row + k * n0 + l] = -g * s(l, j) * it }
                    }
                    J[row + i * n0 + j] -= lambda * it
                    for k in 0..<n2 {
                        for l in 0..<n1 {
                            var v = -w2[k * n1 + i] * w1s[l * n0 + j]
                            if l == i { v += e[k * n0 + j] }
                            J[row + offsets[1] + k * n1 + l] = v * it
                        }
                    }
                }
            }
            // Rows of f2.
            for i in 0..<n2 {
                for j in 0..<n1 {
                    let row = (offsets[1] + i * n1 + j) * p
                    for k in 0..<n1 {
                        for l in 0..<n0 {
                            var v = -w2[i * n1 + k] * w1s[j * n0 + l]
                            if j == k { v += e[i * n0 + l] }
                            J[row + k * n0 + l] = v * it
                        }
                    }
                    for l in 0..<n1 {
                        var q = 0.0
                        for m in 0..<n0 { q += w1s[l * n0 + m] * w1[j * n0 + m] }
                        J[row + offsets[1] + i * n1 + l] = -q * it
                    }
                    J[row + offsets[1] + i * n1 + j] -= lambda * it
                }
            }
        }

        /// Central differences, h = 1e-6 max(1, |w_k|): accurate to about 1e-10 relative, enough
        /// for the Newton iterations of the implicit steppers (used for depth >= 3 and dropout).
        func finiteDifferenceJacobian(_ y: UnsafePointer<Double>, _ J: UnsafeMutablePointer<Double>) {
            let p = dimension
            let yp = fdScratch, fPlus = fdScratch + p, fMinus = fdScratch + 2 * p
            yp.update(from: y, count: p)
            for k in 0..<p {
                let h = 1e-6 * max(1, abs(y[k]))
                yp[k] = y[k] + h
                rightHandSide(t: 0, y: yp, dydt: fPlus)
                yp[k] = y[k] - h
                rightHandSide(t: 0, y: yp, dydt: fMinus)
                yp[k] = y[k]
                for i in 0..<p { J[i * p + k] = (fPlus[i] - fMinus[i]) / (2 * h) }
            }
        }

        /// Mode strengths u_a = u_a^T W v_a, then the entries of W = W_D ... W_1.
        func observe(_ y: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
            forwardProducts(y)
            let w = forward[depth]
            for k in 0..<modeCount {
                var total = 0.0
                let uo = modeOut + k * nD, vi = modeIn + k * n0
                for i in 0..<nD {
                    var row = 0.0
                    for j in 0..<n0 { row += w[i * n0 + j] * vi[j] }
                    total += uo[i] * row
                }
                out[k] = total
            }
            if observesProduct { (out + modeCount).update(from: w, count: nD * n0) }
            if observesGram {
                let g1 = out + modeCount + (observesProduct ? nD * n0 : 0), g2 = g1 + n0 * n0
                let n1 = widths[1]
                gemm(true, false, n0, n0, n1, 1, y, n0, y, n0, 0, g1, n0)
                gemm(false, true, nD, nD, n1, 1, y + offsets[1], n1, y + offsets[1], n1, 0, g2, nD)
            }
        }
    }
}

/// Monte-Carlo dropout descent for a two-layer network: every epoch draws a Bernoulli mask M on
/// the hidden units and steps on L_M = 1/2 tr(W_M Sigma_xx W_M^T) - tr(Sigma_yx^T W_M) +
/// (lambda/2)(||W1||^2 + ||W2||^2), W_M = W2 M W1 (M = diag(d) or diag(d)/p for inverted).
/// The gradient is that of the plain flow at (M W1, W2), with the W1 rows scaled by M.
final class NetworkDropoutDescent: DescentProcess {
    let weightNames: [String]
    let observableNames: [String]
    let learningRate: Double
    let flow: NetworkModel.Flow
    let plain: NetworkModel.Flow
    let dropout: DropoutSettings
    var generator: SeededGenerator
    var w: [Double]
    var masked: [Double]
    var grad: [Double]
    var mask: [Double]
    let tau, lambda: Double
    let sizes: (Int, Int, Int)

    init(model: NetworkModel, flow: NetworkModel.Flow, dropout: DropoutSettings, seed: UInt64) {
        weightNames = model.stateNames
        observableNames = model.observableNames
        learningRate = 1 / model.tauValue
        self.flow = flow
        self.dropout = dropout
        let plainModel = NetworkModel(
            checkedKind: model.kind, widths: model.widths, task: model.task, modes: model.modes,
            initialWeights: model.initialWeights, weightDecay: 0, dropout: nil, noiseVariance: model.noiseVariance,
            samples: model.samples, tau: model.tauValue)
        plain = NetworkModel.Flow(plainModel)
        generator = SeededGenerator(seed: seed)
        w = model.initialWeights
        masked = w
        grad = Array(repeating: 0, count: w.count)
        mask = Array(repeating: 1, count: model.widths[1])
        tau = model.tauValue
        lambda = model.weightDecay
        sizes = (model.widths[0], model.widths[1], model.widths[2])
    }

    var weights: [Double] { w }

    func step(epoch: Int) throws {
        let (i0, i1, _) = sizes
        for i in 0..<i1 { mask[i] = dropout.draw(&generator) }
        for i in 0..<i1 {
            for j in 0..<i0 { masked[i * i0 + j] = mask[i] * w[i * i0 + j] }
        }
        for k in (i1 * i0)..<w.count { masked[k] = w[k] }
        masked.withUnsafeBufferPointer { m in
            grad.withUnsafeMutableBufferPointer { g in
                plain.rightHandSide(t: 0, y: m.baseAddress!, dydt: g.baseAddress!)
            }
        }
        let alphaTau = learningRate * tau  // = 1: the flow is already divided by tau
        for i in 0..<i1 {
            for j in 0..<i0 { grad[i * i0 + j] *= mask[i] }
        }
        for k in 0..<w.count {
            w[k] += alphaTau * grad[k] - learningRate * lambda * w[k]
        }
    }

    func observables(into out: UnsafeMutablePointer<Double>) {
        w.withUnsafeBufferPointer { flow.observe($0.baseAddress!, out) }
    }

    func largestMagnitude() -> Double { w.withUnsafeBufferPointer(_largestMagnitude) }
}
