import Foundation
import Testing
import LindynIntegrator
import LindynTheory
@testable import LindynModels

/// The exact two-layer solution from lambda-balanced starts against tight integrations of the
/// weight flow (rk8pd at 1e-13/1e-13: integration error ~1e-11 relative on these O(1) problems,
/// well under the 1e-8 asked of the closed form).
@Suite struct AnyInitTests {
    static func problem(_ model: String, end: Double, points: Int = 21) throws -> Problem {
        try Problem.load(text: #"{"model": \#(model), "time": {"end": \#(end), "points": \#(points)}, "solver": {"epsabs": 1e-13, "epsrel": 1e-13}}"#)
    }

    /// Worst error over rows of the columns starting with a prefix (W_, G1_, G2_), each matrix
    /// measured against its own Frobenius norm at that time (entries that cancel to ~0 have no
    /// meaningful relative error of their own).
    static func worst(_ a: RunResult, _ b: RunResult) -> Double {
        var worst = 0.0
        for prefix in ["W_", "G1_", "G2_"] {
            let ka = a.columns.indices.filter { a.columns[$0].hasPrefix(prefix) }
            let kb = ka.map { b.columns.firstIndex(of: a.columns[$0])! }
            for (ra, rb) in zip(a.rows, b.rows) {
                let norm = kb.reduce(0) { $0 + rb[$1] * rb[$1] }.squareRoot()
                let diff = zip(ka, kb).reduce(0) { $0 + pow(ra[$1.0] - rb[$1.1], 2) }.squareRoot()
                worst = max(worst, diff / max(norm, 1e-300))
            }
        }
        return worst
    }

    /// Square and non-square widths (5-4-3 and 3-2-4 make F singular at lambda = 0 since
    /// n0 != nD), lambda from -10 to 10, scales 1e-3 to 1, to long times (40 tau: |f| T up to
    /// about 200, where the un-chunked evaluation has lost all accuracy).
    @Test(arguments: [
        ("[2, 2, 2]", 0.0, 0.3), ("[5, 4, 3]", 0.0, 0.5), ("[3, 2, 4]", 1.0, 1.0), ("[5, 3, 2]", -1.0, 0.2),
        ("[4, 3, 4]", 10.0, 1e-3), ("[4, 3, 4]", -10.0, 0.1), ("[3, 3, 3]", 0.1, 1e-3),
    ])
    func formulaMatchesTightIntegration(widths: String, lambda: Double, scale: Double) throws {
        let model = #"{"kind": "network", "widths": \#(widths), "singular_values": [3, 1], "seed": 4, "tau": 2, "init": {"kind": "lambda_balanced", "lambda": \#(lambda), "scale": \#(scale), "seed": 10}}"#
        let p = try Self.problem(model, end: 80)
        let formula = try Formula.evaluate(p)
        let flow = try Simulation.integrate(p)
        #expect(flow.succeeded)
        #expect(formula.columns == ["t"] + p.dynamics.observableNames)
        let error = Self.worst(formula, flow)
        #expect(error < 1e-8, "\(widths) lambda \(lambda) scale \(scale): \(error)")
        #expect(abs(try #require(formula.derived.first { $0.name == "lambda" }).value - lambda) < 1e-12)
    }

    /// Chunking is needed: at long times the one-step evaluation straight from Q0 is far off
    /// (here about 1e-3 or worse) while the chunked one stays at round-off, both against the
    /// tight integration.
    @Test func chunkedEvaluationIsNeededAtLongTimes() throws {
        let p = try Self.problem(#"{"kind": "network", "widths": [3, 3, 3], "singular_values": [4, 2, 1], "seed": 2, "init": {"kind": "lambda_balanced", "lambda": 0.5, "scale": 0.01, "seed": 3}}"#, end: 12, points: 7)
        let m = try #require(p.dynamics as? NetworkModel)
        let solution = try Formula.balancedTwoLayer(m)
        let flow = try Simulation.integrate(p)
        func product(_ p: Matrix) -> [Double] { solution.product(p).values }
        let names = (1...3).flatMap { i in (1...3).map { "W_\(i)_\($0)" } }
        let last = flow.rows.last!
        let reference = names.map { last[flow.columns.firstIndex(of: $0)!] }
        let norm = reference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        func error(_ chunked: Bool) throws -> Double {
            let w = product(try solution.gram(at: [12], chunked: chunked)[0])
            return zip(w, reference).reduce(0) { $0 + pow($1.0 - $1.1, 2) }.squareRoot() / norm
        }
        let chunked = try error(true), straight = try error(false)
        #expect(chunked < 1e-10, "chunked \(chunked)")
        #expect(straight > 1e-6, "un-chunked \(straight): the case no longer shows the loss of accuracy")
    }

    /// Aligned starts reduce to the unbalanced scalar law per mode: tau u' = sqrt(lambda^2 + 4u^2)(s - u),
    /// i.e. ``UnbalancedScalarLaw`` with c = |lambda|, u0 = a b (the aligned construction's values).
    @Test(arguments: [-2.0, 0.5, 3.0])
    func alignedReductionToScalarLaw(lambda: Double) throws {
        let scale = 0.05
        let p = try Self.problem(#"{"kind": "network", "widths": [3, 3, 3], "singular_values": [2, 1, 0.5], "seed": 6, "tau": 3, "init": {"kind": "lambda_balanced", "lambda": \#(lambda), "scale": \#(scale), "aligned": true}}"#, end: 30)
        let formula = try Formula.evaluate(p)
        let (a, b) = lambda >= 0 ? ((scale * scale + lambda).squareRoot(), scale) : (scale, (scale * scale - lambda).squareRoot())
        for (k, s) in [2.0, 1, 0.5].enumerated() {
            let law = try UnbalancedScalarLaw(s: s, imbalance: abs(lambda), tau: 3)
            let column = formula.columns.firstIndex(of: "u\(k + 1)")!
            for row in formula.rows {
                let expected = try law.value(at: row[0], from: a * b)
                #expect(abs(row[column] - expected) <= 1e-10 * max(abs(expected), 1e-3), "u\(k + 1) at t = \(row[0])")
            }
        }
    }

    /// The wrong-sign trap: a zero-balanced square start with det(W2 W1) < 0 < det(Sigma) stalls
    /// at a saddle with loss sigma_min^2/2 (here 0.5^2/2 = 0.125) above the minimum; the flow
    /// agrees with the closed form there, and lambda = 0.1 from the same W1 escapes to zero loss.
    @Test func wrongSignStartStallsAtASaddle() throws {
        let w1 = [[0.3, 0.1], [-0.2, 0.4]]
        // W2 = W1^T R with R a reflection: W2^T W2 = R^T W1 W1^T R ... choose W2 = R W1^T-like so
        // that W2^T W2 = W1 W1^T and det W2 = -det W1.
        let r = [[1.0, 0], [0, -1]]
        func mul(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
            (0..<2).map { i in (0..<2).map { j in a[i][0] * b[0][j] + a[i][1] * b[1][j] } }
        }
        let w1t = [[w1[0][0], w1[1][0]], [w1[0][1], w1[1][1]]]
        // Polar factor: W1 = S O with S = (W1 W1^T)^{1/2}; W2 = R S satisfies W2^T W2 = S^2 = W1 W1^T.
        let m = Matrix(rows: 2, columns: 2, values: mul(w1, w1t).flatMap { $0 }).psdPower(0.5)
        let s = [[m[0, 0], m[0, 1]], [m[1, 0], m[1, 1]]]
        let w2 = mul(r, s)
        func json(_ a: [[Double]]) -> String { "[" + a.map { "[\($0[0]), \($0[1])]" }.joined(separator: ", ") + "]" }
        let model = #"{"kind": "network", "widths": [2, 2, 2], "correlation": [[2, 0], [0, 0.5]], "init": {"kind": "explicit", "weights": [\#(json(w1)), \#(json(w2))]}}"#
        // Moderate times: the trapped mode decays towards the saddle, and after about
        // ln(1/round-off)/(2 sigma_min) tau any imbalance (the integrator's, ~1e-13) lets it escape.
        let p = try Self.problem(model, end: 20)
        let formula = try Formula.evaluate(p)
        let saddle = try #require(formula.derived.first { $0.name == "saddle_loss" })
        #expect(abs(saddle.value - 0.125) < 1e-12)
        let flow = try Simulation.integrate(p)
        #expect(Self.worst(formula, flow) < 1e-8)
        func loss(_ r: RunResult) -> Double {
            let row = r.rows.last!
            let w = ["W_1_1", "W_1_2", "W_2_1", "W_2_2"].map { row[r.columns.firstIndex(of: $0)!] }
            return 0.5 * (pow(2 - w[0], 2) + w[1] * w[1] + w[2] * w[2] + pow(0.5 - w[3], 2))
        }
        #expect(abs(loss(flow) - 0.125) < 1e-6, "flow loss \(loss(flow))")
        #expect(abs(loss(formula) - 0.125) < 1e-6)
        let escape = try Self.problem(#"{"kind": "network", "widths": [2, 2, 2], "correlation": [[2, 0], [0, 0.5]], "init": {"kind": "lambda_balanced", "lambda": 0.1, "scale": 0.3, "seed": 1}}"#, end: 200)
        let escaped = try Formula.evaluate(escape)
        #expect(escaped.derived.first { $0.name == "saddle_loss" } == nil)
        #expect(loss(escaped) < 1e-10)
    }

    /// The lazy limit: with W(0) fixed and |lambda| growing, the exact product approaches
    /// Sigma + e^{-|lambda| t/tau}(W(0) - Sigma) with an error shrinking about as 1/lambda^2.
    @Test func lazyLimitErrorShrinks() throws {
        var errors: [Double] = []
        for lambda in [1.0, 10, 100] {
            // Fixed W1; W2 = (W1 W1^T + lambda I)^{1/2} so that W2 W1 -> depends on lambda; scale W1
            // by 1/sqrt(lambda)^(1/2) so that W(0) = W2 W1 stays O(1)... instead fix W(0) by
            // construction: W1 = c O, W2 = sqrt(c^2 + lambda) I with c^2 (c^2 + lambda) = 0.25.
            let c = ((-lambda + (lambda * lambda + 1).squareRoot()) / 2).squareRoot()
            let a = (c * c + lambda).squareRoot()
            let o = [0.6, -0.8, 0.8, 0.6]
            let w1 = Matrix(rows: 2, columns: 2, values: o.map { c * $0 })
            let w2 = Matrix(rows: 2, columns: 2, values: [a, 0, 0, a])
            let sigma = Matrix(rows: 2, columns: 2, values: [2, 0.3, -0.1, 1])
            let solution = try BalancedTwoLayerSolution(w1: w1, w2: w2, sigma: sigma, tau: 1)
            let times = (1...60).map { Double($0) * 0.1 / lambda * 10 }
            var worst = 0.0
            for (t, p) in zip(times, try solution.gram(at: times)) {
                worst = max(worst, (solution.product(p) - solution.lazyProduct(at: t)).norm / sigma.norm)
            }
            errors.append(worst)
        }
        #expect(errors[1] < errors[0] / 20 && errors[2] < errors[1] / 20, "\(errors)")
    }

    /// Huge times end: the chunked walk stops once P(t) is stationary (the learned fixed point),
    /// so t = 1e19 gives the converged product at once (it used to walk ~1e19 chunks, a hang
    /// found by the fuzz test), and matches the product at a time well past convergence.
    @Test func hugeTimesReachTheFixedPointWithoutWalkingEveryChunk() throws {
        let c = 0.1, lambda = 0.5
        let a = (c * c + lambda).squareRoot()
        let o = [0.6, -0.8, 0.8, 0.6]
        let w1 = Matrix(rows: 2, columns: 2, values: o.map { c * $0 })
        let w2 = Matrix(rows: 2, columns: 2, values: [a, 0, 0, a])
        let sigma = Matrix(rows: 2, columns: 2, values: [2, 0.3, -0.1, 1])
        let solution = try BalancedTwoLayerSolution(w1: w1, w2: w2, sigma: sigma, tau: 1)
        let late = try solution.gram(at: [200])[0]
        let huge = try solution.gram(at: [1e19])[0]
        // At t = 200 the slowest mode (rate >= 2 s_min ~ 1.7) has settled to rounding.
        #expect((solution.product(huge) - solution.product(late)).norm < 1e-12 * sigma.norm)
        // The product has learned the task: W2 W1 -> Sigma (whitened input, full rank).
        #expect((solution.product(huge) - sigma).norm < 1e-10 * sigma.norm)
    }

    /// Explicit weights that are not lambda-balanced are refused with the measured imbalance.
    @Test func unbalancedExplicitStartIsRefused() throws {
        let p = try Self.problem(#"{"kind": "network", "widths": [2, 2, 2], "singular_values": [1], "init": {"kind": "explicit", "weights": [[[1, 0], [0, 1]], [[2, 0], [0, 1]]]}}"#, end: 1)
        #expect {
            try Formula.evaluate(p)
        } throws: { error in
            guard let e = error as? ProblemFileError else { return false }
            return e.field == "model.init.weights" && e.message.contains("not lambda-balanced")
        }
    }
}
