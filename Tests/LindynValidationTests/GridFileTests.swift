import Foundation
import LindynModels
import Testing
@testable import LindynValidation

/// Reading grid files: axes as dotted paths, tied axes, the Cartesian order, refusals naming the field.
@Suite struct GridFileTests {
    static let text = """
        {"model": {"kind": "scalar", "w1": 0.01, "w2": 0.01, "tau": 10}, "time": {"end": 10, "points": 11},
         "grid": {"model.y": [1, 2, 3], "model.w1,model.w2": [0.1, 0.2]},
         "steppers": ["rk8pd", "msbdf"], "tolerances": [[1e-6, 1e-7], {"epsabs": 1e-9, "epsrel": 1e-10}, 1e-12]}
        """

    @Test func axesTiedPathsAndOrder() throws {
        let g = try grid(Self.text, name: "g")
        #expect(g.name == "g")
        #expect(g.pointCount == 6)
        #expect(g.steppers == [.rk8pd, .msbdf])
        #expect(g.tolerances == [Tolerance(absolute: 1e-6, relative: 1e-7), Tolerance(absolute: 1e-9, relative: 1e-10), Tolerance(absolute: 1e-12, relative: 1e-12)])
        // The last axis varies fastest: point 3 is y = 2, w = 0.2.
        let p = try g.point(3)
        #expect(p.parameterText == "model.y=2; model.w1,model.w2=0.2")
        let model = try #require(p.problem.dynamics as? ScalarModel)
        #expect(model.y == 2 && model.w1 == 0.2 && model.w2 == 0.2)
        // The grid keys are not part of the problem.
        #expect(p.problem.document["grid"] == nil && p.problem.document["steppers"] == nil)
    }

    @Test func reducedKeepsEndsOfAxesTwoSteppersTightestTolerance() throws {
        let r = try grid(Self.text).reduced()
        #expect(r.axes.map { $0.values.count } == [2, 2])
        #expect(r.tolerances == [Tolerance(absolute: 1e-12, relative: 1e-12)])
        #expect(r.steppers.count == 2)
    }

    @Test(arguments: [
        (#"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "grid": {"model.u0": [0.1, -1]}}"#, "model.u0"),
        (#"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "steppers": ["rk9"]}"#, "steppers[0]"),
        (#"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "tolerances": [[1e-6]]}"#, "tolerances[0]"),
        (#"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "grid": {"model.s": []}}"#, "grid.model.s"),
        (#"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "compare": {"methods": ["ode"]}}"#, "compare.methods[0]"),
        (#"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "plots": {"trajectories": [3]}}"#, "plots.trajectories"),
        (#"{"model": {"kind": "mode", "s": 1, "u0": 0.001}, "time": {"end": 1}, "stiffness": {"implicit": "rk4"}}"#, "stiffness.implicit"),
    ])
    func refusalsNameTheField(text: String, field: String) throws {
        #expect { try grid(text) } throws: { ($0 as? ProblemFileError)?.field == field }
    }
}
