import Foundation
import LindynIntegrator
import LindynTheory

/// The single-neuron network f(x) = a w.x (Kunin et al. 2024's minimal model): w in R^d, scalar
/// a, whitened input, loss L = 1/2 |beta* - a w|^2 + const, with its own learning rate per layer:
/// dw/dt = -eta_w dL/dw, da/dt = -eta_a dL/da (t in epochs). It conserves
/// eta_w a^2 - eta_a |w|^2. State w1..wd, a; observables beta_i = a w_i.
public struct SingleNeuronModel: Dynamics {
    /// The target beta* (d values).
    public let target: [Double]
    /// The first layer's start w (d values).
    public let w: [Double]
    /// The second layer's start a.
    public let a: Double
    /// The first layer's learning rate eta_w.
    public let rateW: Double
    /// The second layer's learning rate eta_a.
    public let rateA: Double

    /// A neuron with `w.count` inputs fitting `target` (beta*), with learning rates eta_w, eta_a.
    /// - Throws: `ArgumentError` naming `w` (empty, or not as long as `target`), `target`, `a`
    ///   or a learning rate (finite and > 0).
    public init(target: [Double], w: [Double], a: Double, rateW: Double, rateA: Double) throws(ArgumentError) {
        guard !w.isEmpty, w.count <= 256 else { throw ArgumentError(argument: "w", message: "expected 1 to 256 input weights, got \(w.count)") }
        guard target.count == w.count else {
            throw ArgumentError(argument: "target", message: "expected \(w.count) values (one per input weight), got \(target.count)")
        }
        try BuilderCheck.finiteValues(target, "target")
        try BuilderCheck.finiteValues(w, "w")
        try BuilderCheck.finite(a, "a")
        try BuilderCheck.positive(rateW, "rateW")
        try BuilderCheck.positive(rateA, "rateA")
        self.target = target
        self.w = w
        self.a = a
        self.rateW = rateW
        self.rateA = rateA
    }

    public var kind: String { "single_neuron" }
    public var stateNames: [String] { (1...w.count).map { "w\($0)" } + ["a"] }
    public var observableNames: [String] { (1...w.count).map { "beta\($0)" } }
    public var initialState: [Double] { w + [a] }
    /// tau = 1/eta_w (the first layer's; eta_a may differ).
    public var tau: Double? { 1 / rateW }

    final class Flow: ODESystem {
        let dimension: Int
        let d: Int
        let beta: UnsafeMutablePointer<Double>
        let rateW, rateA: Double

        init(_ m: SingleNeuronModel) {
            d = m.w.count
            dimension = d + 1
            beta = .allocate(capacity: d)
            beta.initialize(from: m.target, count: d)
            rateW = m.rateW
            rateA = m.rateA
        }

        deinit { beta.deallocate() }

        var providesJacobian: Bool { true }

        func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            let a = y[d]
            var da = 0.0
            for i in 0..<d {
                let e = beta[i] - a * y[i]
                dydt[i] = rateW * a * e
                da += y[i] * e
            }
            dydt[d] = rateA * da
        }

