import Foundation
import Testing
import LindynIntegrator
@testable import LindynModels

/// Whole solves of small `system` problems, whose right-hand sides run on the straight-line
/// evaluator, against the same solves with the right-hand side on the instruction tape: the
/// straight line computes the tape's values bit for bit, so every stepper must take the same
/// steps with the same evaluation counts and produce the same states to the last bit.
@Suite struct StraightLineFlowTests {
    static let systems: [(name: String, text: String)] = [
        ("scalar network", #"{"system": {"variables": ["w1", "w2"], "equations": ["w2*(1 - w2*w1)", "w1*(1 - w2*w1)"], "initial": [0.01, 0.01]}, "time": {"end": 20, "points": 21}}"#),
        ("Van der Pol, mu = 10", #"{"system": {"variables": ["x", "v"], "equations": ["v", "mu*(1 - x^2)*v - x"], "parameters": {"mu": 10}, "initial": [2, 0]}, "time": {"end": 30, "points": 7}}"#),
        ("forced, with t", #"{"system": {"variables": ["x", "y"], "equations": ["-x + sin(t)*y", "exp(-t)*x - y"], "initial": [1, -0.5]}, "time": {"end": 5, "points": 11}}"#),
    ]

    @Test(arguments: [Stepper.rkf45, .rk8pd, .msbdf, .bsimp])
    func solvesMatchTheTape(stepper: Stepper) throws {
        for (name, text) in Self.systems {
            let problem = try Problem.load(text: text)
            let system = try #require(problem.dynamics as? ExpressionSystem)
            let c = system.compiled
            #expect(c.rhsProgram.makeEvaluator().usesStraightLine, "\(name): the right-hand side should take the straight line")
            let straight = CompiledFlow(dimension: c.variables.count, rhs: c.rhsProgram, jacobian: c.symbolicJacobian)
            let tape = CompiledFlow(
                dimension: c.variables.count, rhs: c.rhsProgram, jacobian: c.symbolicJacobian, straightLine: false)
            #expect(!tape.rhs.usesStraightLine)
            let times = problem.time.outputTimes
            let options = SolverOptions(stepper: stepper, absoluteTolerance: 1e-10, relativeTolerance: 1e-10)
            let a = try ODESolver.solve(straight, initialState: system.initialState, start: times[0], outputTimes: times, options: options)
            let b = try ODESolver.solve(tape, initialState: system.initialState, start: times[0], outputTimes: times, options: options)
            #expect(a.statistics == b.statistics, "\(name), \(stepper)")
            #expect(a.statistics.rhsEvaluations > 100, "\(name), \(stepper): \(a.statistics.rhsEvaluations) evaluations")
            let same = zip(a.states, b.states).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(a.states.count == b.states.count && same, "\(name), \(stepper): the states differ")
        }
    }
}
