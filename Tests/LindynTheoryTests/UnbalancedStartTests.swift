import Foundation
import Testing

@testable import LindynTheory

struct ScalarStart: Sendable, CustomStringConvertible {
    var x: Double, y: Double, w1: Double, w2: Double
    var description: String { "x=\(x) y=\(y) w1=\(w1) w2=\(w2)" }
}

@Suite("Unbalanced scalar start and weight-decay balancing")
struct UnbalancedStartTests {
    static let starts: [ScalarStart] = [
        .init(x: 1, y: 2, w1: 0.5, w2: 0.01),  // c = 0.25, small u0: lazy-ish start
        .init(x: 1, y: 2, w1: 1e-3, w2: 2e-3),  // near balanced, tiny u0: sigmoidal
        .init(x: 2, y: 1, w1: 3, w2: 0.2),  // large c: near-exponential approach
        .init(x: 1, y: 1, w1: 0.8, w2: -0.1),  // u0 < 0 < s: crosses the saddle's level
        .init(x: 1, y: -1.5, w1: 0.4, w2: 0.9),  // s < 0 < u0 (mirror symmetry)
        .init(x: 1, y: 0, w1: 0.7, w2: 0.3),  // s = 0: pure decay of u
        .init(x: -1.5, y: 3, w1: 0.1, w2: 2),  // negative input
        .init(x: 1, y: 2, w1: 3, w2: 2.5),  // u0 > s: comes down
    ]

    @Test("hyperbolic u(t) matches RK45 of the scalar network weights", arguments: starts)
    func matchesWeights(_ c: ScalarStart) throws {
        let tau = 2.0
        let law = try UnbalancedScalarLaw(x: c.x, y: c.y, w1: c.w1, w2: c.w2, tau: tau)
        let times = [0.1, 0.5, 1, 2, 4, 8].map { $0 * tau }
        // Reference: tau w1' = x w2 (y - x w1 w2), tau w2' = x w1 (y - x w1 w2), loss 1/2 (y - yhat)^2.
        let ref = DormandPrince().solve([c.w1, c.w2], at: times) { w in
            let r = c.y - c.x * w[0] * w[1]
            return [c.x * w[1] * r / tau, c.x * w[0] * r / tau]
        }
        for (t, w) in zip(times, ref) {
            let u = try law.value(at: t, from: c.w1 * c.w2)
            let target = w[0] * w[1]
            // Relative 1e-9, or absolute 1e-11 of the scale when u crosses zero.
            let scale = max(abs(c.y / c.x), abs(c.w1 * c.w2))
            #expect(abs(u - target) <= 1e-9 * abs(target) + 1e-11 * scale, "t=\(t) \(u) vs \(target)")
        }
        #expect(law.limit(from: c.w1 * c.w2) == c.y / c.x)
    }

    @Test("c -> 0 tends to the logistic law; c == 0 is the logistic law")
    func balancedLimit() throws {
        let s = 1.5, tau = 1.0, u0 = 1e-4
        let logistic = try LogisticLaw(.saxeMode(s: s), tau: tau)
        let balanced = try UnbalancedScalarLaw(s: s, imbalance: 0, tau: tau)
        for t in [1.0, 3, 6, 20] {
            let l = try logistic.value(at: t, from: u0)
            #expect(try balanced.value(at: t, from: u0) == l)
            // The imbalance perturbs u by O(c^2/u) in relative terms along the path
            // (w1^2 + w2^2 = sqrt(c^2 + 4u^2) = 2u (1 + c^2/(8u^2) + ...)); at c = 1e-12 that is
            // below 1e-15, so agreement is to rounding.
            let near = try UnbalancedScalarLaw(s: s, imbalance: 1e-12, tau: tau).value(at: t, from: u0)
            #expect(relativeError(near, l) < 1e-13, "t=\(t)")
            // Tiny but representable c (1e-300): no underflow, same answer.
            let tiny = try UnbalancedScalarLaw(s: s, imbalance: 1e-300, tau: tau).value(at: t, from: u0)
            #expect(relativeError(tiny, l) < 1e-13)
        }
        // Balanced start on the wrong side never reaches s.
        #expect(try balanced.value(at: 1e6, from: -0.1) == 0)
        #expect(balanced.limit(from: -0.1) == 0)
    }

    @Test("huge t and extreme starts stay finite")
    func stability() throws {
        let law = try UnbalancedScalarLaw(s: 2, imbalance: 0.3, tau: 1)
        for u0 in [-1e300, -1, -1e-300, 0, 1e-300, 1, 1e300] {
            for t in [1e-300, 1e-3, 1, 1e3, 1e300, Double.infinity] {
                let u = try law.value(at: t, from: u0)
                #expect(u.isFinite, "u0=\(u0) t=\(t) -> \(u)")
            }
            #expect(try law.value(at: 1e300, from: u0) == 2)
        }
        #expect(thrownParameterName { _ = try UnbalancedScalarLaw(s: 1, imbalance: -1, tau: 1) } == "imbalance")
        #expect(thrownParameterName { _ = try UnbalancedScalarLaw(x: 0, y: 1, w1: 1, w2: 1, tau: 1) } == "x")
    }

    @Test("weight decay balances the layers: a^2 - b^2 = (a0^2 - b0^2) e^{-2 lambda t/tau}")
    func imbalanceDecay() throws {
        let s = 1.2, lambda = 0.15, tau = 3.0, a0 = 0.9, b0 = 0.05
        let times = [0.5, 2, 10, 40.0]
        let ref = DormandPrince().solve([a0, b0], at: times) { w in
            let r = s - w[0] * w[1]
            return [(w[1] * r - lambda * w[0]) / tau, (w[0] * r - lambda * w[1]) / tau]
        }
        for (t, w) in zip(times, ref) {
            let closed = try WeightDecay.imbalance(
                initialImbalance: a0 * a0 - b0 * b0, lambda: lambda, tau: tau, at: t)
            // a^2 - b^2 from RK45 weights: error ~ rtol * (a^2 + b^2), relative to the imbalance.
            let slack = 1e-10 * (w[0] * w[0] + w[1] * w[1])
            #expect(abs(closed - (w[0] * w[0] - w[1] * w[1])) <= 1e-9 * abs(closed) + slack, "t=\(t)")
        }
        #expect(try WeightDecay.learnedStrength(s: 1, lambda: 2) == 0)
        #expect(try WeightDecay.learnedStrength(s: 3, lambda: 1) == 2)
    }
}
