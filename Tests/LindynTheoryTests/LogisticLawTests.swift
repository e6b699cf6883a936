import Foundation
import Testing

@testable import LindynTheory

// Reference for every value here: an independent Dormand-Prince 5(4) integration of the ODE
// (ReferenceIntegrators.swift) at rtol 1e-12, whose global error on these smooth, at most
// mildly growing problems stays below ~1e-10 (checked in `referenceIntegratorIsAccurate`);
// hence the 1e-9 tolerances.

struct LogisticCase: Sendable, CustomStringConvertible {
    var a: Double, b: Double, tau: Double, u0: Double
    var description: String { "a=\(a) b=\(b) tau=\(tau) u0=\(u0)" }
}

@Suite("Logistic law")
struct LogisticLawTests {
    static let cases: [LogisticCase] = [
        .init(a: 1, b: 1, tau: 1, u0: 1e-3),  // Saxe mode, growing
        .init(a: 3, b: 0.5, tau: 20, u0: 1e-6),  // scaled, slow
        .init(a: 2, b: 4, tau: 2, u0: 3),  // start above a/b = 0.5: decays to it
        .init(a: -0.5, b: 1, tau: 1, u0: 0.7),  // weight decay with lambda > s: dies out
        .init(a: 0, b: 2, tau: 1, u0: 0.4),  // a = 0: algebraic decay
        .init(a: 0.7, b: 0, tau: 1, u0: 0.01),  // b = 0: pure exponential growth
    ]

    @Test("reference integrator reproduces e^{-t} to 1e-10")
    func referenceIntegratorIsAccurate() {
        let y = DormandPrince().solve([1], at: [5, 20]) { [-$0[0]] }
        #expect(relativeError(y[0][0], exp(-5)) < 1e-10)
        #expect(relativeError(y[1][0], exp(-20)) < 1e-10)
    }

    @Test("value(at:from:) matches RK45 of tau u' = 2u(a - bu)", arguments: cases)
    func valueMatchesIntegration(_ c: LogisticCase) throws {
        let law = try LogisticLaw(a: c.a, b: c.b, tau: c.tau)
        let times = [0.1, 1, 3, 8].map { $0 * c.tau }
        let ref = DormandPrince().solve([c.u0], at: times) { u in
            [2 * u[0] * (c.a - c.b * u[0]) / c.tau]
        }
        for (t, r) in zip(times, ref) {
            let u = try law.value(at: t, from: c.u0)
            #expect(relativeError(u, r[0]) < 1e-9, "t=\(t) closed=\(u) rk45=\(r[0])")
        }
    }

    @Test("time(from:to:) inverts value(at:from:)", arguments: cases)
    func timeInvertsValue(_ c: LogisticCase) throws {
        let law = try LogisticLaw(a: c.a, b: c.b, tau: c.tau)
        for t in [0.05, 0.5, 2.0, 6.0].map({ $0 * c.tau }) {
            let u = try law.value(at: t, from: c.u0)
            guard u != c.u0 else { continue }
            let back = try law.time(from: c.u0, to: u)
            // Conditioning: one ulp of u moves t by dt = tau eps / (2 |a - b u|), which is large
            // next to the fixed point; allow 8 such ulps plus 1e-12 for the evaluation itself.
            let conditioning = c.tau * Double.ulpOfOne / (2 * abs(c.a - c.b * u)) / t
            #expect(relativeError(back, t) < 1e-12 + 8 * conditioning, "t=\(t) back=\(back)")
        }
    }

    @Test("half time: tau/(2a) ln(a/(b u0) - 1) reaches a/(2b)")
    func halfTime() throws {
        for (a, b, tau, u0) in [(1.0, 1.0, 1.0, 1e-3), (4.0, 0.5, 10.0, 1e-9), (0.2, 3.0, 0.5, 0.01)] {
            let law = try LogisticLaw(a: a, b: b, tau: tau)
            let th = try law.halfTime(from: u0)
            let formula = tau / (2 * a) * log(a / (b * u0) - 1)  // Notes/logistic-law.md
            #expect(relativeError(th, formula) < 1e-13)
            #expect(relativeError(try law.value(at: th, from: u0), a / (2 * b)) < 1e-13)
            #expect(relativeError(try law.time(from: u0, to: a / (2 * b)), th) < 1e-13)
        }
    }

