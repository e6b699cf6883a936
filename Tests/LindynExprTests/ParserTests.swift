import Foundation
import Testing
@testable import LindynExpr

@Suite struct ParserTests {
    /// Expected values computed by hand from the grammar's rules (`^` binds tightest and is
    /// right-associative, unary minus binds looser than `^`, `* /` and `+ -` associate left);
    /// all are exact in binary floating point.
    static let precedenceCases: [(String, Double)] = [
        ("2^3^2", 512),  // 2^(3^2), not (2^3)^2 = 64
        ("-2^2", -4),  // -(2^2)
        ("-(2)^2", -4),
        ("(-2)^2", 4),
        ("2*-3", -6),
        ("3 - -2", 5),
        ("1e-3", 0.001),
        ("1.5e+2", 150),
        ("2E2", 200),
        (".5", 0.5),
        ("2^-1", 0.5),
        ("2^-3^2", 0.001953125),  // 2^(-(3^2)) = 2^-9
        ("1 - 2 - 3", -4),
        ("8/4/2", 1),
        ("2*3+4*5", 26),
        ("(1+2)*3", 9),
        ("2*3^2", 18),
        ("--4", 4),
        ("exp(0) + log(1)", 1),
        ("sqrt(16)/abs(-2)", 2),
        ("  7\t*\n2 ", 14),
    ]

    @Test(arguments: precedenceCases)
    func precedenceAndAssociativity(text: String, expected: Double) throws {
        #expect(try Expression.parse(text).evaluate([:]) == expected)
    }

    @Test func unaryMinusBindsLooserThanPower() throws {
        // -x^2 is -(x^2): with x = 3 the value is -9 (hand arithmetic), not 9.
        #expect(try Expression.parse("-x^2").evaluate(["x": 3]) == -9)
        #expect(try Expression.parse("-x^2") == -pow(.variable("x"), 2))
    }

    @Test func namesAndFunctions() throws {
        let e = try Expression.parse("k_1*y2 + _tmp - lambda")
        #expect(e.freeVariables == ["k_1", "y2", "_tmp", "lambda"])
        for f in Expression.Function.allCases {
            #expect(try Expression.parse("\(f.rawValue)(x)") == .function(f, .variable("x")))
        }
    }

