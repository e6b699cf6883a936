import Foundation
import Testing

@testable import LindynTheory

@Suite("Deep mode law")
struct DeepModeLawTests {
    /// Reference learning time: adaptive Simpson (test target, independent of the module's
    /// Gauss-Kronrod) of `dt = tau du / (D u^{2-2/D} (s - u))`, written in `x = ln u`:
    /// `dt = tau dx / (D u^{1-2/D} (s - u))`. Absolute tolerance 1e-13 * t-scale.
    static func quadratureTime(depth: Int, s: Double, tau: Double, from u0: Double, to uf: Double)
        -> Double
    {
        let d = Double(depth)
        let f: (Double) -> Double = { x in
            let u = exp(x)
            return tau / (d * pow(u, 1 - 2 / d) * (s - u))
        }
        let scale = abs(f(log(u0))) * abs(log(uf / u0))
        return adaptiveSimpson(f, from: log(u0), to: log(uf), tolerance: 1e-13 * scale)
    }

    @Test("exact t(u) matches adaptive quadrature for D = 2...10", arguments: 2...10)
    func timeMatchesQuadrature(depth: Int) throws {
        let s = 1.7, tau = 3.0
        let law = try DeepModeLaw(depth: depth, s: s, tau: tau)
        // From below (plateau, escape, approach) and from above.
        for (u0, uf) in [(1e-3, 0.5), (1e-3, 1.6), (0.2, 0.25), (0.9, 1.69), (5.0, 1.8), (2.0, 1.75)] {
            let exact = try law.time(from: u0, to: uf)
            let ref = Self.quadratureTime(depth: depth, s: s, tau: tau, from: u0, to: uf)
            // Simpson's tolerance is 1e-13 of the integrand scale; the closed form is evaluated
            // as differences (no cancellation): agreement to 1e-9 leaves ample margin.
            #expect(relativeError(exact, ref) < 1e-9, "D=\(depth) \(u0)->\(uf): \(exact) vs \(ref)")
        }
    }

    @Test("D = 2 reduces to the logistic law (a = s, b = 1)")
    func depthTwoIsLogistic() throws {
        let s = 2.3, tau = 7.0
        let deep = try DeepModeLaw(depth: 2, s: s, tau: tau)
        let logistic = try LogisticLaw(.saxeMode(s: s), tau: tau)
        for (u0, uf) in [(1e-9, 1.0), (0.1, 2.2), (4.0, 2.31)] {
            #expect(relativeError(try deep.time(from: u0, to: uf), try logistic.time(from: u0, to: uf)) < 1e-13)
        }
        for t in [0.5, 5, 50.0] {
            #expect(relativeError(try deep.value(at: t, from: 1e-6), try logistic.value(at: t, from: 1e-6)) < 1e-13)
        }
    }

    @Test("value(at:) inverts time(from:to:) and matches RK45 of the balanced weights", arguments: [3, 4, 6, 10])
    func valueMatchesWeights(depth: Int) throws {
        let s = 1.3, tau = 2.0, w0 = 0.3
        let law = try DeepModeLaw(depth: depth, s: s, tau: tau)
        let u0 = pow(w0, Double(depth))
        let tHalf = try law.time(from: u0, to: s / 2)
        // Escape time scale near s/2: w = tau / (D s^{2-2/D}).
        let w = tau / (Double(depth) * pow(s, 2 - 2 / Double(depth)))
        let times = [0.5 * tHalf, 0.9 * tHalf, tHalf, tHalf + w, tHalf + 4 * w]
        // Balanced layer weights a_l = w: tau w' = w^{D-1} (s - w^D) (Saxe Eq. 13 per mode),
        // integrated as a D-vector so the product structure is exercised.
        let ref = DormandPrince().solve(Array(repeating: w0, count: depth), at: times) { a in
            let u = a.reduce(1, *)
            return a.map { u / $0 * (s - u) / tau }
        }
        for (t, a) in zip(times, ref) {
            let u = try law.value(at: t, from: u0)
            // Both sides carry small *time* errors (RK45 ~ 4e-13 t, observed) that the sharp
            // escape amplifies by the sensitivity S = t u'/u (up to ~4e3 at D = 10).
            let sensitivity = t * abs(law.rate(at: u)) / u
            #expect(relativeError(u, a.reduce(1, *)) < 1e-9 + 2e-12 * sensitivity, "D=\(depth) t=\(t)")
            // Round trip: one ulp of u moves t by eps u/|u'| (ill-conditioned next to s).
            let back = try law.time(from: u0, to: u)
            let conditioning = Double.ulpOfOne * u / abs(law.rate(at: u)) / t
            #expect(relativeError(back, t) < 1e-12 + 8 * conditioning, "D=\(depth) t=\(t) back=\(back)")
        }
        // From above.
        let tAbove = 0.2 * tau
        let above = try law.value(at: tAbove, from: 3.0)
        let condAbove = Double.ulpOfOne * above / abs(law.rate(at: above)) / tAbove
        #expect(relativeError(try law.time(from: 3.0, to: above), tAbove) < 1e-12 + 8 * condAbove)
    }

