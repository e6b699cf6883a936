import Foundation
import Testing
import LindynTheory

/// The closed forms against 40-digit references made by `Validation/reference/make_reference.py`
/// (mpmath: tanh-sinh quadrature of the learning-time integral, Taylor-series ODE solutions),
/// which shares no code with Lindyn. The references are exact to double precision, so the
/// tolerances only budget the closed forms' own rounding: 1e-12 relative for learning times
/// (sums of a few logarithms, each accurate to a few ulps, times up to ~1e3 for D = 10) and
/// 1e-12 for trajectories.
@Suite struct HighPrecisionReferenceTests {
    static var reference: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Validation/reference/reference.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func number(_ x: Any?) -> Double { (x as? NSNumber).map { Double($0.stringValue)! } ?? .nan }

    @Test func deepLearningTimes() throws {
        let cases = try #require(Self.reference["deep_times"] as? [[String: Any]])
        #expect(cases.count == 72)
        var worst = 0.0
        for c in cases {
            let depth = (c["depth"] as! NSNumber).intValue
            let law = try DeepModeLaw(depth: depth, s: Self.number(c["s"]), tau: Self.number(c["tau"]))
            let t = try law.time(from: Self.number(c["u0"]), to: Self.number(c["uf"]))
            let reference = Self.number(c["time"])
            let error = abs(t - reference) / reference
            worst = max(worst, error)
            #expect(error < 1e-12, "D = \(depth), \(c): \(t) vs \(reference)")
        }
        #expect(worst < 1e-12)
    }

    @Test func logisticTrajectories() throws {
        let cases = try #require(Self.reference["logistic"] as? [[String: Any]])
        for c in cases {
            let law = try LogisticLaw(a: Self.number(c["a"]), b: Self.number(c["b"]), tau: Self.number(c["tau"]))
            for (t, u) in zip(c["t"] as! [Any], c["u"] as! [Any]) {
                let value = try law.value(at: Self.number(t), from: Self.number(c["u0"]))
                #expect(abs(value - Self.number(u)) <= 1e-12 * abs(Self.number(u)), "\(c) at t = \(t)")
            }
        }
    }

    @Test func unbalancedScalarTrajectories() throws {
        let cases = try #require(Self.reference["unbalanced"] as? [[String: Any]])
        for c in cases {
            let law = try UnbalancedScalarLaw(
                x: 1, y: Self.number(c["s"]), w1: Self.number(c["w1"]), w2: Self.number(c["w2"]), tau: Self.number(c["tau"]))
            let u0 = Self.number(c["w1"]) * Self.number(c["w2"])
            for (t, u) in zip(c["t"] as! [Any], c["u"] as! [Any]) {
                let value = try law.value(at: Self.number(t), from: u0)
                #expect(abs(value - Self.number(u)) <= 1e-12 * max(abs(Self.number(u)), 1e-3), "\(c) at t = \(t)")
            }
        }
    }
}
