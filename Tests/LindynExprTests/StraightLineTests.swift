import Foundation
import Testing
@testable import LindynExpr

/// The straight-line evaluator of small programs (`_StraightLine`, StraightLine.swift) runs the
/// tape's kernel for every instruction on the same operands in the same order, so its outputs
/// must equal the tape's to the last bit, signed zeros, infinities and NaNs included (NaN
/// payloads are not compared). The reference is the tape of the same program
/// (`ProgramEvaluator(program, fuse: false)`) and, independently, the tree walk
/// `Expression.evaluate`.
@Suite struct StraightLineTests {
    /// Same bits, or both NaN.
    static func identical(_ a: Double, _ b: Double) -> Bool {
        a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
    }

    /// Points that reach the edges of the kernels' domains (zero, negative values for log and
    /// sqrt, |x| > 1 for atanh, large values for exp and pow) as well as ordinary ones.
    static func point(_ count: Int, _ rng: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: return 0
            case 1: return [-1, 1, -0.0, 2, -2, 0.5].randomElement(using: &rng)!
            case 2: return Double.random(in: -800...800, using: &rng)
            default: return Double.random(in: -3...3, using: &rng)
            }
        }
    }

    /// Random systems of one to five outputs in t, x, y: every small one must be evaluated on
    /// the straight line (counted, so that the test fails if the path is never taken) and agree
    /// bit for bit with the tape, through both entry points, and with the tree walk.
    @Test func matchesTheTapeBitForBit() throws {
        var rng = SplitMix64(seed: 0x5EED_57A1)
        let inputs = ["t", "x", "y"]
        var generator = ExpressionGenerator()
        generator.variables = inputs
        var straight = 0, tape = 0, nonFinite = 0
        for round in 0..<4000 {
            let outputs = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
                generator.make(depth: Int.random(in: 1...3, using: &rng), &rng)
            }
            let simplified = round % 2 == 0 ? outputs : outputs.map { $0.simplified() }
            let program = try CompiledProgram(simplified, inputs: inputs)
            let fused = program.makeEvaluator()
            let reference = ProgramEvaluator(program, fuse: false)
            let small = program.instructionCount <= _StraightLine.slotCount && program.outputCount <= _StraightLine.outputLimit
            #expect((fused.fused != nil) == small, "\(simplified): \(program.instructionCount) instructions")
            if fused.fused != nil { straight += 1 } else { tape += 1 }
            #expect(reference.fused == nil)
            for _ in 0..<6 {
                let p = Self.point(3, &rng)
                var a = [Double](repeating: 7, count: program.outputCount)
                var b = a, c = a
                p.withUnsafeBufferPointer { p in
                    a.withUnsafeMutableBufferPointer { fused.evaluate(leading: p[0], p.baseAddress! + 1, $0.baseAddress!) }
                    b.withUnsafeMutableBufferPointer { fused.evaluate(p.baseAddress!, $0.baseAddress!) }
                    c.withUnsafeMutableBufferPointer { reference.evaluate(leading: p[0], p.baseAddress! + 1, $0.baseAddress!) }
                }
                let bindings = Dictionary(uniqueKeysWithValues: zip(inputs, p))
                for k in 0..<program.outputCount {
                    #expect(Self.identical(a[k], c[k]), "\(simplified[k]) at \(p): straight line \(a[k]), tape \(c[k])")
                    #expect(Self.identical(b[k], c[k]), "\(simplified[k]) at \(p): evaluate(_:_:) \(b[k]), tape \(c[k])")
                    let tree = try simplified[k].evaluate(bindings)
                    #expect(sameValue(tree, a[k]), "\(simplified[k]) at \(p): tree \(tree), straight line \(a[k])")
                    if !a[k].isFinite { nonFinite += 1 }
                }
            }
        }
        // Both paths and the domain edges must actually have been exercised.
        #expect(straight > 1000, "only \(straight) programs took the straight line")
        #expect(tape > 200, "only \(tape) programs stayed on the tape")
        #expect(nonFinite > 500, "only \(nonFinite) non-finite outputs were compared")
    }

    /// Domain errors come out as the tape gives them: NaN for log, sqrt and atanh outside their
    /// domains, an infinity for a division by zero (IEEE 754), so that the callers that check
    /// for non-finite values flag them as before.
    @Test func domainErrorsAreTheTapes() throws {
        let cases: [(String, [Double], (Double) -> Bool)] = [
            ("log(x)", [0, -1, 0], { $0.isNaN }),
            ("sqrt(x - y)", [0, 1, 2], { $0.isNaN }),
            ("atanh(x*y)", [0, 2, 3], { $0.isNaN }),
            ("1/(x - y)", [0, 2, 2], { $0 == .infinity }),
            ("-x/y", [0, 1, 0], { $0 == -.infinity }),
            ("x^y", [0, -8, 1 / 3], { $0.isNaN }),
            ("exp(x)*t", [2, 800, 0], { $0 == .infinity }),
        ]
        for (text, p, expected) in cases {
            let program = try CompiledProgram([parsed(text)], inputs: ["t", "x", "y"])
            let evaluator = program.makeEvaluator()
            #expect(evaluator.fused != nil, "\(text) should be small enough for the straight line")
            var out = [0.0]
            p.withUnsafeBufferPointer { p in evaluator.evaluate(leading: p[0], p.baseAddress! + 1, &out) }
            #expect(expected(out[0]), "\(text) at \(p): \(out[0])")
            let reference = ProgramEvaluator(program, fuse: false)
            var tape = [0.0]
            p.withUnsafeBufferPointer { p in reference.evaluate(p.baseAddress!, &tape) }
            #expect(Self.identical(out[0], tape[0]), "\(text) at \(p): straight line \(out[0]), tape \(tape[0])")
        }
    }

    /// Outputs may overlap the inputs (as on the tape): every output is computed before any is
    /// written. Here the outputs overwrite the state they are computed from.
    @Test func outputsMayOverwriteTheInputs() throws {
        let equations = ["y*(1 - x*y)", "x*(1 - x*y)", "x + y", "t*x"].map(parsed)
        let program = try CompiledProgram(equations, inputs: ["t", "x", "y"])
        let evaluator = program.makeEvaluator()
        #expect(evaluator.fused != nil)
        let t = 0.5, x = 0.3, y = -1.25
        var buffer = [x, y, 9, 9]
        buffer.withUnsafeMutableBufferPointer { b in evaluator.evaluate(leading: t, b.baseAddress!, b.baseAddress!) }
        // The same operations by hand, in the program's order: 1 - x*y = 1.375 (exact in binary).
        #expect(buffer == [y * (1 - x * y), x * (1 - x * y), x + y, t * x])
    }

    /// The case the straight line was made for: the scalar network written as a `system`
    /// (5 instructions, 2 outputs) is evaluated on it; Robertson's right-hand side (10
    /// instructions) and a Jacobian (6 outputs) stay on the tape.
    @Test func whichProgramsAreStraightLine() throws {
        let inputs = ["t", "w1", "w2"]
        let scalar = try CompiledProgram(["w2*(1 - w2*w1)", "w1*(1 - w2*w1)"].map { parsed($0).simplified() }, inputs: inputs)
        #expect(scalar.instructionCount == 5)
        #expect(scalar.makeEvaluator().fused != nil)
        let robertson = try CompiledProgram(
            DerivativeTests.robertson.map(parsed), inputs: ["t", "y1", "y2", "y3", "k1", "k2", "k3"])
        #expect(robertson.instructionCount > _StraightLine.slotCount)
        #expect(robertson.makeEvaluator().fused == nil)
        let f = ["w2*(1 - w2*w1)", "w1*(1 - w2*w1)"].map(parsed)
        let jacobian: [Expression] = Expression.jacobian(f, ["w1", "w2"]).joined() + [.number(0), .number(0)]
        #expect(try CompiledProgram(jacobian, inputs: inputs).makeEvaluator().fused == nil)
        // No inputs: nothing to take as the leading one.
        #expect(try CompiledProgram([2.5], inputs: []).makeEvaluator().fused == nil)
    }
}