    @Test("Saxe learning time (tau/s) ln((s - eps)/eps) equals time(eps -> s - eps)")
    func saxeLearningTime() throws {
        let s = 2.5, tau = 40.0
        let law = try LogisticLaw(.saxeMode(s: s), tau: tau)
        for eps in [1e-1, 1e-3, 1e-8] {
            let saxe = tau / s * log((s - eps) / eps)  // Saxe et al. 2014, Sec. 1
            #expect(relativeError(try law.symmetricLearningTime(epsilon: eps), saxe) < 1e-13)
            // `s - eps` is rounded: its gap to s carries a relative error ulp(s)/eps, which
            // moves t by (tau/(2s)) ulp(s)/eps; timeToLearn uses the exact gap instead.
            let rounding = tau / (2 * s) * s.ulp / eps / saxe
            #expect(relativeError(try law.time(from: eps, to: s - eps), saxe) < 1e-12 + 2 * rounding)
            #expect(relativeError(try law.timeToLearn(epsilon: eps, from: eps), saxe) < 1e-12)
            #expect(try law.learningTimeBound(epsilon: eps) >= saxe)
        }
    }

    @Test("timeToLearn: within epsilon of the fixed point, from below and above")
    func timeToLearn() throws {
        let law = try LogisticLaw(a: 1.5, b: 0.5, tau: 3)  // fixed point 3
        for (u0, eps) in [(1e-4, 1e-6), (0.2, 0.1), (10.0, 1e-3)] {
            let t = try law.timeToLearn(epsilon: eps, from: u0)
            let u = try law.value(at: t, from: u0)
            // |u - 3| = eps to the conditioning of u near the fixed point (3 ulps of 3 / eps).
            #expect(abs(abs(u - 3) - eps) <= 1e-9 * eps + 4 * 3 * Double.ulpOfOne)
        }
        #expect(try law.timeToLearn(epsilon: 0.5, from: 2.9) == 0)
        let decay = try LogisticLaw(a: -1, b: 1, tau: 1)
        let t = try decay.timeToLearn(epsilon: 1e-3, from: 1)
        #expect(relativeError(try decay.value(at: t, from: 1), 1e-3) < 1e-12)
    }

