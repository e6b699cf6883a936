import Foundation
import Testing
import LindynIntegrator
import LindynTheory
@testable import LindynModels

/// The network's task and start given explicitly: `correlation` (Sigma_yx), `init.kind`
/// explicit / zero_balanced / lambda_balanced, and the product entries as observables.
@Suite struct NetworkTaskTests {
    static func load(_ model: String, end: Double = 5) throws -> Problem {
        try Problem.load(text: "{\"model\": \(model), \"time\": {\"end\": \(end), \"points\": 11}}")
    }

    static func network(_ p: Problem) throws -> NetworkModel { try #require(p.dynamics as? NetworkModel) }

    /// The decomposition behind the modes reconstructs Sigma_yx to round-off (U S V^T = Sigma,
    /// U and V orthogonal), including a rank-deficient, non-square task.
    @Test func correlationDecomposition() throws {
        let sigma: [Double] = [1, 2, 0, 2, 4, 0, 0.5, 1, 0, 0, 0, 3]  // 4 x 3, rank 2
        let task = try NetworkTask(inputs: 3, outputs: 4, sigmaYX: sigma)
        let (u, s, v) = try task.singularValueDecomposition()
        #expect(s.count == 3 && s[2] == 0 && s[0] >= s[1])
        var worst = 0.0
        for i in 0..<4 {
            for j in 0..<3 {
                var x = 0.0
                for a in 0..<3 { x += u[i * 4 + a] * s[a] * v[j * 3 + a] }
                worst = max(worst, abs(x - sigma[i * 3 + j]))
            }
        }
        #expect(worst < 1e-13)
        for (m, n) in [(u, 4), (v, 3)] {
            for a in 0..<n {
                for b in 0..<n {
                    var d = 0.0
                    for i in 0..<n { d += m[i * n + a] * m[i * n + b] }
                    #expect(abs(d - (a == b ? 1 : 0)) < 1e-13)
                }
            }
        }
    }

    /// A task given as singular values and the same task given as its matrix are one flow: the
    /// mode strengths agree along a tight integration (both 1e-12; the only difference is the
    /// decomposition's round-off, ~1e-15 relative, amplified by at most the flow's growth).
    @Test func correlationMatchesSingularValues() throws {
        let base = try Self.network(Self.load(#"{"kind": "network", "widths": [4, 3, 3], "singular_values": [3, 1.5, 0.5], "init": {"u0": 0.01}, "seed": 5}"#))
        let rows = (0..<3).map { i in "[" + (0..<4).map { "\(base.sigmaYX[i * 4 + $0])" }.joined(separator: ", ") + "]" }
        let same = try Self.network(Self.load(#"{"kind": "network", "widths": [4, 3, 3], "correlation": [\#(rows.joined(separator: ", "))], "init": {"u0": 0.01}}"#))
        #expect(same.modes.map(\.s).enumerated().allSatisfy { abs($0.element - [3, 1.5, 0.5][$0.offset]) < 1e-13 })
        let a = try tight(base, end: 8), b = try tight(same, end: 8)
        for name in ["u1", "u2", "u3"] {
            let ka = a.columns.firstIndex(of: name)!, kb = b.columns.firstIndex(of: name)!
            #expect(relativeDifference(b.rows.map { $0[kb] }, a.rows.map { $0[ka] }) < 1e-8, "\(name)")
        }
        // The closed form (mode laws) applies to the explicit task too.
        let formula = try Formula.evaluate(Problem(dynamics: same, time: TimeSpec(end: 8, points: 41)), requireLearned: false)
        for name in ["u1", "u2", "u3"] {
            let kf = formula.columns.firstIndex(of: name)!, kb = b.columns.firstIndex(of: name)!
            #expect(relativeDifference(formula.rows.map { $0[kf] }, b.rows.map { $0[kb] }) < 1e-8, "\(name)")
        }
    }

    /// Explicit weights land in state order, and the W_i_j observables are the entries of W2 W1
    /// at every output row (recomputed here from the integrated weights).
    @Test func explicitWeightsAndProductObservables() throws {
        let p = try Problem.load(text: try String(contentsOfFile: LindynRepository.path("Validation/problems/network-explicit.json"), encoding: .utf8))
        let m = try Self.network(p)
        #expect(m.initialState == [0.1, -0.05, 0.02, 0.03, 0.08, -0.04, 0.09, 0.01, -0.02, 0.07])
        #expect(Array(m.observableNames.prefix(9)) == ["u1", "u2", "W_1_1", "W_1_2", "W_1_3", "W_2_1", "W_2_2", "W_2_3", "G1_1_1"])
        #expect(m.observableNames.count == 2 + 6 + 9 + 4 && m.observableNames.last == "G2_2_2")
        let r = try tight(m, end: 12)
        for row in r.rows {
            let w = Array(row[1...10])
            for i in 0..<2 {
                for j in 0..<3 {
                    let product = w[6 + i * 2] * w[j] + w[6 + i * 2 + 1] * w[3 + j]
                    #expect(abs(row[r.columns.firstIndex(of: "W_\(i + 1)_\(j + 1)")!] - product) <= 1e-15 * max(1, abs(product)))
                }
            }
        }
        // It learns the task: W2 W1 -> Sigma_yx (rank 2 <= hidden width 2).
        let last = r.rows.last!
        let target: [Double] = [2, 0.5, 0, 0.1, 1, 0.3]
        for (k, name) in ["W_1_1", "W_1_2", "W_1_3", "W_2_1", "W_2_2", "W_2_3"].enumerated() {
            #expect(abs(last[r.columns.firstIndex(of: name)!] - target[k]) < 1e-4)
        }
    }

    /// Balanced inits satisfy W2^T W2 - W1 W1^T = lambda I to round-off, aligned or not, for
    /// each sign of lambda and both width orders the rules allow.
    @Test func balancedInitsAreBalanced() throws {
        for (widths, lambda) in [([3, 2, 4], 1.5), ([5, 3, 2], -2.0), ([4, 4, 4], 0.0), ([5, 4, 3], 0.0), ([2, 3, 4], 0.7)] {
            for aligned in [false, true] {
                let kind = lambda == 0 ? "\"zero_balanced\"" : "\"lambda_balanced\", \"lambda\": \(lambda)"
                let m = try Self.network(Self.load(#"{"kind": "network", "widths": \#(widths), "singular_values": [2, 1], "init": {"kind": \#(kind), "scale": 0.3, "seed": 2, "aligned": \#(aligned)}}"#))
                let (measured, imbalance) = NetworkModel.balance(widths: widths, weights: m.initialWeights)
                #expect(abs(measured - lambda) < 1e-13, "\(widths) \(lambda) \(aligned)")
                #expect(imbalance < 1e-13, "\(widths) \(lambda) \(aligned): imbalance \(imbalance)")
                #expect(m.initialWeights.contains { $0 != 0 })
            }
        }
    }

    /// Every new input is refused with the field named.
    @Test func badInputsNameTheirField() throws {
        let cases: [(String, String)] = [
            (#"{"kind": "network", "widths": [2, 2, 2], "correlation": [[1, 0]]}"#, "model.correlation"),
            (#"{"kind": "network", "widths": [2, 2, 2], "correlation": [[1, 0], [0, 1, 2]]}"#, "model.correlation[1]"),
            (#"{"kind": "network", "widths": [2, 2, 2], "correlation": [[1, "x"], [0, 1]]}"#, "model.correlation[0][1]"),
            (#"{"kind": "network", "widths": [2, 2, 2], "correlation": [[1, 0], [0, 1]], "singular_values": [1]}"#, "model.correlation"),
            (#"{"kind": "network", "widths": [2, 2, 2], "correlation": [[1, 0], [0, 1]], "seed": 3}"#, "model.seed"),
            (#"{"kind": "network", "widths": [2, 2, 2], "correlation": 3}"#, "model.correlation"),
            (#"{"kind": "network", "widths": [2, 2, 2], "singular_values": [1], "init": {"kind": "explicit", "weights": [[[1, 0], [0, 1]]]}}"#, "model.init.weights"),
            (#"{"kind": "network", "widths": [2, 2, 2], "singular_values": [1], "init": {"kind": "explicit", "weights": [[[1, 0], [0, 1]], [[1, 0]]]}}"#, "model.init.weights[1]"),
            (#"{"kind": "network", "widths": [2, 2, 2], "singular_values": [1], "init": {"kind": "explicit", "weights": [[[1, 0], [0, 1]], [[1, 0], [0]]]}}"#, "model.init.weights[1][1]"),
            (#"{"kind": "network", "widths": [2, 2, 2], "singular_values": [1], "init": {"kind": "explicit", "scale": 1, "weights": []}}"#, "model.init.scale"),
            (#"{"kind": "network", "widths": [2, 3, 2], "singular_values": [1], "init": {"kind": "lambda_balanced", "lambda": 1}}"#, "model.widths"),
            (#"{"kind": "network", "widths": [2, 3, 4], "singular_values": [1], "init": {"kind": "lambda_balanced", "lambda": -1}}"#, "model.widths"),
            (#"{"kind": "network", "widths": [2, 3, 2], "singular_values": [1], "init": {"kind": "zero_balanced"}}"#, "model.widths"),
            (#"{"kind": "network", "widths": [2, 2, 2], "singular_values": [1], "init": {"kind": "lambda_balanced"}}"#, "model.init.lambda"),
            (#"{"kind": "network", "widths": [2, 2, 2], "singular_values": [1], "init": {"kind": "zero_balanced", "lambda": 1}}"#, "model.init.lambda"),
            (#"{"kind": "network", "widths": [2, 2, 2, 2], "singular_values": [1], "init": {"kind": "zero_balanced"}}"#, "model.init.kind"),
            (#"{"kind": "autoencoder", "eigenvalues": [1, 2], "hidden": 1, "init": {"kind": "explicit"}}"#, "model.init.kind"),
        ]
        for (model, field) in cases {
            do {
                _ = try Self.load(model)
                Issue.record("accepted: \(model)")
            } catch let error as ProblemFileError {
                #expect(error.field == field, "\(model): \(error)")
            }
        }
    }
}
