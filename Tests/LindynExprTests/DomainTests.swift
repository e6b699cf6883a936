import Foundation
import Testing
@testable import LindynExpr

/// Simplification never turns an undefined value into a number: a rewrite drops a
/// subexpression only where that subexpression is defined everywhere (Domain.swift).
@Suite struct DomainTests {
    /// Rewrites that used to drop a domain condition, with the point where the original is NaN
    /// (so the simplified form must be NaN there too) and the expected canonical form.
    static let kept: [(String, String, [String: Double])] = [
        ("y^0.5*y^0.5", "y^0.5*y^0.5", ["y": -2]),
        ("(y - y)/(y - y)", "0/0", ["y": 1]),
        ("0*(1/0)", "0/0", [:]),
        ("0*log(y)", "0*log(y)", ["y": -1]),
        ("log(y) - log(y)", "0*log(y)", ["y": -1]),
        ("x*log(y) - log(y)*x", "0*log(y)", ["x": 1, "y": -1]),
        ("0*(x + log(y))", "0*log(y)", ["x": 1, "y": -1]),
        ("0*sqrt(y)*x", "0*sqrt(y)", ["x": 2, "y": -1]),
        ("y/y", "y/y", ["y": 0]),
        ("y^2/y", "y^2/y", ["y": 0]),
        ("sqrt(y)/sqrt(y)", "sqrt(y)/sqrt(y)", ["y": -1]),
        ("y^-0.5*y", "y/y^0.5", ["y": 0]),
        ("(y^0.5)^2", "(y^0.5)^2", ["y": -2]),
        ("log(y)^0", "0*log(y) + 1", ["y": -1]),
        ("atanh(y)^0.5*atanh(y)^0.5", "atanh(y)^0.5*atanh(y)^0.5", ["y": -0.5]),
        ("y*y^a", "y*y^a", ["y": -2, "a": 0.5]),
    ]

    @Test(arguments: kept)
    func undefinedStaysUndefined(text: String, simplified: String, point: [String: Double]) throws {
        let e = try Expression.parse(text)
        let s = e.simplified()
        #expect(s.description == simplified)
        #expect(try e.evaluate(point).isNaN, "the test point must be outside the domain of \(text)")
        #expect(try s.evaluate(point).isNaN, "\(text) -> \(s) has a value at \(point)")
        // The compiled program agrees with the tree.
        let inputs = point.keys.sorted()
        let program = try CompiledProgram([s], inputs: inputs)
        #expect(program.evaluate(inputs.map { point[$0]! })[0].isNaN)
        #expect(s.simplified() == s)
        #expect(try Expression.parse(s.description).simplified() == s, "\(s) does not read back")
    }

    /// Powers whose C value hides the missing domain condition: `1/(1/0)` is 0 and C's
    /// `pow(1, NaN)` is 1, but neither is defined as a real number, so the rewrite to y
    /// (resp. 1) is refused, and `1^log(y)` carries log(y)'s domain.
    @Test func conditionsHiddenByFloatingPointStay() throws {
        #expect(try Expression.parse("(y^-1)^-1").simplified().description == "(y^-1)^-1")
        let s = try Expression.parse("1^log(y)").simplified()
        #expect(s.description == "0*log(y) + 1")
        #expect(try s.evaluate(["y": -1]).isNaN)
        #expect(try s.evaluate(["y": 3]) == 1)
    }

    /// Rewrites that are sound because the dropped part is defined everywhere, or the base is
    /// known to be positive or non-negative.
    static let merged: [(String, String)] = [
        ("0*x", "0"),
        ("x - x", "0"),
        ("0*exp(x)*sin(y)", "0"),
        ("x^0", "1"),
        ("exp(x)^0.5*exp(x)^0.5", "exp(x)"),
        ("(x^2)^0.5*(x^2)^0.5", "x^2"),
        ("x^0.5*x", "x^1.5"),
        ("x^-1*x^-2", "x^-3"),
        ("(x^2)^-1", "x^-2"),
        ("x*x*x", "x^3"),
        ("2^x*2^-x", "1"),
        ("(1 + x^2)^0.5*(1 + x^2)^0.5", "x^2 + 1"),
        ("log(y) - log(y) + log(y)", "log(y)"),
        ("0*log(y) + 2*log(y)", "2*log(y)"),
    ]

