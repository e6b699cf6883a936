import Foundation
import Testing
import LindynTheory
@testable import LindynModels

/// The closed forms against tight integrations of the same model (relative 1e-8: the integrator
/// runs at 1e-12 relative, so disagreement above 1e-8 is a wrong formula or a wrong model), and
/// gradient descent against the closed form within the lag that the theory predicts.
@Suite struct FormulaTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let model: String
        let end: Double
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "scalar balanced", model: #"{"kind": "scalar", "x": 1.5, "y": 2, "w1": 0.05, "w2": 0.05, "tau": 2}"#, end: 10),
        Case(name: "scalar balanced, weight decay", model: #"{"kind": "scalar", "x": 1, "y": 2, "w1": 0.05, "w2": 0.05, "weight_decay": 0.3}"#, end: 10),
        Case(name: "scalar unbalanced", model: #"{"kind": "scalar", "x": 1.2, "y": 1, "w1": 0.8, "w2": 0.01, "tau": 1}"#, end: 10),
        Case(name: "scalar unbalanced, negative start", model: #"{"kind": "scalar", "x": 1, "y": 1, "w1": 0.5, "w2": -0.1, "tau": 1}"#, end: 10),
        Case(name: "Saxe mode", model: #"{"kind": "mode", "s": 3, "u0": 1e-6, "tau": 1}"#, end: 5),
        Case(name: "mode with weight decay", model: #"{"kind": "mode", "s": 3, "u0": 1e-4, "weight_decay": 0.5}"#, end: 6),
        Case(name: "mode decaying (decay above s)", model: #"{"kind": "mode", "s": 1, "u0": 0.5, "weight_decay": 1.5}"#, end: 6),
        Case(name: "standard dropout", model: #"{"kind": "mode", "s": 2, "u0": 1e-3, "dropout": {"keep": 0.4}}"#, end: 12),
        Case(name: "inverted dropout", model: #"{"kind": "mode", "s": 2, "u0": 1e-3, "dropout": {"keep": 0.4, "inverted": true}}"#, end: 8),
        Case(name: "dropout over 3 units", model: #"{"kind": "mode", "s": 2, "u0": 1e-3, "dropout": {"keep": 0.7, "units": 3}}"#, end: 8),
        Case(name: "input noise (DAE mode)", model: #"{"kind": "mode", "s": 2, "u0": 1e-3, "noise_variance": 0.2, "samples": 5}"#, end: 8),
        Case(name: "deep mode D = 3", model: #"{"kind": "mode", "s": 2, "u0": 1e-3, "depth": 3}"#, end: 20),
        Case(name: "deep mode D = 7", model: #"{"kind": "mode", "s": 1.5, "u0": 1e-2, "depth": 7}"#, end: 20),
        Case(name: "linear regression D = 1", model: #"{"kind": "mode", "s": 1.5, "u0": 0.1, "depth": 1, "weight_decay": 0.2}"#, end: 5),
        Case(name: "chain D = 5", model: #"{"kind": "chain", "depth": 5, "s": 2, "initial": 0.4}"#, end: 10),
        Case(name: "chain D = 2 with decay", model: #"{"kind": "chain", "depth": 2, "s": 2, "initial": 0.03, "weight_decay": 0.4}"#, end: 10),
        Case(name: "network, decoupled", model: #"{"kind": "network", "widths": [5, 4, 3], "singular_values": [3, 1, 0.2], "init": {"u0": 1e-4}, "tau": 1}"#, end: 30),
        Case(name: "network, decay and dropout", model: #"{"kind": "network", "widths": [4, 3, 4], "singular_values": [3, 1.5], "weight_decay": 0.2, "dropout": {"keep": 0.8}, "init": {"u0": 1e-3}}"#, end: 20),
        Case(name: "network, narrow hidden layer", model: #"{"kind": "network", "widths": [3, 2, 3], "singular_values": [3, 2, 1], "init": {"u0": 1e-3}}"#, end: 10),
        Case(name: "deep network D = 3", model: #"{"kind": "network", "widths": [3, 3, 3, 3], "singular_values": [2, 1], "aligned": true, "init": {"u0": 1e-3}}"#, end: 40),
        Case(name: "DAE", model: #"{"kind": "autoencoder", "eigenvalues": [4, 2, 1], "hidden": 2, "samples": 10, "noise_variance": 0.05, "tau": 1, "init": {"u0": 1e-3}}"#, end: 10),
        Case(name: "WDAE", model: #"{"kind": "autoencoder", "eigenvalues": [4, 2, 1], "hidden": 2, "samples": 10, "weight_decay": 0.02, "aligned": false, "tau": 1, "init": {"u0": 1e-3}}"#, end: 10),
    ]

    func problem(_ c: Case, points: Int = 81) throws -> Problem {
        try Problem.load(text: #"{"model": \#(c.model), "time": {"end": \#(c.end), "points": \#(points)}, "solver": {"epsabs": 1e-14, "epsrel": 1e-12}}"#)
    }

    @Test(arguments: cases)
    func formulaMatchesTightIntegration(c: Case) throws {
        let p = try problem(c)
        let formula = try Formula.evaluate(p, requireLearned: false)
        let flow = try Simulation.integrate(p)
        #expect(flow.succeeded)
        let overall = formula.rows.flatMap { $0.dropFirst() }.map(abs).max()!
        for name in formula.columns.dropFirst() {
            let exact = formula.column(name)!, numeric = try #require(flow.column(name))
            // Relative to the trajectory's scale near each point (floor: 1e-6 of its largest value,
            // so points where a decaying mode passes through ~0 are judged absolutely; and 1e-8 of the
            // largest mode for a mode that stays at 0, where only rounding is left).
            let scale = exact.map(abs).max()!
            let error = zip(numeric, exact).map { abs($0 - $1) / max(abs($1), 1e-6 * scale, 1e-8 * overall) }.max()!
            #expect(error < 1e-8, "\(c.name) \(name): relative error \(error)")
        }
    }

    /// Gradient descent lags the flow by O(alpha a): its half time exceeds the flow's by the
    /// factor `GradientDescentMode.firstOrderLagRatio(from:to:)` up to O((alpha a)^2) (measured
    /// constant about 0.86 in the theory tests), plus the half-epoch resolution of reading a
    /// crossing off the epoch grid (linear interpolation between epochs: far below that).
    @Test(arguments: [0.01, 0.03, 0.06])
    func descentLagsByThePredictedRatio(alphaA: Double) throws {
        let s = 2.0, u0 = 1e-4
        let tau = s / alphaA
        let text = #"{"model": {"kind": "mode", "s": \#(s), "u0": \#(u0), "tau": \#(tau)}, "time": {"end": \#(20 * tau), "points": \#(Int(20 * tau) + 1)}}"#
        let p = try Problem.load(text: text)
        let descent = try Simulation.descend(p)
        #expect(descent.columns == ["t", "a", "b", "u"])
        let flowHalf = try LogisticLaw(a: s, b: 1, tau: tau).halfTime(from: u0)
        let u = descent.column("u")!, t = descent.times
        let k = u.firstIndex { $0 >= s / 2 }!
        let gdHalf = t[k - 1] + (s / 2 - u[k - 1]) / (u[k] - u[k - 1]) * (t[k] - t[k - 1])
        let measured = gdHalf / flowHalf
        let predicted = try GradientDescentMode(a: s, b: 1, learningRate: 1 / tau).firstOrderLagRatio(from: u0, to: s / 2)
        #expect(measured > 1, "descent must lag the flow")
        #expect(abs(measured - predicted) < alphaA * alphaA + 0.5 / flowHalf, "measured \(measured), predicted \(predicted)")
    }

    @Test func descentTracksFormulaWithinTheLag() throws {
        // Over a whole trajectory: at each epoch the descent equals the formula evaluated at a
        // time shifted by the lag; without the shift the error is O(1) during the rise, with it
        // the residual is O(alpha a) of s.
        let s = 3.0, tau = 100.0, u0 = 1e-3
        let p = try Problem.load(text: #"{"model": {"kind": "mode", "s": 3, "u0": 0.001, "tau": 100}, "time": {"end": 400, "points": 401}}"#)
        let gd = try Simulation.descend(p)
        let law = try LogisticLaw(a: s, b: 1, tau: tau)
        let ratio = 1 + s / tau / 2
        var worst = 0.0
        for (t, u) in zip(gd.times, gd.column("u")!) {
            worst = max(worst, abs(u - (try law.value(at: t / ratio, from: u0))))
        }
        #expect(worst < 3 * (s / tau) * s, "worst lag-corrected difference \(worst)")
    }

    @Test func monteCarloDropoutHalfTimeMatchesExpectedDynamics() throws {
        // 100 runs with masks resampled every epoch; the averaged curve's half time against the
        // expected-dynamics closed form (tau/p slow-down): within a few epochs (about 1% here) as
        // the dropout analysis states, plus the descent lag alpha a / 2 (0.75%).
        let p = try Problem.load(text: #"{"model": {"kind": "mode", "s": 3, "u0": 0.001, "tau": 100, "dropout": {"keep": 0.5}}, "time": {"end": 600, "points": 601}, "descent": {"runs": 100, "monte_carlo": true, "seed": 9}}"#)
        let mc = try Simulation.descend(p)
        let formula = try Formula.evaluate(p)
        let half = formula.derived.first { $0.name == "half_time" }!.value
        let u = mc.column("u")!, t = mc.times
        let k = u.firstIndex { $0 >= 1.5 }!
        let measured = t[k - 1] + (1.5 - u[k - 1]) / (u[k] - u[k - 1])
        #expect(abs(measured - half * 1.0075) < 0.02 * half, "Monte-Carlo half time \(measured), expected dynamics \(half)")
    }

    @Test func daeAtAlphaIsWdaeAtScaledRateStepForStep() throws {
        // Per mode, a DAE descending at rate alpha and a WDAE with the matched decay gamma_i at
        // rate alpha xi/lambda make the same steps (Pretorius et al.; LindynTheory derives the
        // equivalent rate). Checked on the full-matrix autoencoder with one eigenvalue so gamma is
        // matched exactly.
        let lambda = 4.0, n = 10, sigma2 = 0.1
        let gamma = try Autoencoders.matchedWeightDecay(eigenvalue: lambda, sampleCount: n, noiseVariance: sigma2)
        let xi = lambda + Double(n) * sigma2
        let tauDAE = 50.0
        let tauWDAE = tauDAE * lambda / xi
        let dae = try Problem.load(text: #"{"model": {"kind": "autoencoder", "eigenvalues": [4], "hidden": 1, "samples": 10, "noise_variance": 0.1, "tau": \#(tauDAE), "init": {"u0": 0.001}}, "time": {"end": 300, "points": 301}}"#)
        let wdae = try Problem.load(text: #"{"model": {"kind": "autoencoder", "eigenvalues": [4], "hidden": 1, "samples": 10, "weight_decay": \#(gamma), "tau": \#(tauWDAE), "init": {"u0": 0.001}}, "time": {"end": 300, "points": 301}}"#)
        let a = try Simulation.descend(dae).column("u1")!, b = try Simulation.descend(wdae).column("u1")!
        let worst = zip(a, b).map { abs($0 - $1) }.max()!
        // Same map up to rounding accumulated over 300 steps.
        #expect(worst < 1e-12, "DAE and WDAE descents differ by \(worst)")
        // And the fixed points agree: lambda/xi.
        #expect(abs(a.last! - lambda / xi) < 1e-6)
    }

    @Test func smallRandomInitApproachesTheDecoupledFormula() throws {
        // A small random start is close to decoupled and balanced: after the plateau its mode
        // strengths follow the formula with a time shift of order tau/(2s) ln(u0 ratio). Check
        // the learned values at the end and the ordering of learning by singular value.
        let text = #"{"model": {"kind": "network", "widths": [6, 6, 6], "singular_values": [3, 2, 1], "init": {"kind": "random", "scale": 1e-4, "seed": 2}}, "time": {"end": 30, "points": 61}}"#
        let p = try Problem.load(text: text)
        let flow = try Simulation.integrate(p)
        let last = flow.rows.last!
        let k = flow.columns.firstIndex(of: "u1")!
        #expect(abs(last[k] - 3) < 1e-3 && abs(last[k + 1] - 2) < 1e-3 && abs(last[k + 2] - 1) < 1e-2)
        // The half times come in order of singular value.
        func half(_ name: String, _ s: Double) -> Double { flow.times[flow.column(name)!.firstIndex { $0 >= s / 2 }!] }
        #expect(half("u1", 3) < half("u2", 2) && half("u2", 2) < half("u3", 1))
        // The formula refuses a random init rather than answer with a wrong number.
        #expect(throws: ProblemFileError.self) { try Formula.evaluate(p) }
    }

    struct BadModel: Sendable, CustomStringConvertible {
        let model: String
        let field: String
        let formulaOnly: Bool
        var description: String { field }
    }

    static let badModels = [
        BadModel(model: #"{"kind": "mode", "s": 1, "u0": 0.1, "dropout": {"keep": 0}}"#, field: "model.dropout.keep", formulaOnly: false),
        BadModel(model: #"{"kind": "mode", "s": 1, "u0": 0.1, "dropout": {"keep": 1.2}}"#, field: "model.dropout.keep", formulaOnly: false),
        BadModel(model: #"{"kind": "mode", "s": 1, "u0": 0.1, "depth": 0}"#, field: "model.depth", formulaOnly: false),
        BadModel(model: #"{"kind": "chain", "s": 1, "depth": 0, "initial": 1}"#, field: "model.depth", formulaOnly: false),
        BadModel(model: #"{"kind": "network", "widths": [3, 2, 3], "singular_values": [1, 1, 1, 1]}"#, field: "model.singular_values", formulaOnly: false),
        BadModel(model: #"{"kind": "network", "widths": [3], "singular_values": [1]}"#, field: "model.widths", formulaOnly: false),
        BadModel(model: #"{"kind": "network", "widths": [3, 2.5, 3], "singular_values": [1]}"#, field: "model.widths", formulaOnly: false),
        BadModel(model: #"{"kind": "mode", "s": 1, "u0": -0.1}"#, field: "model.u0", formulaOnly: false),
        BadModel(model: #"{"kind": "mode", "s": 1, "u0": 0.1, "weight_decay": 1}"#, field: "model.weight_decay", formulaOnly: true),
        BadModel(model: #"{"kind": "mode", "s": 1, "u0": 0.1, "weight_decay": 2}"#, field: "model.weight_decay", formulaOnly: true),
        BadModel(model: #"{"kind": "mode", "s": 1, "u0": 0.1, "depth": 4, "weight_decay": 0.1}"#, field: "model.weight_decay", formulaOnly: true),
        BadModel(model: #"{"kind": "scalar", "w1": 0.3, "w2": 0.1, "weight_decay": 0.1}"#, field: "model.weight_decay", formulaOnly: true),
        BadModel(model: #"{"kind": "autoencoder", "eigenvalues": [1, 2], "hidden": 3}"#, field: "model.hidden", formulaOnly: false),
        BadModel(model: #"{"kind": "mode", "s": 1, "u0": 0.1, "depth": 3, "dropout": {"keep": 0.5}}"#, field: "model.dropout", formulaOnly: false),
    ]

    @Test(arguments: badModels)
    func badModelInputNamesTheField(bad: BadModel) throws {
        let text = #"{"model": \#(bad.model), "time": {"end": 1}}"#
        do {
            let p = try Problem.load(text: text)
            #expect(bad.formulaOnly, "\(bad.field): the file should have been refused on loading")
            _ = try Formula.evaluate(p)
            Issue.record("\(bad.field): no error")
        } catch {
            #expect(error.field == bad.field, "\(error)")
        }
    }
}
