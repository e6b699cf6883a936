import Foundation
import LindynIntegrator
import LindynModels
import Testing
@testable import LindynValidation

/// Stiffness numbers on problems whose Jacobian eigenvalues are known exactly. The eigensolvers
/// (GSL, 2 x 2 and 1 x 1 here) are accurate to a few ulps of max|lambda|: tolerances 1e-12 relative.
@Suite struct StiffnessAnalysisTests {
    static func close(_ a: Double, _ b: Double, _ rel: Double = 1e-12) -> Bool { abs(a - b) <= rel * max(abs(a), abs(b), 1e-300) }

    /// y' = [[L-2, 2L-2], [1-L, 1-2L]] y: trace -(1+L), determinant L, so lambda = -1 and -L at
    /// every state (general solver: not a gradient flow).
    static func linear(_ l: Double) throws -> Problem {
        try Problem.load(text: """
            {"system": {"variables": ["y1", "y2"], "equations": ["(L - 2)*y1 + (2*L - 2)*y2", "(1 - L)*y1 + (1 - 2*L)*y2"],
             "initial": [1, 0], "parameters": {"L": \(l)}}, "time": {"end": 10, "points": 11}}
            """)
    }

    @Test(arguments: [10.0, 1000, 1e5])
    func linearSystemHasEigenvaluesMinusOneAndMinusL(l: Double) throws {
        let problem = try Self.linear(l)
        for state in [[1.0, 0.0], [0.3, -2.0]] {
            let s = try StiffnessAnalysis.eigenvalues(of: problem.dynamics, at: state, t: 0)
            #expect(!s.symmetric)
            let re = s.eigenvalues.map(\.re).sorted()
            #expect(Self.close(re[0], -l) && Self.close(re[1], -1, 1e-9))
            #expect(s.eigenvalues.allSatisfy { $0.im == 0 })
            #expect(Self.close(s.maxAbs, l))
            #expect(Self.close(try #require(s.restrictedRatio), l, 1e-9))
            #expect(s.nullCount == 0 && s.unstableCount == 0)
        }
    }

    /// Scalar network L = 1/2 (1 - w2 w1)^2, tau = 4: at the balanced minimum w = (1, 1) the
    /// Hessian is [[1, 1], [1, 1]] (eigenvalues 0 and 2), so J = -H/tau has -1/2 and an exact zero
    /// (the conserved w2^2 - w1^2); at the saddle w = 0, H = [[0, -1], [-1, 0]], J has +-1/4.
    @Test func scalarNetworkMinimumAndSaddle() throws {
        let model = ScalarModel(x: 1, y: 1, w1: 1, w2: 1, tau: 4)
        let minimum = try StiffnessAnalysis.eigenvalues(of: model, at: [1, 1], t: 0)
        #expect(minimum.symmetric)
        #expect(minimum.nullCount == 1 && minimum.unstableCount == 0)
        #expect(Self.close(try #require(minimum.minDecaying), 0.5))
        #expect(minimum.restrictedRatio == 1)
        let saddle = try StiffnessAnalysis.eigenvalues(of: model, at: [0, 0], t: 0)
        #expect(saddle.unstableCount == 1 && saddle.nullCount == 0)
        #expect(Self.close(saddle.eigenvalues.map(\.re).max()!, 0.25) && Self.close(saddle.eigenvalues.map(\.re).min()!, -0.25))
    }

    /// Saxe mode tau u' = 2u(a - b u), a = s - lambda: J = 2a/tau at u = 0 (unstable) and -2a/tau
    /// at the fixed point a/b; weight decay lambda = 0.5, s = 3, tau = 10 gives a = 2.5.
    @Test func modeJacobianAtStartAndFixedPoint() throws {
        let model = try ModeModel(s: 3, u0: 1e-3, weightDecay: 0.5, tau: 10)
        let start = try StiffnessAnalysis.eigenvalues(of: model, at: [0], t: 0)
        #expect(Self.close(start.eigenvalues[0].re, 0.5) && start.unstableCount == 1)
        let end = try StiffnessAnalysis.eigenvalues(of: model, at: [2.5], t: 0)
        #expect(Self.close(end.eigenvalues[0].re, -0.5) && end.unstableCount == 0)
    }

    /// The same matrix through the public summary, with a known null direction below the cut-off.
    @Test func cutoffSeparatesNullDirections() throws {
        // diag(-1e-9, -1, -100): -1e-9 <= 1e-6 * 100, so it counts as null; ratio 100 / 1.
        let s = try StiffnessAnalysis.summarize([-1e-9, 0, 0, 0, -1, 0, 0, 0, -100], n: 3, t: 0, gradientFlow: true)
        #expect(s.symmetric && s.nullCount == 1 && s.unstableCount == 0)
        #expect(Self.close(try #require(s.restrictedRatio), 100))
    }

    /// The verdict: rk4 against rk4imp (same order, same step doubling) on L = 1000 needs over 10x
    /// the steps (stability bound h < 2.785/1000 over T = 10), on L = 10 about as many.
    @Test func verdictOnStiffAndMildLinearSystems() throws {
        let stiff = StiffnessAnalysis.analyse(try Self.linear(1000))
        #expect(stiff.verdict == "stiff")
        #expect((stiff.stepRatio ?? 0) > 10)
        #expect(Self.close(stiff.spanIndex, 1e4, 1e-9))
        // The explicit stepper sits near its stability bound: mean h max|lambda| of order 2.785.
        let h = try #require(stiff.explicit.meanStep) * stiff.maxAbs
        #expect(h > 1 && h < 2.785 * 2)
        let mild = StiffnessAnalysis.analyse(try Self.linear(10))
        #expect(mild.verdict == "not stiff")
        #expect(mild.descentIndex == nil, "a plain system has no descent")
    }

    /// An explicit stepper capped below what the problem needs runs out of steps: stiff.
    @Test func explicitGivingUpIsStiff() throws {
        var settings = StiffnessSettings()
        settings.maxSteps = 50
        let r = StiffnessAnalysis.analyse(try Self.linear(1e5), settings: settings)
        #expect(r.explicit.status == .finished(.maxSteps))
        #expect(r.explicit.status.description == "max_steps")
        #expect(r.verdict == "stiff")
    }

    /// Gradient descent index: alpha max|lambda(H)| = 1 epoch x max|lambda(J)|; at a learned Saxe
    /// mode (s = 3, tau = 100) it is 2 s / tau = 0.06.
    @Test func descentIndexOfALearnedMode() throws {
        let problem = try Problem.load(text: #"{"model": {"kind": "mode", "s": 3, "u0": 0.001, "tau": 100}, "time": {"end": 2000, "points": 11}}"#)
        let r = StiffnessAnalysis.analyse(problem)
        #expect(Self.close(try #require(r.descentIndex), 0.06, 1e-4))
        #expect(r.verdict == "not stiff")
    }
}
