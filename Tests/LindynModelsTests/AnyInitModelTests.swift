import Foundation
import Testing
import LindynIntegrator
import LindynTheory
@testable import LindynModels

/// The single neuron and the end-to-end flow against tight integrations (rk8pd 1e-13/1e-13:
/// integration error ~1e-11 on these O(1) problems).
@Suite struct AnyInitModelTests {
    static func load(_ model: String, end: Double, points: Int = 21) throws -> Problem {
        try Problem.load(text: #"{"model": \#(model), "time": {"end": \#(end), "points": \#(points)}, "solver": {"epsabs": 1e-13, "epsrel": 1e-13}}"#)
    }

    static func worst(_ a: RunResult, _ b: RunResult, _ names: [String]) -> Double {
        var worst = 0.0
        for (ra, rb) in zip(a.rows, b.rows) {
            let x = names.map { ra[a.columns.firstIndex(of: $0)!] }, y = names.map { rb[b.columns.firstIndex(of: $0)!] }
            let norm = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
            worst = max(worst, zip(x, y).reduce(0) { $0 + pow($1.0 - $1.1, 2) }.squareRoot() / max(norm, 1e-300))
        }
        return worst
    }

    /// Every weight of the single neuron (d = 3), equal and unequal layer rates, delta of both
    /// signs, to long times.
    @Test(arguments: [
        #""tau": 1, "a": 0.1"#, #""tau": 4, "a": 2"#, #""learning_rate_w": 0.5, "learning_rate_a": 2, "a": 0.05"#,
        #""learning_rate_w": 3, "learning_rate_a": 0.2, "a": -0.4"#,
    ])
    func singleNeuronExact(rates: String) throws {
        let p = try Self.load(#"{"kind": "single_neuron", "beta": [1.5, -0.5, 0.8], "w": [0.2, 0.3, -0.1], \#(rates)}"#, end: 60)
        let formula = try Formula.evaluate(p), flow = try Simulation.integrate(p)
        #expect(flow.succeeded && formula.columns == flow.columns)
        let error = Self.worst(formula, flow, p.dynamics.stateNames)
        #expect(error < 1e-9, "\(rates): \(error)")
        // Descent follows the flow at small learning rate: the fuzz-free sanity check.
        #expect(try Simulation.descend(p).succeeded)
    }

    /// The end-to-end flow of the product (depth 3, weight decay, non-white input) against the
    /// layer-wise network flow from a balanced but not task-aligned start W_j = O_j S O_{j-1}^T.
    @Test func endToEndMatchesLayerWise() throws {
        let n = 3
        let o = (0..<4).map { randomOrthogonal(n, seed: UInt64(10 + $0)) }
        let s = [0.9, 0.5, 0.3]
        func layer(_ j: Int) -> [[Double]] {
            (0..<n).map { i in (0..<n).map { k in (0..<n).reduce(0) { $0 + o[j][i * n + $1] * s[$1] * o[j - 1][k * n + $1] } } }
        }
        func json(_ m: [[Double]]) -> String { "[" + m.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]" }
        let network = try Self.load(#"{"kind": "network", "widths": [3, 3, 3, 3], "singular_values": [2, 1, 0.5], "input_eigenvalues": [1.5, 1, 0.7], "seed": 3, "weight_decay": 0.05, "tau": 2, "init": {"kind": "explicit", "weights": [\#(json(layer(1))), \#(json(layer(2))), \#(json(layer(3)))]}}"#, end: 30)
        let m = try #require(network.dynamics as? NetworkModel)
        func square(_ v: [Double]) -> [[Double]] { (0..<n).map { i in Array(v[(i * n)..<(i * n + n)]) } }
        // W(0) = O_3 S^3 O_0^T.
        let w0 = (0..<n).map { i in (0..<n).map { k in (0..<n).reduce(0) { $0 + o[3][i * n + $1] * pow(s[$1], 3) * o[0][k * n + $1] } } }
        let e2e = try Self.load(#"{"kind": "end_to_end", "depth": 3, "correlation": \#(json(square(m.sigmaYX))), "input_correlation": \#(json(square(m.sigmaXX!))), "initial": \#(json(w0)), "weight_decay": 0.05, "tau": 2}"#, end: 30)
        let layered = try Simulation.integrate(network), direct = try Simulation.integrate(e2e)
        #expect(layered.succeeded && direct.succeeded)
        let names = e2e.dynamics.stateNames
        #expect(Self.worst(direct, layered, names) < 1e-8)
        #expect(try Simulation.descend(e2e).succeeded)
    }

    @Test func badInputsNameTheirField() throws {
        let cases: [(String, String)] = [
            (#"{"kind": "single_neuron", "beta": [1, 2], "w": [1], "a": 1}"#, "model.w"),
            (#"{"kind": "single_neuron", "beta": [], "w": [], "a": 1}"#, "model.beta"),
            (#"{"kind": "single_neuron", "beta": [1], "w": [1], "a": 1, "learning_rate_w": 1}"#, "model.learning_rate_a"),
            (#"{"kind": "single_neuron", "beta": [1], "w": [1], "a": 1, "learning_rate_w": 1, "learning_rate_a": 1, "tau": 2}"#, "model.tau"),
            (#"{"kind": "end_to_end", "depth": 0, "correlation": [[1]], "initial": [[1]]}"#, "model.depth"),
            (#"{"kind": "end_to_end", "depth": 2, "correlation": [[1, 2]], "initial": [[1]]}"#, "model.initial[0]"),
            (#"{"kind": "end_to_end", "depth": 2, "correlation": [[1]], "input_correlation": [[-1]], "initial": [[1]]}"#, "model.input_correlation"),
            (#"{"kind": "end_to_end", "depth": 2, "correlation": [[1, 0]], "input_correlation": [[1, 2], [0, 1]], "initial": [[1, 0]]}"#, "model.input_correlation"),
            (#"{"kind": "end_to_end", "depth": 2, "correlation": [], "initial": [[1]]}"#, "model.correlation"),
        ]
        for (model, field) in cases {
            do {
                _ = try Self.load(model, end: 1)
                Issue.record("accepted: \(model)")
            } catch let error as ProblemFileError {
                #expect(error.field == field, "\(model): \(error)")
            }
        }
    }
}
