import Foundation
import Testing

@testable import LindynTheory

/// The deep-mode law far above a small fixed point (s from 1e-12 to 10, u0 = 3, D = 3..6), where
/// the law is nearly the pure power law and a closed form that divides by s cancels away.
@Suite("Deep mode law at small s")
struct DeepModeSmallStrengthTests {
    static var reference: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Validation/reference/deep-small-s.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func number(_ x: Any?) -> Double { (x as? NSNumber).map { Double($0.stringValue)! } ?? .nan }

    /// Learning times against `Validation/reference/deep_small_s.py` (30-digit tanh-sinh
    /// quadrature, exact to double precision). The budget is the law's own rounding: the series
    /// sums positive terms (a few ulps), the closed form near s carries the conditioning of the
    /// logarithm of `uf - s` (at 1.01 s, a few ulps times 100): 1e-12 relative.
    @Test func learningTimesMatchQuadrature() throws {
        let cases = try #require(Self.reference["times"] as? [[String: Any]])
        #expect(cases.count == 132)
        for c in cases {
            let depth = (c["depth"] as! NSNumber).intValue
            let law = try DeepModeLaw(depth: depth, s: Self.number(c["s"]), tau: 1)
            let t = try law.time(from: Self.number(c["u0"]), to: Self.number(c["uf"]))
            let reference = Self.number(c["time"])
            #expect(abs(t - reference) <= 1e-12 * reference, "\(c): \(t) vs \(reference)")
        }
    }

    /// u(t) against the same script's root of t(u) = t. The inversion adds the conditioning of
    /// t(u): a relative time error e moves u by e t |u'| / u, at most ~1e-12 here, so 1e-11.
    @Test func trajectoryMatchesQuadrature() throws {
        let cases = try #require(Self.reference["values"] as? [[String: Any]])
        #expect(cases.count == 96)
        for c in cases {
            let depth = (c["depth"] as! NSNumber).intValue
            let law = try DeepModeLaw(depth: depth, s: Self.number(c["s"]), tau: 1)
            let u = try law.value(at: Self.number(c["t"]), from: Self.number(c["u0"]))
            let reference = Self.number(c["u"])
            let sensitivity = max(1, Self.number(c["t"]) * abs(law.rate(at: reference)) / reference)
            #expect(abs(u - reference) <= 1e-11 * sensitivity * reference, "\(c): \(u) vs \(reference)")
        }
    }

    /// As s -> 0 the law tends to the pure power law tau u' = -D u^(3-2/D), whose solution is
    /// u = (u0^-p + D p t/tau)^(-1/p), p = 2 - 2/D (exact). The gap is the first-order
    /// correction in s/u, so it must shrink in proportion to s down to rounding.
    @Test(arguments: [3, 4, 5, 6])
    func approachesThePowerLaw(depth: Int) throws {
        let d = Double(depth), p = 2 - 2 / d, u0 = 3.0
        for t in [0.01, 1.0, 100.0] {
            let power = pow(pow(u0, -p) + d * p * t, -1 / p)
            var previous = Double.infinity
            for s in [1e-4, 1e-6, 1e-8, 1e-10, 1e-12] {
                let law = try DeepModeLaw(depth: depth, s: s, tau: 1)
                let u = try law.value(at: t, from: u0)
                let gap = abs(u - power) / power
                // First order in s/u: at most a few times s/u(t) (u(t) >= power here), plus rounding.
                #expect(gap <= 4 * s / power + 1e-13, "D=\(depth) t=\(t) s=\(s): \(u) vs power law \(power)")
                #expect(u > power, "s > 0 slows the decay")
                #expect(gap < previous || gap <= 1e-13)
                previous = gap
            }
        }
    }

    /// The series and the closed form meet at u = 2s (where the evaluation switches): times across
    /// the switch are additive to rounding.
    @Test func seriesAndClosedFormAgreeAtTheSwitch() throws {
        for depth in [2, 3, 6] {
            for s in [1e-8, 0.5, 2.0] {
                let law = try DeepModeLaw(depth: depth, s: s, tau: 1)
                let whole = try law.time(from: 10 * s, to: 1.5 * s)
                let split = try law.time(from: 10 * s, to: 2 * s) + law.time(from: 2 * s, to: 1.5 * s)
                #expect(abs(whole - split) <= 1e-13 * whole)
                let above = try law.time(from: 2.5 * s, to: 2.2 * s)
                let closed = law._closedFormTime(u0: 2.5 * s, d0: 1.5 * s, uf: 2.2 * s, df: 1.2 * s)
                #expect(abs(above - closed) <= 1e-12 * above, "D=\(depth) s=\(s): series \(above) vs closed form \(closed)")
            }
        }
    }

    /// An input variance c is the change of scale w = c u with time constant tau c^(1-2/D):
    /// checked against the quadrature of tau du/(D u^(2-2/D)(s - c u)) written out directly.
    @Test func inputVarianceRescales() throws {
        for depth in [3, 5] {
            let c = 2.5, s = 1.5, tau = 3.0
            let law = try DeepModeLaw(depth: depth, s: s, tau: tau, inputVariance: c)
            #expect(law.fixedPoint == s / c)
            let d = Double(depth)
            for (u0, uf) in [(1e-3, 0.3), (2.0, 0.7)] {
                let f: (Double) -> Double = { x in let u = exp(x); return tau / (d * pow(u, 1 - 2 / d) * (s - c * u)) }
                let scale = abs(f(log(u0))) * abs(log(uf / u0))
                let ref = adaptiveSimpson(f, from: log(u0), to: log(uf), tolerance: 1e-13 * scale)
                #expect(relativeError(try law.time(from: u0, to: uf), ref) < 1e-9)
                let t = try law.time(from: u0, to: uf)
                #expect(relativeError(try law.value(at: t, from: u0), uf) < 1e-10)
            }
        }
    }
}