        func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            let n = dimension, a = y[d]
            for i in 0..<(n * n) { dfdy[i] = 0 }
            var ww = 0.0
            for i in 0..<d {
                dfdy[i * n + i] = -rateW * a * a
                dfdy[i * n + d] = rateW * (beta[i] - 2 * a * y[i])
                dfdy[d * n + i] = rateA * (beta[i] - 2 * a * y[i])
                ww += y[i] * y[i]
                dfdt[i] = 0
            }
            dfdy[d * n + d] = -rateA * ww
            dfdt[d] = 0
        }

        func observe(_ y: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
            for i in 0..<d { out[i] = y[d] * y[i] }
        }
    }

    public func makeFlow() throws(InputError) -> FlowInstance {
        let flow = Flow(self)
        return FlowInstance(system: flow) { y, out in flow.observe(y, out) }
    }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        EulerDescent(flow: try makeFlow(), initial: initialState, weightNames: stateNames, observableNames: observableNames, tau: 1 / rateW)
    }

    /// The exact solution: rescaled to equal rates (w' = w/sqrt(eta_w), a' = a/sqrt(eta_a),
    /// target beta*/c, clock c^2 t with c = sqrt(eta_w eta_a)) it is the one-hidden-unit case of
    /// `BalancedTwoLayerSolution` (LindynTheory), whose carried factor is the weight vector itself.
    /// - Throws: `TheoryError` when the rescaled start has no closed form.
    public func solution() throws(TheoryError) -> BalancedTwoLayerSolution {
        let c = (rateW * rateA).squareRoot()
        let d = w.count
        return try BalancedTwoLayerSolution(
            w1: Matrix(rows: 1, columns: d, values: w.map { $0 / rateW.squareRoot() }),
            w2: Matrix(rows: 1, columns: 1, values: [a / rateA.squareRoot()]),
            sigma: Matrix(rows: 1, columns: d, values: target.map { $0 / c }), tau: 1 / (c * c), balanceTolerance: .infinity)
    }

    /// The conserved eta_w a^2 - eta_a |w|^2 (the balance of the rescaled weights times eta_a eta_w).
    public var conserved: Double { rateW * a * a - rateA * w.reduce(0) { $0 + $1 * $1 } }
}

/// The end-to-end flow of a depth-N linear network's product W = W_N ... W_1 from a balanced
/// start (W_{j+1}^T W_{j+1} = W_j W_j^T), Arora, Cohen and Hazan 2018, with weight decay lambda
/// and any input correlation:
///     tau W' = -lambda N W - sum_{j=1}^{N} (W W^T)^{(N-j)/N} G (W^T W)^{(j-1)/N},   G = W Sigma_xx - Sigma_yx,
/// an ODE in the product alone. The fractional powers of the positive semi-definite W W^T and
/// W^T W come from their eigendecompositions, with eigenvalues below 1e-10 of the largest set
/// to exactly zero (their round-off, raised to a small power, would otherwise inject errors of
/// order 1e-4). State W_i_j (as the network model's product observables, so the two compare
/// by column). No Jacobian: explicit steppers only. Descent: one-epoch Euler steps of this flow.
public struct EndToEndModel: Dynamics {
    /// The depth N of the network whose product is followed.
    public let depth: Int
    /// The task (Sigma_yx, Sigma_xx).
    public let task: NetworkTask
    /// The product W(0) = W_N ... W_1 at the start, n_D x n_0 row-major.
    public let initial: [Double]
    /// Weight decay lambda on each layer.
    public let weightDecay: Double
    /// tau = 1 / learning rate.
    public let tauValue: Double

    /// The product flow of a depth-`depth` network on `task`, starting at the product `initial`
    /// (n_D x n_0, row-major).
    /// - Throws: `ArgumentError` naming `depth` (1 to 100), `initial` (n_D n_0 finite values),
    ///   `weightDecay` (>= 0) or `tau` (> 0).
    public init(depth: Int, task: NetworkTask, initial: [Double], weightDecay: Double = 0, tau: Double = 1) throws(ArgumentError) {
        guard depth >= 1, depth <= 100 else { throw ArgumentError(argument: "depth", message: "must be between 1 and 100, got \(depth)") }
        guard initial.count == task.inputs * task.outputs else {
            throw ArgumentError(argument: "initial", message: "expected \(task.inputs * task.outputs) values (n_D x n_0 = \(task.outputs) x \(task.inputs)), got \(initial.count)")
        }
        try BuilderCheck.finiteValues(initial, "initial")
        try BuilderCheck.nonNegative(weightDecay, "weightDecay")
        try BuilderCheck.positive(tau, "tau")
        self.depth = depth
        self.task = task
        self.initial = initial
        self.weightDecay = weightDecay
        self.tauValue = tau
    }

    public var kind: String { "end_to_end" }
    public var stateNames: [String] {
        (1...task.outputs).flatMap { i in (1...task.inputs).map { "W_\(i)_\($0)" } }
    }
    public var observableNames: [String] { [] }
    public var initialState: [Double] { initial }
    public var tau: Double? { tauValue }