    @Test("small-u0 asymptotic tau/(s (D-2) u0^{(D-2)/D}) is approached as u0 -> 0", arguments: [3, 5, 10])
    func smallInitAsymptotic(depth: Int) throws {
        let s = 2.0, tau = 1.0
        let law = try DeepModeLaw(depth: depth, s: s, tau: tau)
        var previous = Double.infinity
        for u0 in [1e-6, 1e-12, 1e-24, 1e-48] {
            let ratio = try law.time(from: u0, to: s / 2) / law.smallInitAsymptoticTime(from: u0)
            let gap = abs(ratio - 1)
            // Relative correction is O(u0^{(D-2)/D}) (next term of the expansion, Notes/deep-networks.md).
            let order = pow(u0, Double(depth - 2) / Double(depth))
            // Plus a few ulps once the correction drops below double precision.
            #expect(gap < 10 * order + 4 * Double.ulpOfOne, "D=\(depth) u0=\(u0) ratio=\(ratio)")
            #expect(gap < previous || gap <= 4 * Double.ulpOfOne)
            previous = gap
        }
        #expect(throws: TheoryError.self) { try DeepModeLaw(depth: 2, s: s, tau: tau).smallInitAsymptoticTime(from: 1e-3) }
    }

    @Test("Saxe's infinite-depth approximation at D = 10 is off by a factor of about 2.9")
    func saxeApproximationFactor() throws {
        // Documented in Notes/deep-networks.md: s = 1, u0 = 1e-3, uf = s/2, D = 10 (N_l = 11).
        let law = try DeepModeLaw(depth: 10, s: 1, tau: 1)
        let exact = try law.time(from: 1e-3, to: 0.5)
        let approx = try law.saxeInfiniteDepthTime(from: 1e-3, to: 0.5)
        let factor = approx / exact
        #expect(factor > 2.5 && factor < 3.5, "factor \(factor)")
        // And it is an approximation of the N_l u^2 (s - u) law, exactly: check by quadrature.
        let f: (Double) -> Double = { x in let u = exp(x); return 1 / (11 * u * (1 - u)) }
        let ref = adaptiveSimpson(f, from: log(1e-3), to: log(0.5), tolerance: 1e-12)
        #expect(relativeError(approx, ref) < 1e-9)
    }

