import Foundation
import LindynModels
import LindynReport
import Testing
@testable import LindynValidation

/// The comparison machinery: errors, the pass rules, half times; and grids that must fail.
@Suite struct PassRuleTests {
    static func result(_ values: [Double], times: [Double]? = nil, derived: [DerivedQuantity] = []) -> RunResult {
        let t = times ?? values.indices.map(Double.init)
        return RunResult(columns: ["t", "u"], rows: zip(t, values).map { [$0, $1] }, tReached: t.last ?? 0, derived: derived)
    }

    @Test func deviationMeasuresAbsoluteRelativeScaledAndRatio() throws {
        let reference = Self.result([1e-3, 0.5, 2])
        let perturbed = Self.result([1e-3, 0.51, 2.002])
        let d = try #require(TrajectoryComparison.deviation(perturbed, from: reference, columns: ["u"]) { r, c in 1e-3 * r + 1e-4 * c.largest })
        // |x - r| = 0.01 at t = 1 is the largest; relative 0.01/0.5 = 0.02; scaled 0.01/2.
        #expect(abs(d.maxAbsolute - 0.01) < 1e-15)
        #expect(abs(d.maxRelative - 0.02) < 1e-14)
        #expect(abs(d.maxScaled - 0.005) < 1e-15)
        // allowance at t = 1: 1e-3 * 0.5 + 1e-4 * 2 = 7e-4, so the ratio is 0.01 / 7e-4.
        #expect(abs(d.ratio - 0.01 / 7e-4) < 1e-9)
        #expect(d.ratio > 1, "a 2% error must fail a 0.1% rule")
        // Growth of the column from its first output: 2 / 1e-3.
        var growth = 0.0
        _ = TrajectoryComparison.deviation(perturbed, from: reference, columns: ["u"]) { _, c in growth = c.growth; return 1 }
        #expect(growth == 2000)
    }

    @Test func differentTimesOrNonFiniteValues() throws {
        let reference = Self.result([1, 2, 3])
        #expect(TrajectoryComparison.deviation(Self.result([1, 2, 3], times: [0, 1, 2.5]), from: reference, columns: ["u"]) { _, _ in 1 } == nil)
        let d = try #require(TrajectoryComparison.deviation(Self.result([1, .nan, 3]), from: reference, columns: ["u"]) { _, _ in 1 })
        #expect(d.ratio == .infinity)
    }

    /// Half times: a straight line crosses 1.5 at t = 1.5 exactly; with a closed form's fixed
    /// point 4 the level is 2 (half the fixed point), reached at t = 2.
    @Test func halfTimeInterpolatesAndUsesTheFixedPoint() throws {
        let line = Self.result([0, 1, 2, 3], derived: [DerivedQuantity("fixed_point", 4)])
        #expect(TrajectoryComparison.crossingTime(times: line.times, values: line.column("u")!, target: 1.5) == 1.5)
        #expect(TrajectoryComparison.halfLevel(reference: line, column: "u", first: true) == 2)
        let noFixedPoint = Self.result([0, 1, 2, 3])
        #expect(TrajectoryComparison.halfLevel(reference: noFixedPoint, column: "u", first: true) == 1.5)
        #expect(TrajectoryComparison.crossingTime(times: line.times, values: line.column("u")!, target: 10) == nil)
    }

    /// Gradient descent at learning rate 0.2 on a mode with s = 3 (alpha s = 0.6) lags the flow far
    /// beyond the 5% bound: the point must fail, with the lag positive (descent is slower,
    /// Notes/gradient-descent.md: growth (1 + alpha s)^2 < e^{2 alpha s}).
    @Test func largeLearningRateFailsTheDescentCheck() throws {
        let g = try grid("""
            {"model": {"kind": "mode", "s": 3, "u0": 0.001, "tau": 5}, "time": {"end": 40, "points": 41},
             "steppers": ["rk8pd"], "tolerances": [1e-10], "compare": {"methods": ["integrator", "descent", "formula"]}}
            """)
        let r = PointRunner.run(g, gridOrder: 0, index: 0)
        let descent = try #require(r.rows("descent").first)
        #expect(cell(descent, "status") == .text("fail"))
        #expect((number(descent, "descent_lag") ?? 0) > 0.5)
        #expect(!r.passed)
        // The integrator and the closed form still agree.
        #expect(r.rows("integrator").allSatisfy { cell($0, "status") == .text("pass") })
        #expect(r.rows("formula").allSatisfy { cell($0, "status") == .text("pass") })
    }

    /// A factor of 1e-6 makes the integrator rule stricter than any stepper can meet at epsrel 1e-4.
    @Test func strictIntegratorRuleFails() throws {
        let g = try grid("""
            {"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 10}, "time": {"end": 40, "points": 41},
             "steppers": ["rkf45"], "tolerances": [1e-4], "compare": {"methods": ["integrator"], "integrator": {"factor": 1e-6, "floor": 1e-15}}}
            """)
        let r = PointRunner.run(g, gridOrder: 0, index: 0)
        #expect(cell(try #require(r.rows("integrator").first), "status") == .text("fail"))
        var known = g
        known.compare.knownInaccurate = [.rkf45]
        let k = PointRunner.run(known, gridOrder: 0, index: 0)
        #expect(cell(try #require(k.rows("integrator").first), "status") == .text("known_fail"))
        #expect(k.passed)
    }

    /// A closed form demanded where none exists (a plain ODE system) fails the point.
    @Test func missingRequiredFormulaFails() throws {
        let g = try grid("""
            {"system": {"variables": ["y"], "equations": ["-y"], "initial": [1]}, "time": {"end": 1, "points": 5},
             "steppers": ["rk8pd"], "tolerances": [1e-10], "compare": {"methods": ["integrator", "formula"], "require_formula": true}}
            """)
        let r = PointRunner.run(g, gridOrder: 0, index: 0)
        #expect(cell(try #require(r.rows("formula").first), "status") == .text("fail"))
        #expect(r.rows("integrator").allSatisfy { cell($0, "status") == .text("pass") })
        #expect(!r.passed)
    }
}
