import Foundation
import Testing
@testable import LindynExpr

@Suite struct CompiledProgramTests {
    /// The compiled program performs the same IEEE operations, in the same order, as
    /// `Expression.evaluate` (shared kernels; `a + (-1)*b` -> `a - b` and `(-1)*a` -> `-a` are
    /// exact rewrites; sharing and constant folding do not change any operation's operands),
    /// so the values must agree to the last bit. NaN payloads are not compared.
    @Test func matchesTreeEvaluationBitForBit() throws {
        var rng = SplitMix64(seed: 0xC0DE)
        let generator = ExpressionGenerator()
        let inputs = ["x", "y", "z"]
        for _ in 0..<1000 {
            let outputs = (0..<3).map { _ in generator.make(depth: 5, &rng) }
            // Raw, simplified and differentiated forms exercise different node shapes.
            let all = outputs + outputs.map { $0.simplified() } + [outputs[0].derivative("x")]
            let program = try CompiledProgram(all, inputs: inputs)
            let evaluator = program.makeEvaluator()
            var result = [Double](repeating: 0, count: all.count)
            for _ in 0..<4 {
                let point = inputs.map { _ in Double.random(in: -3...3, using: &rng) }
                let bindings = Dictionary(uniqueKeysWithValues: zip(inputs, point))
                point.withUnsafeBufferPointer { p in
                    result.withUnsafeMutableBufferPointer { r in evaluator.evaluate(p.baseAddress!, r.baseAddress!) }
                }
                for (e, compiled) in zip(all, result) {
                    let tree = try e.evaluate(bindings)
                    #expect(sameValue(tree, compiled), "\(e) at \(point): tree \(tree), compiled \(compiled)")
                }
            }
        }
    }

    @Test func robertsonRightHandSide() throws {
        let equations = try DerivativeTests.robertson.map { try Expression.parse($0) }
        let program = try CompiledProgram(equations, inputs: ["y1", "y2", "y3", "k1", "k2", "k3"])
        #expect(program.inputCount == 6)
        #expect(program.outputCount == 3)
        // Counted by hand: f1 = (-k1)*y1 + (k3*y2)*y3 takes 5 operations; f2 reuses
        // (k3*y2)*y3 and needs k1*y1, y2^2, k2*y2^2 and two subtractions (5); f3 = k2*y2^2
        // is shared entirely. 10 operations instead of 16 without sharing.
        #expect(program.instructionCount == 10)
        let y = [1.0, 0, 0, 0.04, 3e7, 1e4]
        // At the initial state only k1*y1 = 0.04 is nonzero (hand arithmetic).
        #expect(program.evaluate(y) == [-0.04, 0.04, 0])
    }

    @Test func constantsAreFolded() throws {
        let program = try CompiledProgram([try Expression.parse("exp(0)*2 + 3^2 + x")], inputs: ["x"])
        #expect(program.instructionCount == 1)
        #expect(program.evaluate([1]) == [12])
    }

    @Test func missingInputIsNamed() throws {
        let e = try Expression.parse("a*x + b")
        #expect(throws: ExpressionEvaluationError(reason: .unknownVariable, name: "b", available: ["a", "x"])) {
            try CompiledProgram([e], inputs: ["x", "a"])
        }
        do {
            _ = try CompiledProgram([e], inputs: ["x", "a"])
        } catch {
            #expect(error.description.contains("'b'"))
            #expect(error.description.contains("a, x"))
        }
    }

    @Test func emptyAndTrivialPrograms() throws {
        #expect(try CompiledProgram([], inputs: []).evaluate([]) == [])
        #expect(try CompiledProgram([.variable("x"), 2.5], inputs: ["x"]).evaluate([7]) == [7, 2.5])
    }

    /// Informational timing (not asserted: the machine is shared and tests run unoptimized):
    /// Robertson's right-hand side plus its Jacobian, compiled vs tree walk.
    @Test func timing() throws {
        let equations = try DerivativeTests.robertson.map { try Expression.parse($0) }
        let names = ["y1", "y2", "y3"]
        let all = equations + Expression.jacobian(equations, names).flatMap { $0 }
        let inputs = names + ["k1", "k2", "k3"]
        let program = try CompiledProgram(all, inputs: inputs)
        let evaluator = program.makeEvaluator()
        let x = [0.98517, 3.3864e-05, 0.014794, 0.04, 3e7, 1e4]
        var out = [Double](repeating: 0, count: all.count)
        let n = 100_000
        let clock = ContinuousClock()
        let start = clock.now
        x.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for _ in 0..<n { evaluator.evaluate(p.baseAddress!, o.baseAddress!) }
            }
        }
        let compiled = (clock.now - start) / n
        let bindings = Dictionary(uniqueKeysWithValues: zip(inputs, x))
        let start2 = clock.now
        var sink = 0.0
        for _ in 0..<(n / 10) {
            for e in all { sink += try e.evaluate(bindings) }
        }
        let tree = (clock.now - start2) / (n / 10)
        print("Robertson f + J (\(all.count) outputs, \(program.instructionCount) instructions): compiled \(compiled) per call, tree walk \(tree) per call (sink \(sink.isFinite))")
        #expect(out[0] == (try all[0].evaluate(bindings)))
    }
}

@Suite struct LaTeXTests {
    static let cases: [(String, String)] = [
        ("a/b", "\\frac{a}{b}"),
        ("-x/(1 + y)", "-\\frac{x}{1 + y}"),
        ("exp(-k1*t)", "e^{-k_{1} t}"),
        ("sqrt(x^2 + 1)", "\\sqrt{x^{2} + 1}"),
        ("lambda/2*(a^2 + b^2)", "\\frac{\\lambda \\left(a^{2} + b^{2}\\right)}{2}"),
        ("abs(w_ab)*tau", "\\left|w_{ab}\\right| \\tau"),
        ("sin(x)^2 + cos(x)^2", "\\sin\\left(x\\right)^{2} + \\cos\\left(x\\right)^{2}"),
        ("2*x*1e-05", "2 x \\cdot 10^{-5}"),
        ("x^-2", "\\frac{1}{x^{2}}"),
        ("u0*exp(2*s*t/tau)", "u_{0} e^{\\frac{2 s t}{\\tau}}"),
        ("atanh(x) - asinh(x)", "\\operatorname{atanh}\\left(x\\right) - \\operatorname{asinh}\\left(x\\right)"),
    ]

    @Test(arguments: cases)
    func latex(text: String, latex: String) throws {
        let actual = try Expression.parse(text).latex
        #expect(actual == latex)
    }
}