    /// The flow, into buffers allocated once (no allocation per call): the two Gram matrices,
    /// their eigendecompositions by in-place cyclic Jacobi, and the N terms through dgemm.
    final class Flow: ODESystem {
        let dimension: Int
        let no: Int, ni: Int, depth: Int
        let decay: Double, invTau: Double
        let sigmaYX: UnsafeMutablePointer<Double>
        let sigmaXX: UnsafeMutablePointer<Double>?
        let a, ea, b, eb, g, left, right, scaled, term, total: UnsafeMutablePointer<Double>
        let buffers: [UnsafeMutablePointer<Double>]

        init(_ m: EndToEndModel) {
            no = m.task.outputs
            ni = m.task.inputs
            depth = m.depth
            dimension = no * ni
            decay = m.weightDecay
            invTau = 1 / m.tauValue
            func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
                let p = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
                p.initialize(repeating: 0, count: max(count, 1))
                return p
            }
            let big = max(no, ni)
            sigmaYX = buffer(no * ni)
            sigmaYX.update(from: m.task.sigmaYX, count: no * ni)
            if let xx = m.task.sigmaXX {
                let p = buffer(ni * ni)
                p.update(from: xx, count: ni * ni)
                sigmaXX = p
            } else {
                sigmaXX = nil
            }
            a = buffer(no * no); ea = buffer(no * no); b = buffer(ni * ni); eb = buffer(ni * ni)
            g = buffer(no * ni); left = buffer(no * no); right = buffer(ni * ni); scaled = buffer(big * big)
            term = buffer(no * ni); total = buffer(no * ni)
            buffers = [sigmaYX, a, ea, b, eb, g, left, right, scaled, term, total] + (sigmaXX.map { [$0] } ?? [])
        }

        deinit { for p in buffers { p.deallocate() } }

        func gemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ lda: Int,
                  _ y: UnsafePointer<Double>, _ ldb: Int, _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
            LinearAlgebra.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: x, lda: lda, b: y, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }

        /// Cyclic Jacobi on the symmetric n x n matrix m (overwritten: its diagonal ends as the
        /// eigenvalues), eigenvectors into the columns of v.
        static func jacobi(_ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>, _ n: Int) {
            var total = 0.0
            for i in 0..<(n * n) { total += m[i] * m[i]; v[i] = 0 }
            for i in 0..<n { v[i * n + i] = 1 }
            for _ in 0..<60 {
                var off = 0.0
                for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { off += m[i * n + j] * m[i * n + j] } }
                if off == 0 || off <= 1e-36 * total { return }
                for p in 0..<n {
                    for q in (p + 1)..<max(p + 1, n) {
                        let apq = m[p * n + q]
                        if apq == 0 { continue }
                        let theta = (m[q * n + q] - m[p * n + p]) / (2 * apq)
                        let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                        let c = 1 / (t * t + 1).squareRoot(), s = t * c
                        for k in 0..<n {
                            let x = m[k * n + p], y = m[k * n + q]
                            m[k * n + p] = c * x - s * y
                            m[k * n + q] = s * x + c * y
                        }
                        for k in 0..<n {
                            let x = m[p * n + k], y = m[q * n + k]
                            m[p * n + k] = c * x - s * y
                            m[q * n + k] = s * x + c * y
                        }
                        m[p * n + q] = 0
                        m[q * n + p] = 0
                        for k in 0..<n {
                            let x = v[k * n + p], y = v[k * n + q]
                            v[k * n + p] = c * x - s * y
                            v[k * n + q] = s * x + c * y
                        }
                    }
                }
            }
        }

        /// out = E diag(lambda_k^p) E^T for the decomposed PSD matrix (eigenvalues on the diagonal
        /// of `values`), eigenvalues below 1e-10 of the largest (or negative) as exactly zero;
        /// power 0 is the identity.
        func power(_ values: UnsafePointer<Double>, _ e: UnsafePointer<Double>, _ n: Int, _ p: Double, _ out: UnsafeMutablePointer<Double>) {
            if p == 0 {
                for i in 0..<(n * n) { out[i] = 0 }
                for i in 0..<n { out[i * n + i] = 1 }
                return
            }
            var top = 0.0
            for k in 0..<n { top = max(top, values[k * n + k]) }
            for k in 0..<n {
                let x = values[k * n + k]
                let d = x <= 1e-10 * top || x <= 0 ? 0 : pow(x, p)
                for i in 0..<n { scaled[i * n + k] = e[i * n + k] * d }
            }
            gemm(false, true, n, n, n, 1, scaled, n, e, n, 0, out, n)
        }

        func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            // G = W Sigma_xx - Sigma_yx.
            g.update(from: sigmaYX, count: dimension)
            if let sigmaXX {
                gemm(false, false, no, ni, ni, 1, y, ni, sigmaXX, ni, -1, g, ni)
            } else {
                for i in 0..<dimension { g[i] = y[i] - g[i] }
            }
            gemm(false, true, no, no, ni, 1, y, ni, y, ni, 0, a, no)
            gemm(true, false, ni, ni, no, 1, y, ni, y, ni, 0, b, ni)
            Self.jacobi(a, ea, no)
            Self.jacobi(b, eb, ni)
            for i in 0..<dimension { total[i] = 0 }
            let n = Double(depth)
            for j in 1...depth {
                power(a, ea, no, (n - Double(j)) / n, left)
                power(b, eb, ni, Double(j - 1) / n, right)
                gemm(false, false, no, ni, no, 1, left, no, g, ni, 0, term, ni)
                gemm(false, false, no, ni, ni, 1, term, ni, right, ni, 1, total, ni)
            }
            for k in 0..<dimension { dydt[k] = (-decay * n * y[k] - total[k]) * invTau }
        }
    }

    public func makeFlow() throws(InputError) -> FlowInstance {
        FlowInstance(system: Flow(self)) { _, _ in }
    }

    /// One-epoch Euler steps of the product flow: to first order in the learning rate the
    /// layer-wise descent from a balanced start (its O(1/tau^2) per-step difference is the
    /// deviation of discrete descent from the end-to-end picture).
    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        EulerDescent(flow: try makeFlow(), initial: initial, weightNames: stateNames, observableNames: [], tau: tauValue)
    }
}

