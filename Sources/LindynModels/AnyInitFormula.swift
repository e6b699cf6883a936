import Foundation
import LindynTheory

/// Closed forms for starts other than small, balanced and task-aligned: the two-layer network
/// from a lambda-balanced (or zero-balanced) start, aligned or not.
extension Formula {
    /// Whether `dynamics` takes the any-start closed form (a two-layer network whose start is
    /// balanced by construction or given explicitly).
    static func takesAnyInitForm(_ dynamics: any Dynamics) -> Bool {
        guard let m = dynamics as? NetworkModel else { return false }
        return [.zeroBalanced, .lambdaBalanced, .explicit].contains(m.initKind)
    }

    /// The exact two-layer solution of a network from its (lambda-balanced) start.
    /// - Throws: ``ProblemFileError`` naming the field that rules the closed form out.
    static func balancedTwoLayer(_ m: NetworkModel) throws -> BalancedTwoLayerSolution {
        guard m.depth == 2 else {
            throw ProblemFileError(field: "model.widths", message: "the closed form from an explicit start exists for two-layer networks (3 widths); integrate deeper ones with lindyn solve")
        }
        guard m.weightDecay == 0 else {
            throw ProblemFileError(field: "model.weight_decay", message: "the closed form from a balanced start needs weight_decay 0")
        }
        guard m.dropout == nil else { throw ProblemFileError(field: "model.dropout", message: "the closed form from a balanced start has no dropout") }
        guard m.sigmaXX == nil else {
            throw ProblemFileError(
                field: m.noiseVariance != 0 ? "model.noise_variance" : "model.input_eigenvalues",
                message: "the closed form from a balanced start needs whitened, noiseless input (Sigma_xx = I)")
        }
        let (n0, n1, n2) = (m.widths[0], m.widths[1], m.widths[2])
        guard n0 + n2 <= 512 else {
            throw ProblemFileError(field: "model.widths", message: "the closed form from a balanced start is evaluated for n0 + nD <= 512, got \(n0 + n2)")
        }
        let w = m.initialWeights
        let w1 = Matrix(rows: n1, columns: n0, values: Array(w[0..<(n1 * n0)]))
        let w2 = Matrix(rows: n2, columns: n1, values: Array(w[(n1 * n0)...]))
        do {
            return try BalancedTwoLayerSolution(w1: w1, w2: w2, sigma: Matrix(rows: n2, columns: n0, values: m.sigmaYX), tau: m.tauValue)
        } catch {
            if case let .invalidParameter(name, value, _) = error, name == "balance" {
                let lambda = BalancedTwoLayerSolution.balance(w1: w1, w2: w2).lambda
                throw ProblemFileError(
                    field: "model.init.weights",
                    message: "the weights are not lambda-balanced: W2^T W2 - W1 W1^T deviates from lambda I (lambda = \(lambda)) by \(value) relative (at most 1e-9 is accepted), so there is no closed form; integrate them with lindyn solve")
            }
            throw ProblemFileError(field: "model", message: "no closed form: \(error)")
        }
    }

    /// The network's observables (mode strengths, product entries, Gram blocks) at the output
    /// times, from the exact two-layer solution; `lambda` and, for a start trapped on the wrong
    /// side, `saddle_loss` as derived quantities.
    static func anyInit(_ problem: Problem, network m: NetworkModel) throws -> RunResult {
        let solution = try balancedTwoLayer(m)
        let start = problem.time.start
        let grams: [Matrix]
        do { grams = try solution.gram(at: problem.time.outputTimes.map { $0 - start }) } catch {
            throw ProblemFileError(field: "time", message: "the closed form cannot be evaluated: \(error)")
        }
        let n0 = m.widths[0], nD = m.widths[2]
        var rows: [[Double]] = []
        for (t, p) in zip(problem.time.outputTimes, grams) {
            let w = solution.product(p)
            var row = [t]
            for mode in m.modes {
                var u = 0.0
                for i in 0..<nD { for j in 0..<n0 { u += mode.output[i] * w[i, j] * mode.input[j] } }
                row.append(u)
            }
            if m.observesProduct { row += w.values }
            if m.observesGram { row += solution.inputGram(p).values + solution.outputGram(p).values }
            guard row.allSatisfy(\.isFinite) else {
                throw ProblemFileError(field: "model", message: "the closed form is not finite at t = \(t)")
            }
            rows.append(row)
        }
        var derived = [DerivedQuantity("lambda", solution.lambda, note: "the conserved balance W2^T W2 - W1 W1^T = lambda I")]
        var notes = [
            "exact two-layer solution from a lambda-balanced start (lambda = \(solution.lambda)): P = Q Q^T from the matrix Riccati equation, evaluated in chunks with |f| dt/tau <= \(solution.chunk)",
        ]
        if let loss = solution.saddleLoss {
            derived.append(DerivedQuantity("saddle_loss", loss, note: "the start is on the wrong side (lambda = 0, det(W2 W1) of the opposite sign to det(Sigma_yx)): the flow stalls at a saddle with this loss above the minimum, sigma_min^2/2"))
            notes.append("stall: a zero-balanced square start with sign(det W2 W1) != sign(det Sigma_yx) cannot reach the minimum; it stalls at a saddle with loss \(loss) above it (this is the exact dynamics, not a numerical failure)")
        }
        return RunResult(columns: ["t"] + m.observableNames, rows: rows, tReached: problem.time.end, derived: derived, notes: notes)
    }
}

extension Formula {
    /// The closed forms of the any-start models, or nil when `problem` is not one of them.
    static func anyInitForms(_ problem: Problem) throws -> RunResult? {
        if let m = problem.dynamics as? NetworkModel, takesAnyInitForm(m) { return try anyInit(problem, network: m) }
        if let m = problem.dynamics as? SingleNeuronModel { return try singleNeuron(problem, m) }
        if problem.dynamics is EndToEndModel {
            throw ProblemFileError(field: "model.kind", message: "the end-to-end flow has no closed form in general; integrate it with lindyn solve, or use a two-layer network from a lambda-balanced start for the exact solution")
        }
        return nil
    }
}
