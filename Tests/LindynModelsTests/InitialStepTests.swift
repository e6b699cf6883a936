import CBaseline
import Foundation
import LindynIntegrator
import Testing

@testable import LindynModels

/// The automatic first step (`solver.hstart: "auto"`) and the error-norm / controller options on
/// the two-layer network flow: Lindyn and the C baseline (`Sources/CBaseline`, GSL's loop with a
/// hand-written right-hand side and the same control and starting-step code from
/// `Sources/CGSL/shim.h`) take identical steps, and the chosen step reaches the tolerance with
/// fewer evaluations than GSL's fixed 1e-6 start.
@Suite struct InitialStepTests {
    /// The benchmark's deterministic network case (Validation/bench/cases.md) at width n: aligned
    /// initial weights sqrt(u0) V^T and sqrt(u0) U, mode strengths s_k from 3 down to 1, so that
    /// every mode follows the logistic law exactly.
    struct Case {
        let n: Int
        let params: [Double]
        let initial: [Double]
        let model: NetworkModel
        let u: [Double], v: [Double], s: [Double]

        init(n: Int, u0: Double = 1e-3) throws {
            self.n = n
            var sigma = [Double](repeating: 0, count: n * n)
            var w1 = sigma, w2 = sigma, u = sigma, v = sigma
            var s = [Double](repeating: 0, count: n)
            let status = lindyn_baseline_network_case(Int32(n), u0, &sigma, &u, &v, &s, &w1, &w2)
            #expect(status == 0)
            let modes = (0..<n).map { k in
                NetworkMode(
                    s: s[k], inputVariance: 1, output: (0..<n).map { u[$0 * n + k] }, input: (0..<n).map { v[$0 * n + k] },
                    initialStrength: u0, learnable: true)
            }
            params = [1] + sigma
            initial = w1 + w2
            model = try NetworkModel(
                widths: [n, n, n], sigmaYX: sigma, sigmaXX: nil, modes: modes, initialWeights: w1 + w2, weightDecay: 0,
                dropout: nil, tau: 1)
            self.u = u
            self.v = v
            self.s = s
        }

        /// Largest relative error of the mode strengths U[:,k]^T W2 W1 V[:,k] against the logistic
        /// law s / (1 + (s / u0 - 1) e^(-2 s t)) at time t.
        func modeError(_ state: [Double], t: Double, u0: Double = 1e-3) -> Double {
            var worst = 0.0
            for k in 0..<n {
                var w1v = [Double](repeating: 0, count: n)
                for i in 0..<n { for j in 0..<n { w1v[i] += state[i * n + j] * v[j * n + k] } }
                var strength = 0.0
                for i in 0..<n {
                    var row = 0.0
                    for j in 0..<n { row += state[n * n + i * n + j] * w1v[j] }
                    strength += u[i * n + k] * row
                }
                let exact = s[k] / (1 + (s[k] / u0 - 1) * exp(-2 * s[k] * t))
                worst = max(worst, abs(strength - exact) / exact)
            }
            return worst
        }
    }

    static let times = (0...10).map(Double.init)

    static func lindyn(_ c: Case, tol: Double, norm: ErrorNorm, controller: StepController, automatic: Bool) throws -> Solution {
        let flow = try c.model.makeFlow().system as! NetworkModel.Flow
        let options = SolverOptions(
            stepper: .rk8pd, absoluteTolerance: tol, relativeTolerance: tol, initialStep: automatic ? nil : 1e-6,
            maxSteps: 0, output: .land, errorNorm: norm, controller: controller, automaticInitialStep: automatic)
        return try ODESolver.solve(flow, initialState: c.initial, start: 0, outputTimes: times, options: options)
    }

    @Test(arguments: [(ErrorNorm.max, StepController.standard), (.rms, .pi), (.max, .pi), (.rms, .standard), (.rms, .integral), (.max, .integral)])
    func countsIdenticalToC(norm: ErrorNorm, controller: StepController) throws {
        let c = try Case(n: 8)
        let tol = 1e-8
        let mine = try Self.lindyn(c, tol: tol, norm: norm, controller: controller, automatic: true)
        var rows = [Double](repeating: 0, count: Self.times.count * c.initial.count)
        var stats = lindyn_baseline_stats()
        let status = lindyn_baseline_solve_controlled(
            LINDYN_BASELINE_NETWORK, c.params, Int32(c.params.count), Int32(c.initial.count), "rk8pd", tol, tol, -1, 0, 0,
            c.initial, Self.times, Int32(Self.times.count), &rows, norm == .max ? 0 : 1, controller.controlCode,
            &stats)
        #expect(status == 0)
        #expect(mine.statistics.acceptedSteps == stats.accepted_steps)
        #expect(mine.statistics.rejectedSteps == stats.rejected_steps)
        #expect(mine.statistics.rhsEvaluations == stats.rhs_evaluations)
        #expect(mine.finalState == Array(rows.suffix(c.initial.count)))
    }

    /// At the tolerances where the automatic start is used against a peer (5e-8 and 1e-8), the
    /// error at t = 10 stays within the tolerance (the mode strengths are O(1) there, so relative
    /// and absolute tolerance coincide), and the start saves evaluations against GSL's 1e-6.
    @Test(arguments: [5e-8, 1e-8])
    func automaticStartReachesTheTolerance(tol: Double) throws {
        let c = try Case(n: 16)
        let auto = try Self.lindyn(c, tol: tol, norm: .rms, controller: .pi, automatic: true)
        let fixed = try Self.lindyn(c, tol: tol, norm: .rms, controller: .pi, automatic: false)
        let error = c.modeError(auto.finalState, t: 10)
        #expect(error <= tol, "error \(error) at tolerance \(tol)")
        #expect(c.modeError(fixed.finalState, t: 10) <= tol)
        #expect(auto.statistics.rhsEvaluations < fixed.statistics.rhsEvaluations)
    }

    /// Every error norm and controller is reachable from a problem file under its documented
    /// name, and an unknown name is refused naming the field and the choices.
    @Test func problemFileNamesEveryNormAndController() throws {
        for norm in ErrorNorm.allCases {
            for controller in StepController.allCases {
                let problem = try Problem.load(
                    text: #"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "solver": {"error_norm": ""#
                        + norm.rawValue + #"", "controller": ""# + controller.rawValue + #""}}"#)
                #expect(problem.solver.errorNorm == norm)
                #expect(problem.solver.controller == controller)
            }
        }
        for (key, bad) in [("controller", "pid"), ("error_norm", "l2")] {
            do {
                _ = try Problem.load(
                    text: #"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "solver": {""# + key + #"": ""# + bad
                        + #""}}"#)
                Issue.record("solver.\(key) = \(bad) was accepted")
            } catch {
                #expect(error.field == "solver.\(key)")
                #expect(error.message.contains("unknown value '\(bad)'"))
                #expect(error.message.contains(key == "controller" ? "standard, pi, integral" : "max, rms"))
            }
        }
    }

    @Test func problemFileAcceptsAuto() throws {
        let problem = try Problem.load(
            text: #"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "solver": {"hstart": "auto"}}"#)
        #expect(problem.solver.automaticInitialStep)
        #expect(problem.solver.initialStep == nil)
        let fixed = try Problem.load(
            text: #"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "solver": {"hstart": 0.01}}"#)
        #expect(!fixed.solver.automaticInitialStep)
        #expect(fixed.solver.initialStep == 0.01)
    }
}