extension ModelParser {
    static func singleNeuron(_ f: Field) throws(ProblemFileError) -> SingleNeuronModel {
        try f.onlyKeys(["kind", "beta", "w", "a", "tau", "learning_rate", "learning_rate_w", "learning_rate_a"])
        let beta = try f["beta"].doubles("the target beta* = sum y x (a list of d numbers)")
        guard !beta.isEmpty, beta.count <= 256 else { throw f["beta"].error("expected 1 to 256 numbers, got \(beta.count)") }
        guard beta.allSatisfy(\.isFinite) else { throw f["beta"].error("entries must be finite") }
        let w = try f["w"].doubles("the first layer's starting weights (d numbers)")
        guard w.count == beta.count else { throw f["w"].error("expected \(beta.count) numbers (as many as beta), got \(w.count)") }
        guard w.allSatisfy(\.isFinite) else { throw f["w"].error("entries must be finite") }
        let a = try finite(f["a"])
        let rateW: Double, rateA: Double
        if f["learning_rate_w"].isPresent || f["learning_rate_a"].isPresent {
            for key in ["tau", "learning_rate"] where f[key].isPresent {
                throw f[key].error("give either tau / learning_rate (both layers) or learning_rate_w and learning_rate_a, not both")
            }
            rateW = try f["learning_rate_w"].positive(default: 1)
            rateA = try f["learning_rate_a"].positive(default: 1)
            guard f["learning_rate_w"].isPresent, f["learning_rate_a"].isPresent else {
                throw f[f["learning_rate_w"].isPresent ? "learning_rate_a" : "learning_rate_w"].error("is required with the other layer's learning rate")
            }
        } else {
            rateW = 1 / (try tau(f))
            rateA = rateW
        }
        do {
            return try SingleNeuronModel(target: beta, w: w, a: a, rateW: rateW, rateA: rateA)
        } catch {
            throw f[["target": "beta", "rateW": "learning_rate_w", "rateA": "learning_rate_a"][error.argument] ?? error.argument].error(error.message)
        }
    }