    @Test("stability: huge t, tiny u0, a < 0, a == 0 give finite, correct limits")
    func stabilityLimits() throws {
        let saxe = try LogisticLaw(a: 2, b: 1, tau: 1)
        #expect(try saxe.value(at: 1e300, from: 1e-300) == 2)
        #expect(try saxe.value(at: .infinity, from: 0.3) == 2)
        #expect(try saxe.value(at: 1e300, from: 50) == 2)
        // Tiny u0, moderate t: linear regime u = u0 e^{2at/tau} to relative 1e-12 (the
        // correction is (b/a) u0 e^{x} ~ 1e-280).
        let u = try saxe.value(at: 10, from: 1e-300)
        #expect(relativeError(u, 1e-300 * exp(40)) < 1e-13)
        // Subnormal start: log-space path; reference from the same formula in logs.
        let sub = Double.leastNonzeroMagnitude * 10_000  // ~4.9e-320, subnormal
        // The log-space path rounds |ln u0| ~ 736 once: relative error <= ~736 eps = 1.6e-13.
        #expect(relativeError(try saxe.value(at: 300, from: sub), 2) < 2e-13)
        // t = 100: u = u0 e^{400}/(1 + u0 (e^{400} - 1)/2) ~ u0 e^{400}, a normal number again.
        #expect(relativeError(try saxe.value(at: 100, from: sub), sub * exp(400)) < 1e-12)
        let early = try saxe.value(at: 1, from: sub)
        #expect(relativeError(early, sub * exp(4)) < 1e-3)  // subnormal input holds ~3 digits
        // a < 0: decays like u0 e^{-2|a|t/tau}; at t = 1e300 it is exactly 0, not NaN.
        let decay = try LogisticLaw(a: -1, b: 1, tau: 1)
        #expect(try decay.value(at: 1e300, from: 1e300) == 0)
        let d = try decay.value(at: 300, from: 1e300)
        // u ~ u0 e^{-600}/(1 + u0) = e^{-600} (u0/(1+u0) -> 1).
        #expect(relativeError(d, exp(-600)) < 1e-12)
        // a == 0: u0/(1 + 2 b u0 t/tau); huge t -> tau/(2 b t).
        let flat = try LogisticLaw(a: 0, b: 2, tau: 3)
        #expect(relativeError(try flat.value(at: 7, from: 0.5), 0.5 / (1 + 2 * 2 * 0.5 * 7 / 3)) < 1e-15)
        #expect(relativeError(try flat.value(at: 1e300, from: 1e300), 3 / (4 * 1e300)) < 1e-14)
        // Continuity a -> 0: a = 1e-12 agrees with the a == 0 law to O(a t/tau).
        let near = try LogisticLaw(a: 1e-12, b: 2, tau: 3)
        #expect(relativeError(try near.value(at: 7, from: 0.5), try flat.value(at: 7, from: 0.5)) < 1e-10)
        // Nothing is ever NaN on a grid of extreme inputs.
        for a in [-1e3, -1, -1e-300, 0, 1e-300, 1, 1e3] {
            for b in [0.0, 1e-300, 1, 1e300] {
                let law = try LogisticLaw(a: a, b: b, tau: 1)
                for u0 in [0, Double.leastNonzeroMagnitude, 1e-300, 1, 1e300] {
                    for t in [0, 1e-300, 1, 1e10, 1e300, .infinity] {
                        let v = try law.value(at: t, from: u0)
                        #expect(!v.isNaN && v >= 0, "a=\(a) b=\(b) u0=\(u0) t=\(t) -> \(v)")
                        if b > 0 || a <= 0 { #expect(v.isFinite, "a=\(a) b=\(b) u0=\(u0) t=\(t)") }
                    }
                }
            }
        }
    }

    @Test("fixed point cases")
    func fixedPoints() throws {
        #expect(try LogisticLaw(a: 2, b: 4, tau: 1).fixedPoint == 0.5)
        #expect(try LogisticLaw(a: -2, b: 4, tau: 1).fixedPoint == 0)
        #expect(try LogisticLaw(a: 0, b: 4, tau: 1).fixedPoint == 0)
        #expect(try LogisticLaw(a: 2, b: 0, tau: 1).fixedPoint == nil)
        #expect(try LogisticLaw(a: 0, b: 0, tau: 1).fixedPoint == nil)
    }

    @Test("invalid input throws an error naming the parameter")
    func invalidInput() throws {
        #expect(thrownParameterName { _ = try LogisticLaw(a: 1, b: 1, tau: 0) } == "tau")
        #expect(thrownParameterName { _ = try LogisticLaw(a: 1, b: 1, tau: -1) } == "tau")
        #expect(thrownParameterName { _ = try LogisticLaw(a: .nan, b: 1, tau: 1) } == "a")
        #expect(thrownParameterName { _ = try LogisticLaw(a: 1, b: -1, tau: 1) } == "b")
        let law = try LogisticLaw(a: 1, b: 1, tau: 1)
        #expect(thrownParameterName { _ = try law.value(at: 1, from: -1) } == "u0")
        #expect(thrownParameterName { _ = try law.value(at: -1, from: 1) } == "t")
        #expect(thrownParameterName { _ = try law.value(at: .nan, from: 1) } == "t")
        #expect(thrownParameterName { _ = try law.timeToLearn(epsilon: 0, from: 0.1) } == "epsilon")
        #expect(thrownParameterName { _ = try law.symmetricLearningTime(epsilon: 0.6) } == "epsilon")
        #expect(thrownParameterName { _ = try TwoLayerCase.scalar(x: 0, y: 1).coefficients() } == "x")
        #expect(thrownParameterName { _ = try TwoLayerCase.dropout(s: 1, keepProbability: 0).coefficients() } == "keepProbability")
        #expect(thrownParameterName { _ = try TwoLayerCase.dropoutSpread(s: 1, keepProbability: 0.5, units: 0).coefficients() } == "units")
        #expect(thrownParameterName { _ = try TwoLayerCase.denoisingAutoencoder(eigenvalue: 1, sampleCount: 0, noiseVariance: 0.1).coefficients() } == "sampleCount")
        #expect(thrownParameterName { _ = try TwoLayerCase.weightDecay(s: 1, lambda: -0.1).coefficients() } == "lambda")
        // Unreachable targets: past the fixed point, wrong direction, from the saddle.
        #expect(throws: TheoryError.self) { try law.time(from: 0.1, to: 1) }
        #expect(throws: TheoryError.self) { try law.time(from: 0.1, to: 1.5) }
        #expect(throws: TheoryError.self) { try law.time(from: 0.5, to: 0.1) }
        #expect(throws: TheoryError.self) { try law.time(from: 0, to: 0.1) }
        #expect(throws: TheoryError.self) { try law.halfTime(from: 0.7) }
        do {
            _ = try law.time(from: 0.1, to: 2)
            Issue.record("expected a throw")
        } catch {
            #expect(error.description.contains("not reachable"))
        }
        #expect(
            TheoryError.invalidParameter(name: "tau", value: 0, requirement: "finite and > 0")
                .description == "invalid parameter 'tau' = 0.0: it must be finite and > 0")
    }
}
