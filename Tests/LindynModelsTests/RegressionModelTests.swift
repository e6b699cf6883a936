import Foundation
import LindynIntegrator
import LindynTheory
import Testing

@testable import LindynModels

@Suite("Regression model (Advani-Saxe)")
struct RegressionModelTests {
    static func problem(inputs: Int, samples: Int, initVariance: Double = 0, tau: Double = 2, seed: Int = 1, end: Double = 40, points: Int = 41) throws -> Problem {
        try Problem.load(text: """
            {"model": {"kind": "regression", "inputs": \(inputs), "samples": \(samples), "teacher_variance": 0.8,
                       "noise_variance": 0.2, "init_variance": \(initVariance), "tau": \(tau), "seed": \(seed)},
             "time": {"end": \(end), "points": \(points)}}
            """)
    }

    /// The exact solution from the eigendecomposition of Sigma_xx against a tight integration of
    /// the full weight flow on the same samples (rk8pd at 1e-13/1e-12, global error ~1e-10):
    /// 1e-8 relative, with values below 1e-3 of the column's largest compared absolutely at that
    /// scale (the training error of an interpolating student falls to 0).
    @Test("exact finite-size errors follow the integrated flow to 1e-8", arguments: [15, 30, 60])
    func exactMatchesFlow(samples: Int) throws {
        let problem = try Self.problem(inputs: 30, samples: samples, initVariance: 0.1)
        let flow = try tight(problem.dynamics, end: 40)
        let formula = try Formula.evaluate(problem)
        for name in ["train_error", "test_error"] {
            let a = try #require(formula.column(name)), b = try #require(flow.column(name))
            let scale = b.map(abs).max()!
            for (x, r) in zip(a, b) {
                #expect(abs(x - r) <= 1e-8 * max(abs(r), 1e-3 * scale), "\(name): \(x) vs \(r) (P = \(samples))")
            }
        }
    }

    /// Descent is the Euler step of the flow with step one epoch: its lag behind the flow is
    /// first order in the learning rate, so doubling tau halves the deviation (ratio 2 within 20 %).
    @Test("descent follows the flow within the O(learning rate) lag")
    func descentLag() throws {
        var deviations: [Double] = []
        for tau in [20.0, 40.0] {
            let problem = try Self.problem(inputs: 30, samples: 60, tau: tau, end: 4 * tau, points: 41)
            let flow = try tight(problem.dynamics, end: 4 * tau)
            let descent = try Simulation.descend(problem)
            let a = try #require(descent.column("test_error")), b = try #require(flow.column("test_error"))
            deviations.append(zip(a, b).map { abs($0 - $1) }.max()!)
        }
        #expect(deviations[0] < 5e-2)  // learning rate x largest eigenvalue ~ 0.3 at tau = 20
        let ratio = deviations[0] / deviations[1]
        #expect(ratio > 1.6 && ratio < 2.4, "deviations \(deviations)")
    }

    /// The Marchenko-Pastur curves are the large-N limit of the exact expectation given the
    /// inputs: its largest relative error over the time grid must shrink from N = 50 to 200 to 800.
    static func largeNError(alpha: Double, inputs: Int) throws -> Double {
        let model = try RegressionModel(
            inputs: inputs, samples: Int(alpha * Double(inputs)), task: try RegressionTask(teacherVariance: 0.8, noiseVariance: 0.2),
            seed: 3, tau: 1)
        let exact = try model.exactSolution()
        let theory = try RegressionTheory(alpha: alpha, task: model.task)
        var worst = 0.0
        for T in [0.5, 1, 2, 5, 10, 20] {
            let e = exact.expectedErrors(at: T), r = try theory.errors(at: T)
            worst = max(worst, abs(e.test - r.test) / r.test)
        }
        return worst
    }

    @Test("large-N theory converges to the exact expectation as N grows (alpha = 1)")
    func largeNConvergesAtPeak() throws {
        let errors = try [50, 200, 800].map { try Self.largeNError(alpha: 1, inputs: $0) }
        #expect(errors[1] < errors[0] && errors[2] < errors[1], "\(errors)")
    }

    @Test("large-N theory converges for alpha = 0.5 and 2", .enabled(if: ProcessInfo.processInfo.environment["LINDYN_VALIDATION"] == "full"))
    func largeNConverges() throws {
        for alpha in [0.5, 2.0] {
            let errors = try [50, 200, 800].map { try Self.largeNError(alpha: alpha, inputs: $0) }
            #expect(errors[1] < errors[0] && errors[2] < errors[1], "alpha \(alpha): \(errors)")
        }
    }

