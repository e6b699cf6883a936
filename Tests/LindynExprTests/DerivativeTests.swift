import Foundation
import Testing
@testable import LindynExpr

/// Central finite difference (f(x+h) - f(x-h)) / 2h with h = 1e-5 * max(1, |x|).
///
/// Error budget: truncation |f'''| h^2 / 6 (about 2e-11 |f'''|) plus rounding about
/// eps |f| / h (about 2e-11 |f|). Points where the function is not smooth at this scale
/// (near a singularity, a branch or a kink) are detected and skipped by Richardson's test:
/// the difference between the estimates with h and 2h is about 3x the truncation error of
/// the h estimate, and must be below 1e-7 of the scale. The comparison then uses a relative
/// tolerance of 1e-6 of max(1, |f'|, |f|), more than 10x the remaining budget.
struct FiniteDifference {
    static let tolerance = 1e-6
    static let smoothness = 1e-7

    enum Outcome { case agrees, disagrees(String), skipped }

    static func check(
        _ e: Expression, _ d: Expression, _ name: String, at point: [String: Double]
    ) -> Outcome {
        guard let x = point[name], let f = try? e.evaluate(point), f.isFinite,
            let analytic = try? d.evaluate(point), analytic.isFinite
        else { return .skipped }
        func value(_ dx: Double) -> Double {
            var p = point
            p[name] = x + dx
            return (try? e.evaluate(p)) ?? .nan
        }
        let h = 1e-5 * max(1, Swift.abs(x))
        let estimate = (value(h) - value(-h)) / (2 * h)
        let coarse = (value(2 * h) - value(-2 * h)) / (4 * h)
        guard estimate.isFinite, coarse.isFinite else { return .skipped }
        let scale = max(1, Swift.abs(estimate), Swift.abs(f))
        if Swift.abs(estimate - coarse) > smoothness * scale { return .skipped }
        if Swift.abs(analytic - estimate) <= tolerance * scale { return .agrees }
        return .disagrees("d/d\(name) \(e) = \(d) at \(point): \(analytic) vs finite difference \(estimate)")
    }
}

@Suite struct DerivativeTests {
    @Test func randomExpressionsAgreeWithFiniteDifferences() {
        var rng = SplitMix64(seed: 0xD1FF)
        let generator = ExpressionGenerator()
        var checked = 0
        var total = 0
        for _ in 0..<1500 {
            let e = generator.make(depth: 4, &rng)
            for name in ["x", "y"] {
                let d = e.derivative(name)
                for _ in 0..<3 {
                    let point = [
                        "x": Double.random(in: 0.2...2, using: &rng),
                        "y": Double.random(in: -2 ... -0.2, using: &rng),
                        "z": Double.random(in: 0.2...2, using: &rng),
                    ]
                    total += 1
                    switch FiniteDifference.check(e, d, name, at: point) {
                    case .agrees: checked += 1
                    case .disagrees(let message): Issue.record(Comment(rawValue: message))
                    case .skipped: break
                    }
                }
            }
        }
        // Guard against a vacuous pass: most points must be smooth and defined.
        #expect(checked > total / 2, "only \(checked) of \(total) points checked")
    }

    /// Every function, through the chain rule, on an inner function whose range lies inside
    /// every domain (u(x) = 0.7x - 0.1x^2 - 0.3 is in (-0.23, 0.26) for x in [0.1, 0.9]).
    @Test(arguments: Expression.Function.allCases)
    func everyFunction(_ f: Expression.Function) {
        let x = Expression.variable("x")
        let u = 0.7 * x - 0.1 * pow(x, 2) - 0.3
        // Also compose with the inner function raised to a power, so sqrt and log see u^2 > 0.
        for e in [Expression.function(f, u), .function(f, pow(u, 2) + 0.01), pow(x, 2) * .function(f, u)] {
            let d = e.derivative("x")
            var checked = 0
            for k in 0..<40 {
                let point = ["x": 0.1 + 0.8 * Double(k) / 39]
                switch FiniteDifference.check(e, d, "x", at: point) {
                case .agrees: checked += 1
                case .disagrees(let message): Issue.record(Comment(rawValue: message))
                case .skipped: break
                }
            }
            // log and sqrt of u are undefined for u <= 0 (x < ~0.47) and abs has a kink at
            // u = 0: at least a quarter of the grid remains.
            #expect(checked >= 10, "\(e): \(checked) points checked")
        }
    }

