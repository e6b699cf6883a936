import Foundation
import Testing
import LindynExpr
import LindynIntegrator
import LindynTheory
@testable import LindynModels

/// Systems and losses written as expressions: their compiled right-hand sides and symbolic
/// Jacobians against independent hand-written versions, and the discrete maps of the theory.
@Suite struct ExpressionFlowTests {
    @Test func robertsonCompiledJacobianMatchesFiniteDifferences() throws {
        let problem = try Problem.load(
            text: try String(contentsOfFile: LindynRepository.path("Validation/problems/robertson.json"), encoding: .utf8))
        let system = try problem.dynamics.makeFlow().system
        // A state along the trajectory near t = 0.4 (values from the shipped problem's output).
        let y = [0.98517, 3.3864e-05, 0.014794]
        let exact = try analyticJacobian(system, at: y)
        // Hand-derived Jacobian of Robertson's kinetics (k1 = 0.04, k2 = 3e7, k3 = 1e4).
        let (k1, k2, k3) = (0.04, 3e7, 1e4)
        let hand = [-k1, k3 * y[2], k3 * y[1],
                    k1, -k3 * y[2] - 2 * k2 * y[1], -k3 * y[1],
                    0, 2 * k2 * y[1], 0]
        #expect(zip(exact, hand).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }, "\(exact)")
        let fd = try finiteDifferenceJacobian(system, at: y)
        #expect(zip(exact, fd).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
    }

    @Test func lossFlowIsMinusGradientOverTauWithHessianJacobian() throws {
        // L = 1/2 (s - a b)^2 + lambda/2 (a^2 + b^2): by hand,
        // tau a' = b (s - a b) - lambda a, J = -(1/tau) [[b^2 + lambda, 2ab - s], [2ab - s, a^2 + lambda]].
        let loss = try SymbolicExpression.parse("1/2*(s - a*b)^2 + lambda/2*(a^2 + b^2)")
        let flow = try LossFlow(weights: ["a", "b"], loss: loss, parameters: [("s", 2), ("lambda", 0.3)], initial: [0.4, 0.7], tau: 5)
        let system = try flow.makeFlow().system
        let (a, b, s, l, tau) = (0.4, 0.7, 2.0, 0.3, 5.0)
        var f = [0.0, 0.0]
        try system.rightHandSide(t: 0, y: [a, b], dydt: &f)
        #expect(abs(f[0] - (b * (s - a * b) - l * a) / tau) < 1e-15)
        #expect(abs(f[1] - (a * (s - a * b) - l * b) / tau) < 1e-15)
        let J = try analyticJacobian(system, at: [a, b])
        let hand = [-(b * b + l) / tau, -(2 * a * b - s) / tau, -(2 * a * b - s) / tau, -(a * a + l) / tau]
        #expect(zip(J, hand).allSatisfy { abs($0 - $1) < 1e-15 })
        // Symmetric, as the Jacobian of a gradient flow must be.
        #expect(J[1] == J[2])
    }

    @Test func lossAndModelGiveTheSameFlow() throws {
        // The shipped weight-decay loss and the scalar model with the same settings.
        let text = try String(contentsOfFile: LindynRepository.path("Validation/problems/weight-decay-loss.json"), encoding: .utf8)
        let fromLoss = try tight(try Problem.load(text: text).dynamics, end: 10)
        let model = ScalarModel(x: 1, y: 2, w1: 1e-3.squareRoot(), w2: 1e-3.squareRoot(), weightDecay: 0.2, tau: 1)
        let fromModel = try tight(model, end: 10)
        #expect(relativeDifference(fromLoss.column("u")!, fromModel.column("u")!) < 1e-9)
    }

    @Test func balancedDescentIsTheTheoryMap() throws {
        // Balanced two-layer descent: u_{k+1} = u_k (1 + alpha (a - b u_k))^2 (the per-mode map).
        let p = try Problem.load(text: #"{"model": {"kind": "mode", "s": 2, "u0": 0.001, "weight_decay": 0.1, "tau": 20}, "time": {"end": 200, "points": 201}}"#)
        let gd = try Simulation.descend(p).column("u")!
        let map = try GradientDescentMode(a: 1.9, b: 1, learningRate: 1 / 20.0).iterate(from: 0.001, steps: 200)
        // Different groupings of the same arithmetic: agreement to rounding, amplified at most by
        // the map's growth factor on the plateau.
        #expect(zip(gd, map).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
    }

    @Test func weightDecayBalancesTheLayers() throws {
        // With decay the imbalance w1^2 - w2^2 of the scalar net decays as e^{-2 lambda t/tau}
        // (LindynTheory.WeightDecay.imbalance) whatever the data term does.
        let model = ScalarModel(x: 1, y: 1.5, w1: 0.9, w2: 0.1, weightDecay: 0.25, tau: 2)
        let r = try tight(model, end: 12)
        for row in r.rows {
            let imbalance = row[1] * row[1] - row[2] * row[2]
            let exact = try WeightDecay.imbalance(initialImbalance: 0.81 - 0.01, lambda: 0.25, tau: 2, at: row[0])
            #expect(abs(imbalance - exact) < 1e-9, "t = \(row[0])")
        }
    }

    @Test func plainAutoencoderLearnsEveryModeToOne() throws {
        // AE (no noise, no decay): a = b = lambda_i, fixed point 1 for each of the H top modes.
        let p = try Problem.load(text: #"{"model": {"kind": "autoencoder", "eigenvalues": [3, 2, 1, 0.5], "hidden": 2, "tau": 1, "init": {"u0": 1e-3}}, "time": {"end": 20, "points": 41}, "solver": {"epsabs": 1e-14, "epsrel": 1e-12}}"#)
        let flow = try Simulation.integrate(p), formula = try Formula.evaluate(p)
        for name in ["u1", "u2"] {
            #expect(relativeDifference(flow.column(name)!, formula.column(name)!) < 1e-8)
            #expect(abs(formula.column(name)!.last! - 1) < 1e-6)
        }
    }
}

enum LindynRepository {
    static func path(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(relative).path
    }
}
