import Foundation
import Testing
@testable import LindynExpr

@Suite struct SimplifyTests {
    /// Golden strings of the canonical form (rules in Simplify.swift).
    static let identities: [(String, String)] = [
        ("x + x", "2*x"),
        ("x*x", "x^2"),
        ("0*x", "0"),
        ("2*x + 3*x", "5*x"),
        ("x*x^2", "x^3"),
        ("x^0", "1"),
        ("x^1", "x"),
        ("0^2", "0"),
        ("1^x", "1"),
        ("--x", "x"),
        ("-(-(x*y))", "x*y"),
        ("x - x", "0"),
        ("x/x", "x/x"),  // not 1: NaN at x = 0 (DomainTests)
        ("x^2/x", "x^2/x"),
        ("(x*y)^2", "x^2*y^2"),
        ("(x^2)^3", "x^6"),
        ("(2*x)^-1", "0.5/x"),
        ("2*3 + 4", "10"),
        ("2^-1", "0.5"),
        ("y*x + 1 + x*y", "2*x*y + 1"),
        ("3*(x + 1) - 3*(1 + x)", "0"),
        ("log(exp(x))", "x"),
        ("abs(abs(x))", "abs(x)"),
        ("exp(0)", "1"),
        ("1/0", "0^-1"),  // not folded: the value is not finite
        ("log(-1)", "log(-1)"),  // not folded: NaN
        ("a/b*c", "a*c/b"),
        ("x + 1 + x^2", "x + x^2 + 1"),
        ("1/2*(s - a*b)^2", "0.5*(-a*b + s)^2"),
    ]

    @Test(arguments: identities)
    func identity(text: String, simplified: String) throws {
        #expect(try Expression.parse(text).simplified().description == simplified)
    }

    @Test func canonicalOrderMakesEqualExpressionsEqual() throws {
        let pairs = [
            ("a + b", "b + a"),
            ("x*y*z", "z*(y*x)"),
            ("x^2*y - 3", "-3 + y*x*x"),
            ("a/b/c", "a/(c*b)"),
            ("exp(x)*sin(y) + 1", "1 + sin(y)*exp(x)"),
        ]
        for (a, b) in pairs {
            #expect(try Expression.parse(a).simplified() == Expression.parse(b).simplified(), "\(a) vs \(b)")
        }
    }

    /// Simplification preserves values (up to the rounding of reassociated operations) and
    /// is idempotent, on random expressions.
    @Test func randomExpressionsKeepTheirValue() throws {
        var rng = SplitMix64(seed: 0x51A9)
        var generator = ExpressionGenerator()
        generator.generalPowers = false
        var compared = 0
        for _ in 0..<3000 {
            let e = generator.make(depth: 4, &rng)
            let s = e.simplified()
            #expect(s.simplified() == s, "not idempotent: \(e) -> \(s) -> \(s.simplified())")
            #expect(s.nodeCount <= 4 * e.nodeCount + 4, "\(e) grew to \(s)")
            let point = [
                "x": Double.random(in: 0.5...2, using: &rng),
                "y": Double.random(in: 0.5...2, using: &rng),
                "z": Double.random(in: 0.5...2, using: &rng),
            ]
            let v = try e.evaluate(point)
            let w = try s.evaluate(point)
            guard v.isFinite, w.isFinite else { continue }
            // Reassociation and constant folding change the rounding: each reordered
            // operation moves the result by a few ulps of its operands, so the difference is
            // bounded by a few times eps times the sum of the magnitudes of all subexpression
            // values (`magnitude`; it covers cancellation). 1e-9 of that bound leaves a
            // margin of over 1e5 for trees of at most a few dozen operations.
            let scale = max(1, Swift.abs(v), Self.magnitude(e, point))
            #expect(Swift.abs(v - w) <= 1e-9 * scale, "\(e) = \(v) but \(s) = \(w) at \(point)")
            compared += 1
        }
        #expect(compared > 2000)
    }

    /// Sum of the absolute values of all intermediate sum terms: bounds the cancellation
    /// that reassociating the sums can expose.
    static func magnitude(_ e: Expression, _ point: [String: Double]) -> Double {
        var total = Swift.abs((try? e.evaluate(point)) ?? 0)
        switch e {
        case .sum(let xs), .product(let xs):
            for x in xs { total += magnitude(x, point) }
        case .power(let b, let x):
            total += magnitude(b, point) + magnitude(x, point)
        case .function(_, let x):
            total += magnitude(x, point)
        case .number, .variable:
            break
        }
        return total.isFinite ? total : 0
    }

    /// Simplification stays fast and polynomial on large inputs: a sum of products that
    /// collects into few terms, and a deep derivative.
    @Test func largeExpressionsSimplifyQuickly() throws {
        var terms: [Expression] = []
        for i in 0..<200 {
            terms.append(.number(Double(i % 7)) * .variable("x\(i % 5)") * .variable("y\(i % 3)"))
        }
        let big = Expression.sum(of: terms)
        let clock = ContinuousClock()
        let start = clock.now
        let s = big.simplified()
        let elapsed = clock.now - start
        #expect(s.nodeCount < 100)
        print("simplified a sum of \(big.nodeCount) nodes to \(s.nodeCount) nodes in \(elapsed)")
        // Generous bound (debug build, shared machine): a few hundred nodes take well under
        // a millisecond in release builds.
        #expect(elapsed < .milliseconds(200))

        var e: Expression = .variable("x")
        for _ in 0..<8 { e = .sin(e * e + .variable("a")) }
        let start2 = clock.now
        let d = e.derivative("x")
        print("derivative of a \(e.nodeCount)-node nest of sines: \(d.nodeCount) nodes in \(clock.now - start2)")
        #expect(d.nodeCount < 2000)
    }

    @Test func substitution() throws {
        let e = try Expression.parse("a*x + b")
        let s = e.substituting(["x": try Expression.parse("y + 1"), "b": 2])
        #expect(s.description == "a*(y + 1) + 2")
        #expect(try s.evaluate(["a": 3, "y": 4]) == 17)
        #expect(s.freeVariables == ["a", "y"])
    }
}