    @Test func unknownVariableIsNamed() throws {
        let e = try Expression.parse("x + y*2")
        #expect(throws: ExpressionEvaluationError(reason: .unknownVariable, name: "y", available: ["x"])) {
            try e.evaluate(["x": 1])
        }
        do {
            _ = try e.evaluate(["x": 1])
        } catch {
            #expect(error.description.contains("'y'"))
        }
    }

    /// Positions are 0-based character offsets, counted by hand on each input.
    static let errorCases: [(String, Int, String, String)] = [
        ("(1 + 2", 6, "')'", "end of input"),
        ("1 + * 2", 4, "an operand", "'*'"),
        ("2 # 3", 2, "an operator or end of input", "'#'"),
        ("#", 0, "an operand", "'#'"),
        ("", 0, "an operand", "end of input"),
        ("x y", 2, "an operator or end of input", "'y'"),
        ("(x))", 3, "an operator or end of input", "')'"),
        ("  3 +", 5, "an operand", "end of input"),
        ("2^", 2, "an operand", "end of input"),
        ("exp x", 4, "'(' after function name 'exp'", "'x'"),
        ("sin()", 4, "an operand", "')'"),
        ("2 * foo(x)", 4, "one of the functions exp log sqrt sin cos tan atan tanh sinh cosh asinh atanh abs",
         "unknown function 'foo'"),
        ("1.2.3", 3, "an operator or end of input", "'.3'"),
        ("3x", 1, "an operator or end of input", "'x'"),
        ("é + 1", 0, "an operand", "'é'"),
    ]

    @Test(arguments: errorCases)
    func parseErrors(text: String, position: Int, expected: String, found: String) {
        #expect(throws: ExpressionParseError(position: position, expected: expected, found: found)) {
            try Expression.parse(text)
        }
    }

    @Test func parseErrorDescription() {
        #expect(
            ExpressionParseError(position: 7, expected: "')'", found: "end of input").description
                == "at position 7: expected ')' but found end of input")
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "(", count: 1000) + "x" + String(repeating: ")", count: 1000)
        #expect(throws: ExpressionParseError.self) { try Expression.parse(deep) }
        let shallow = String(repeating: "(", count: 100) + "x" + String(repeating: ")", count: 100)
        #expect(try Expression.parse(shallow) == .variable("x"))
        let minuses = String(repeating: "-", count: 5000) + "x"
        #expect(throws: ExpressionParseError.self) { try Expression.parse(minuses) }
    }

    @Test func printedFormsOfCommonExpressions() throws {
        // Golden strings: how parsed expressions print back (flat, in input order).
        let cases = [
            ("-k1*y1 + k3*y2*y3", "-k1*y1 + k3*y2*y3"),
            ("a - (b + c)", "a - (b + c)"),
            ("a/b/c", "a/b/c"),
            ("a/(b*c)", "a/(b*c)"),
            ("(-2)^x", "(-2)^x"),
            ("x^(-y)", "x^(-y)"),
            ("x^-2", "x^-2"),
            ("1/x", "1/x"),
            ("2^3^2", "2^3^2"),
            ("(2^3)^2", "(2^3)^2"),
            ("3e7*y2^2", "30000000*y2^2"),
            ("1e-5", "1e-05"),
        ]
        for (text, printed) in cases {
            #expect(try Expression.parse(text).description == printed, "\(text)")
        }
    }

    /// Round trip: text printed by `description` parses back to a structurally equal
    /// expression, and therefore evaluates to the same value bit for bit.
    @Test func roundTripOfRandomExpressions() throws {
        var rng = SplitMix64(seed: 0x5EED_0001)
        let generator = ExpressionGenerator()
        let point = ["x": 0.7, "y": -1.3, "z": 2.1]
        for _ in 0..<3000 {
            let e = generator.make(depth: 5, &rng)
            let back = try Expression.parse(e.description)
            #expect(back == e, "\(e)")
            #expect(sameValue(try back.evaluate(point), try e.evaluate(point)), "\(e)")
            let s = e.simplified()
            #expect(try Expression.parse(s.description) == s, "\(s)")
        }
    }

    @Test func roundTripOfNumbers() throws {
        var rng = SplitMix64(seed: 42)
        var values: [Double] = [0, 1, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e16, 123456789012345680, 0.1, 1 / 3]
        for _ in 0..<500 { values.append(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)) }
        for v in values {
            for e in [Expression.number(v), .number(-v), .variable("x") * .number(-v), pow(.variable("x"), .number(-v))] {
                #expect(try Expression.parse(e.description) == e, "\(e)")
            }
        }
    }

    /// Random character strings and token soups never crash the parser: each input either
    /// parses (and then round-trips) or throws an error positioned inside the input.
    @Test func fuzz() {
        var rng = SplitMix64(seed: 0xF022)
        let alphabet = Array("0123456789.eE+-*/^() \txyz_abcexplogsqrt#é,;\u{301}")
        let tokens = [
            "x", "y", "1", "2.5", "1e-3", ".5", "1e", "+", "-", "*", "/", "^", "(", ")", "exp", "log",
            "sqrt", "abs", " ", "foo", "e", "#", "1e999", "_a1",
        ]
        for round in 0..<6000 {
            var text = ""
            let length = Int.random(in: 0..<25, using: &rng)
            for _ in 0..<length {
                switch round % 3 {
                case 0: text.append(alphabet.randomElement(using: &rng)!)
                case 1: text += tokens.randomElement(using: &rng)!
                default:
                    let scalar = Unicode.Scalar(UInt32.random(in: 0..<0x3000, using: &rng)) ?? "?"
                    text.unicodeScalars.append(scalar)
                }
            }
            do {
                let e = try Expression.parse(text)
                #expect((try? Expression.parse(e.description)) == e, "\(text) -> \(e)")
            } catch {
                #expect(error.position >= 0 && error.position <= text.count, "\(text): \(error)")
            }
        }
    }
}