    @Test("stability: huge t, tiny u0, near-s targets")
    func stability() throws {
        for depth in [3, 7] {
            let law = try DeepModeLaw(depth: depth, s: 1.5, tau: 1)
            #expect(try law.value(at: 1e300, from: 1e-300) == 1.5)
            #expect(try law.value(at: 1e300, from: 1e300) == 1.5)
            #expect(try law.value(at: .infinity, from: 0.1) == 1.5)
            #expect(try law.value(at: 1e-300, from: 0.4) == 0.4)  // below resolution of t
            #expect(try law.value(at: 1e-300, from: 1e-300) == 1e-300)
            // From u0 = 1e-300 the relative growth in t = 1e-3 is ~ t D s u0^{1-2/D}/tau < 1e-100:
            // u stays u0 to the last bit (a regression: an overflowing bracket once returned s).
            #expect(relativeError(try law.value(at: 1e-3, from: 1e-300), 1e-300) <= 2 * Double.ulpOfOne)
            // The escape from 1e-300 takes ~ tau/(s (D-2) u0^{(D-2)/D}); half of it lands mid-plateau.
            let tEscape = try law.time(from: 1e-300, to: 0.75)
            let mid = try law.value(at: 0.5 * tEscape, from: 1e-300)
            #expect(mid > 1e-300 && mid < 0.75)
            #expect(relativeError(try law.time(from: 1e-300, to: mid), 0.5 * tEscape) < 1e-12)
            let tLearn = try law.timeToLearn(epsilon: 1e-14, from: 0.1)
            #expect(tLearn.isFinite && tLearn > 0)
            let t = try law.time(from: 1e-300, to: 1)
            #expect(t.isFinite && t > 0)
            // Round trip in the deep plateau: t = time(u0 -> 2 u0) with u0 = 1e-200.
            let t2 = try law.time(from: 1e-200, to: 2e-200)
            #expect(relativeError(try law.value(at: t2, from: 1e-200), 2e-200) < 1e-12)
        }
        // No NaN, no escape from [min(u0, s), max(u0, s)] on a grid of extreme inputs.
        for depth in [2, 3, 10, 40] {
            let law = try DeepModeLaw(depth: depth, s: 1.5, tau: 1)
            for u0 in [1e-300, 1e-5, 0.5, 1.4999999, 1.6, 1e300] {
                for t in [1e-300, 1e-3, 1, 1e10, 1e300] {
                    let u = try law.value(at: t, from: u0)
                    #expect(u >= min(u0, 1.5) && u <= max(u0, 1.5), "D=\(depth) u0=\(u0) t=\(t) -> \(u)")
                }
            }
        }
        #expect(thrownParameterName { _ = try DeepModeLaw(depth: 1, s: 1, tau: 1) } == "depth")
        #expect(thrownParameterName { _ = try DeepModeLaw(depth: 3, s: 0, tau: 1) } == "s")
        #expect(throws: TheoryError.self) { try DeepModeLaw(depth: 3, s: 1, tau: 1).time(from: 0.5, to: 1) }
    }

    @Test("weight decay at depth: numerical time (quadrature) vs logistic (D = 2) and RK45 (D = 3, 5)")
    func deepWeightDecay() throws {
        let two = try DeepDecayModeLaw(depth: 2, s: 2, lambda: 0.5, tau: 3)
        let logistic = try LogisticLaw(.weightDecay(s: 2, lambda: 0.5), tau: 3)
        #expect(two.positiveFixedPoints == [1.5])
        #expect(relativeError(try two.numericalTime(from: 1e-4, to: 1.4), try logistic.time(from: 1e-4, to: 1.4)) < 1e-10)
        for depth in [3, 5] {
            let s = 2.0, lambda = 0.3, tau = 1.5
            let law = try DeepDecayModeLaw(depth: depth, s: s, lambda: lambda, tau: tau)
            let fps = law.positiveFixedPoints
            try #require(fps.count == 2)
            for p in fps { #expect(abs(law.rate(at: p)) < 1e-13 * tau) }
            // Start above the threshold u-, grow to just below u+.
            let u0 = fps[0] * 1.05, uf = fps[1] * 0.99
            let t = try law.numericalTime(from: u0, to: uf)
            let ref = DormandPrince().solve([u0], at: [t]) { [law.rate(at: $0[0])] }
            #expect(relativeError(ref[0][0], uf) < 1e-8, "D=\(depth)")
            // Below the threshold the mode decays: the origin is stable for D >= 3.
            #expect(law.rate(at: fps[0] * 0.5) < 0)
            #expect(throws: TheoryError.self) { try law.numericalTime(from: fps[0] * 0.5, to: fps[1]) }
        }
        // lambda above max g: never learned.
        #expect(try DeepDecayModeLaw(depth: 4, s: 1, lambda: 1, tau: 1).positiveFixedPoints.isEmpty)
    }
}