    /// Printed derivatives: readable forms from the simplifier (golden strings), each
    /// checked by hand against the differentiation rules.
    @Test func printedDerivatives() throws {
        let cases = [
            ("x^3", "3*x^2"),
            ("x^2 + 3*x + 1", "2*x + 3"),
            ("exp(2*x)", "2*exp(2*x)"),
            ("log(x)", "x^-1"),
            ("1/x", "-1/x^2"),
            ("sin(x)", "cos(x)"),
            ("cos(x)", "-sin(x)"),
            ("sqrt(x)", "0.5/sqrt(x)"),
            ("tanh(a*x)", "a*(-tanh(a*x)^2 + 1)"),
            ("2^x", "0.6931471805599453*2^x"),
            ("a*x*y + x^2*y", "a*y + 2*x*y"),
            ("abs(x)", "x/abs(x)"),
            ("1/2*(s - a*b)^2", "0"),
        ]
        for (text, derivative) in cases {
            #expect(try Expression.parse(text).derivative("x").description == derivative, "d/dx \(text)")
        }
    }

    @Test func generalPowerRule() throws {
        // d/dx x^x = x^x (log x + 1); compared as values at x = 1.7 against that formula.
        let d = try Expression.parse("x^x").derivative("x")
        let x = 1.7
        let expected = Foundation.pow(x, x) * (Foundation.log(x) + 1)
        #expect(Swift.abs(try d.evaluate(["x": x]) - expected) <= 1e-14 * expected)
    }

    /// Gradient of the two-weight loss `1/2 (s - a b)^2 + lambda/2 (a^2 + b^2)` (a Saxe mode with
    /// weight decay): dL/da = -(s - a b) b + lambda a,
    /// dL/db = -(s - a b) a + lambda b, derived by hand.
    @Test func gradientOfLoss() throws {
        let loss = try Expression.parse("1/2*(s - a*b)^2 + lambda/2*(a^2 + b^2)")
        let g = Expression.gradient(loss, ["a", "b"])
        let point = ["a": 1.0, "b": 0.01, "s": 2.0, "lambda": 0.2]
        let (a, b, s, lambda) = (1.0, 0.01, 2.0, 0.2)
        #expect(Swift.abs(try g[0].evaluate(point) - (-(s - a * b) * b + lambda * a)) <= 1e-15)
        #expect(Swift.abs(try g[1].evaluate(point) - (-(s - a * b) * a + lambda * b)) <= 1e-15)
    }

    /// Robertson's chemical kinetics (Robertson 1966; Hairer & Wanner, Solving ODEs II,
    /// sec. IV.1), the classic stiff test problem.
    static let robertson = [
        "-k1*y1 + k3*y2*y3",
        "k1*y1 - k3*y2*y3 - k2*y2^2",
        "k2*y2^2",
    ]

    @Test func robertsonJacobian() throws {
        let equations = try Self.robertson.map { try Expression.parse($0) }
        let names = ["y1", "y2", "y3"]
        let jacobian = Expression.jacobian(equations, names)
        // Hand-derived Jacobian.
        let hand = [
            ["-k1", "k3*y3", "k3*y2"],
            ["k1", "-k3*y3 - 2*k2*y2", "-k3*y2"],
            ["0", "2*k2*y2", "0"],
        ]
        for i in 0..<3 {
            for j in 0..<3 {
                #expect(jacobian[i][j] == (try Expression.parse(hand[i][j])).simplified(), "J[\(i)][\(j)]")
            }
        }
        #expect(jacobian[1][1].description == "-2*k2*y2 - k3*y3")
        // Numerically at a state near t = 0.4 of the reference solution, against the hand
        // formula evaluated in Double, and against central differences (exact up to rounding
        // here: the equations are at most quadratic, so the truncation error vanishes).
        let parameters = ["k1": 0.04, "k2": 3e7, "k3": 1e4]
        let state = [0.98517, 3.3864e-05, 0.014794]
        var point = parameters
        for (name, v) in zip(names, state) { point[name] = v }
        let (k1, k2, k3) = (0.04, 3e7, 1e4)
        let (y2, y3) = (state[1], state[2])
        let expected = [
            [-k1, k3 * y3, k3 * y2],
            [k1, -k3 * y3 - 2 * k2 * y2, -k3 * y2],
            [0, 2 * k2 * y2, 0],
        ]
        for i in 0..<3 {
            for j in 0..<3 {
                let value = try jacobian[i][j].evaluate(point)
                #expect(Swift.abs(value - expected[i][j]) <= 1e-13 * max(1, Swift.abs(expected[i][j])))
                var plus = point
                var minus = point
                let h = 1e-6 * max(1, state[j])
                plus[names[j]]! += h
                minus[names[j]]! -= h
                let fd = (try equations[i].evaluate(plus) - equations[i].evaluate(minus)) / (2 * h)
                // Rounding budget: eps * |f_i| / h with |f_i| <= ~200 here, about 4e-8.
                #expect(Swift.abs(fd - value) <= 1e-6 * max(1, Swift.abs(value)), "J[\(i)][\(j)]")
            }
        }
    }
}