    static func endToEnd(_ f: Field) throws(ProblemFileError) -> EndToEndModel {
        try f.onlyKeys(["kind", "depth", "correlation", "input_correlation", "initial", "weight_decay", "tau", "learning_rate"])
        let depth = try f["depth"].int("the number of layers N")
        guard depth >= 1, depth <= 100 else { throw f["depth"].error("must be between 1 and 100, got \(depth)") }
        let rows = try f["correlation"].items("Sigma_yx as nD rows of n0 numbers")
        guard let firstRow = rows.first, case let .array(items)? = firstRow.value, !items.isEmpty else {
            throw f["correlation"].error("needs at least one row of numbers")
        }
        let (no, ni) = (rows.count, items.count)
        guard no <= 32, ni <= 32 else { throw f["correlation"].error("the end-to-end flow is supported up to 32 x 32, got \(no) x \(ni)") }
        let sigma = try matrix(f["correlation"], rows: no, columns: ni, what: "Sigma_yx")
        var xx: [Double]? = nil
        if f["input_correlation"].isPresent {
            let m = try matrix(f["input_correlation"], rows: ni, columns: ni, what: "Sigma_xx")
            for i in 0..<ni { for j in 0..<i where abs(m[i * ni + j] - m[j * ni + i]) > 1e-12 * max(abs(m[i * ni + j]), 1) {
                throw f["input_correlation"].error("must be symmetric (entry [\(i)][\(j)] differs from [\(j)][\(i)])")
            } }
            guard (SymmetricEigensystem(Matrix(rows: ni, columns: ni, values: m)).values.last ?? 0) >= -1e-12 * (m.map(abs).max() ?? 1) else {
                throw f["input_correlation"].error("must be positive semi-definite")
            }
            xx = m
        }
        let initial = try matrix(f["initial"], rows: no, columns: ni, what: "W(0) (the product W_N ... W_1)")
        let decay = try nonNegative(f["weight_decay"]), tau = try tau(f)
        do {
            return try EndToEndModel(
                depth: depth, task: NetworkTask(inputs: ni, outputs: no, sigmaYX: sigma, sigmaXX: xx), initial: initial,
                weightDecay: decay, tau: tau)
        } catch {
            throw f[["sigmaYX": "correlation", "sigmaXX": "input_correlation", "task": "correlation", "weightDecay": "weight_decay"][error.argument] ?? error.argument].error(error.message)
        }
    }
}

extension Formula {
    /// The single neuron's exact weights and beta = a w at the output times.
    static func singleNeuron(_ problem: Problem, _ m: SingleNeuronModel) throws -> RunResult {
        let solution: BalancedTwoLayerSolution
        do { solution = try m.solution() } catch { throw ProblemFileError(field: "model", message: "no closed form: \(error)") }
        let start = problem.time.start
        let factors: [Matrix]
        do { factors = try solution.factors(at: problem.time.outputTimes.map { $0 - start }) } catch {
            throw ProblemFileError(field: "time", message: "the closed form cannot be evaluated: \(error)")
        }
        let d = m.w.count
        var rows: [[Double]] = []
        for (t, q) in zip(problem.time.outputTimes, factors) {
            let w = (0..<d).map { q[$0, 0] * m.rateW.squareRoot() }
            let a = q[d, 0] * m.rateA.squareRoot()
            let row = [t] + w + [a] + w.map { a * $0 }
            guard row.allSatisfy(\.isFinite) else { throw ProblemFileError(field: "model", message: "the closed form is not finite at t = \(t)") }
            rows.append(row)
        }
        return RunResult(
            columns: ["t"] + m.stateNames + m.observableNames, rows: rows, tReached: problem.time.end,
            derived: [DerivedQuantity("conserved", m.conserved, note: "eta_w a^2 - eta_a |w|^2, constant along the flow")],
            notes: ["single neuron f(x) = a w.x: exact solution q(T) = e^{FT} q0 / sqrt(1 + q0^T K(T) q0) after rescaling to equal rates (c = sqrt(eta_w eta_a) = \((m.rateW * m.rateA).squareRoot()))"])
    }
}