    /// At alpha = 1 the exact solution stays finite (the smallest eigenvalue is positive at
    /// finite N) while the large-N value at convergence is infinite and reported as such.
    @Test("alpha = 1: finite exact curves, infinite large-N convergence value, finite stopping")
    func peak() throws {
        let problem = try Self.problem(inputs: 40, samples: 40, end: 1e9, points: 5)
        let result = try Formula.evaluate(problem)
        for row in result.rows { #expect(row.allSatisfy { $0.isFinite }, "\(row)") }
        let derived = Dictionary(uniqueKeysWithValues: result.derived.map { ($0.name, $0.value) })
        #expect(derived["test_error_at_convergence_large_n"] == .infinity)
        #expect(try #require(derived["optimal_stopping_time"]).isFinite)
        #expect(try #require(derived["test_error_at_optimal_stopping"]) < derived["test_error_at_convergence"]!)
    }

    @Test("bad regression fields are refused, naming the field")
    func badInput() {
        let cases: [(String, String)] = [
            ("\"inputs\": 10, \"samples\": 0", "model.samples"),
            ("\"inputs\": 10, \"samples\": 5, \"noise_variance\": -1", "model.noise_variance"),
            ("\"inputs\": 0, \"samples\": 5", "model.inputs"),
            ("\"inputs\": 5000, \"samples\": 5", "model.inputs"),
            ("\"inputs\": 2000, \"samples\": 5000", "model.samples"),
            ("\"inputs\": 10, \"samples\": 5, \"teacher_variance\": 0", "model.teacher_variance"),
            ("\"inputs\": 10, \"samples\": 5, \"init_variance\": \"x\"", "model.init_variance"),
            ("\"inputs\": 10, \"samples\": 5, \"teacher\": 1", "model.teacher"),
        ]
        for (fields, field) in cases {
            do {
                _ = try Problem.load(text: "{\"model\": {\"kind\": \"regression\", \(fields)}, \"time\": {\"end\": 1}}")
                Issue.record("accepted \(fields)")
            } catch {
                #expect(error.field == field, "\(fields): \(error)")
            }
        }
    }
}

/// Weight decay in the regression: exact law against the integrated flow, and refusals.
@Suite("Regression with weight decay")
struct RegressionWeightDecayTests {
    /// The exact solution with every rate shifted by lambda against a tight integration of the
    /// weight flow (same rule as the plain case: 1e-8 relative, small values at 1e-3 of the
    /// column's largest); the large-N curve at T = 1e6 reaches its value at infinity.
    @Test("exact errors with weight decay follow the integrated flow to 1e-8", arguments: [15, 30, 60])
    func exactMatchesFlow(samples: Int) throws {
        let problem = try Problem.load(text: """
            {"model": {"kind": "regression", "inputs": 30, "samples": \(samples), "teacher_variance": 0.8, "noise_variance": 0.2,
                       "init_variance": 0.1, "weight_decay": 0.3, "tau": 2, "seed": 1},
             "time": {"end": 40, "points": 41}}
            """)
        let flow = try tight(problem.dynamics, end: 40)
        let formula = try Formula.evaluate(problem)
        for name in ["train_error", "test_error"] {
            let a = try #require(formula.column(name)), b = try #require(flow.column(name))
            let scale = b.map(abs).max()!
            for (x, r) in zip(a, b) { #expect(abs(x - r) <= 1e-8 * max(abs(r), 1e-3 * scale), "\(name): \(x) vs \(r)") }
        }
        let m = try #require(problem.dynamics as? RegressionModel)
        let theory = try RegressionTheory(alpha: m.alpha, task: m.task)
        let late = try theory.errors(at: 1e6), limit = try theory.errors(at: .infinity)
        #expect(abs(late.test - limit.test) < 1e-10 && abs(late.train - limit.train) < 1e-10)
    }

    @Test("a negative or huge weight decay is refused, naming the field")
    func refusals() {
        for value in ["-0.1", "1e200", "\"x\""] {
            #expect { try Problem.load(text: "{\"model\": {\"kind\": \"regression\", \"inputs\": 10, \"samples\": 5, \"weight_decay\": \(value)}, \"time\": {\"end\": 1}}") } throws: {
                ($0 as? ProblemFileError)?.field == "model.weight_decay"
            }
        }
    }
}