    @Test(arguments: merged)
    func soundRewritesStillApply(text: String, simplified: String) throws {
        #expect(try Expression.parse(text).simplified().description == simplified)
    }

    /// Derivatives are simplified assuming the differentiated expression is defined: log(x)
    /// excludes x <= 0, so x/x is 1 there (each checked by hand).
    @Test func derivativesAssumeTheirExpressionIsDefined() throws {
        let cases = [
            ("x*log(x)", "log(x) + 1"),
            ("log(x*y)", "x^-1"),
            ("sqrt(x)^2", "sqrt(x)/sqrt(x)"),  // sqrt(x) >= 0 does not exclude x = 0
            ("x^2/x", "1"),
            ("x^0.5*x^0.5", "x^0.5/x^0.5"),
        ]
        for (text, derivative) in cases {
            #expect(try Expression.parse(text).derivative("x").description == derivative, "d/dx \(text)")
        }
    }

    /// Random expressions at points inside and outside their domains (negative numbers and
    /// zero included): the simplified form is NaN exactly where the original is. Points where
    /// any subexpression of the original overflows to infinity are skipped: there the original
    /// can be NaN (inf - inf) where the mathematical value is defined.
    @Test func simplificationKeepsTheDomainOfRandomExpressions() throws {
        var rng = SplitMix64(seed: 0xD0_3A1)
        var generator = ExpressionGenerator()
        generator.generalPowers = false
        let values: [Double] = [-2, -1, -0.5, 0, 0.5, 1, 2]
        var undefined = 0, compared = 0
        for _ in 0..<3000 {
            let e = generator.make(depth: 4, &rng)
            let s = e.simplified()
            #expect(s.simplified() == s, "not idempotent: \(e) -> \(s) -> \(s.simplified())")
            for _ in 0..<4 {
                let point = ["x": values.randomElement(using: &rng)!, "y": values.randomElement(using: &rng)!, "z": values.randomElement(using: &rng)!]
                guard !Self.overflows(e, point) else { continue }
                let v = try e.evaluate(point)
                let w = try s.evaluate(point)
                compared += 1
                if v.isNaN { undefined += 1 }
                #expect(v.isNaN == w.isNaN, "\(e) = \(v) but \(s) = \(w) at \(point)")
            }
        }
        // Both outcomes are exercised.
        #expect(compared > 5000 && undefined > 500, "\(compared) compared, \(undefined) undefined")
    }

    /// Whether a subexpression of `e` is infinite at `point`.
    static func overflows(_ e: Expression, _ point: [String: Double]) -> Bool {
        if let v = try? e.evaluate(point), v.isInfinite { return true }
        switch e {
        case .sum(let xs), .product(let xs): return xs.contains { overflows($0, point) }
        case .power(let b, let x): return overflows(b, point) || overflows(x, point)
        case .function(_, let x): return overflows(x, point)
        case .number, .variable: return false
        }
    }

    /// The product-power sign rules: the signs that let merges through.
    @Test func signs() throws {
        func sign(_ text: String) throws -> _Sign { Expression._sign(try Expression.parse(text).simplified()) }
        #expect(try sign("exp(x)") == .positive)
        #expect(try sign("x^2 + 1") == .positive)
        #expect(try sign("x^2") == .nonnegative)
        #expect(try sign("sqrt(x)*abs(y)") == .nonnegative)
        #expect(try sign("x") == [])
        #expect(try sign("x^2 - 1") == [])
        #expect(try sign("-2") == .nonzero)
        #expect(try sign("x^-1") == .nonzero)
    }
}
