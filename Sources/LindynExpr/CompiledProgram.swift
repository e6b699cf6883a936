import Foundation

/// One operation of a compiled program: `registers[destination] = op(registers[a], registers[b])`.
@usableFromInline
struct _Instruction: Hashable, Sendable {
    @usableFromInline
    enum Op: UInt8, Sendable {
        case add, sub, mul, div, neg, square, cube, sqrt, pow
        case exp, log, sin, cos, tan, atan, tanh, sinh, cosh, asinh, atanh, abs
    }

    @usableFromInline var op: Op
    @usableFromInline var a: Int32
    @usableFromInline var b: Int32
    @usableFromInline var destination: Int32

    /// The value of the operation; the single definition used for constant folding and
    /// (inlined by hand, in the same way) in `ProgramEvaluator.evaluate`.
    static func apply(_ op: Op, _ x: Double, _ y: Double) -> Double {
        switch op {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        case .neg: return -x
        case .square: return x * x
        case .cube: return x * x * x
        case .sqrt: return x.squareRoot()
        case .pow: return Foundation.pow(x, y)
        case .exp: return _applyFunction(.exp, x)
        case .log: return _applyFunction(.log, x)
        case .sin: return _applyFunction(.sin, x)
        case .cos: return _applyFunction(.cos, x)
        case .tan: return _applyFunction(.tan, x)
        case .atan: return _applyFunction(.atan, x)
        case .tanh: return _applyFunction(.tanh, x)
        case .sinh: return _applyFunction(.sinh, x)
        case .cosh: return _applyFunction(.cosh, x)
        case .asinh: return _applyFunction(.asinh, x)
        case .atanh: return _applyFunction(.atanh, x)
        case .abs: return _applyFunction(.abs, x)
        }
    }

    static func op(for f: Expression.Function) -> Op {
        switch f {
        case .exp: return .exp
        case .log: return .log
        case .sqrt: return .sqrt
        case .sin: return .sin
        case .cos: return .cos
        case .tan: return .tan
        case .atan: return .atan
        case .tanh: return .tanh
        case .sinh: return .sinh
        case .cosh: return .cosh
        case .asinh: return .asinh
        case .atanh: return .atanh
        case .abs: return .abs
        }
    }
}

/// Expressions compiled to a straight-line program over numbered registers, for fast
/// repeated evaluation (ODE right-hand sides and Jacobians inside GSL callbacks).
///
/// Compilation shares common subexpressions (each distinct operation on the same registers
/// is computed once, across all outputs), folds operations on constants, and turns
/// `a + (-1)*b` into `a - b` and `(-1)*b` into `-b` (both exact). Every operation is the one
/// ``Expression/evaluate(_:)`` performs, in the same order, so a program's outputs equal the
/// tree-walking values bit for bit (NaN payloads aside).
///
/// Registers are laid out as inputs, then constants, then one register per instruction.
public struct CompiledProgram: Sendable {
    /// The input names, in the order of the `inputs` pointer of `ProgramEvaluator.evaluate`.
    public let inputs: [String]
    let instructions: [_Instruction]
    let constants: [Double]
    let outputRegisters: [Int32]
    let registerCount: Int
    /// The program as straight-line code with values in processor registers, for small
    /// programs (StraightLine.swift); built once here and shared by every evaluator.
    let fused: _StraightLineStorage?

    /// The number of inputs (the length of the `inputs` buffer of an evaluation).
    public var inputCount: Int { inputs.count }
    /// The number of outputs (the length of the `outputs` buffer of an evaluation).
    public var outputCount: Int { outputRegisters.count }
    /// The number of operations evaluated per call (after sharing and folding).
    public var instructionCount: Int { instructions.count }

    /// Compiles `outputs` as functions of `inputs`.
    ///
    /// - Precondition: the input names are distinct.
    /// - Throws: ``ExpressionEvaluationError`` naming the first free variable (in sorted
    ///   order) that is not among `inputs`, and listing the inputs.
    public init(_ outputs: [Expression], inputs: [String]) throws(ExpressionEvaluationError) {
        precondition(Set(inputs).count == inputs.count, "CompiledProgram: input names must be distinct")
        var free = Set<String>()
        for output in outputs { output._collectVariables(into: &free) }
        if let missing = free.subtracting(inputs).sorted().first {
            throw ExpressionEvaluationError(reason: .unknownVariable, name: missing, available: inputs.sorted())
        }
        var compiler = _Compiler(inputs: inputs)
        let results = outputs.map { compiler.compile($0) }
        self.inputs = inputs
        // Constant registers follow the inputs; instruction registers were numbered from
        // `instructionBase` while compiling and are shifted after the constants now.
        let constantCount = compiler.constants.count
        let shift = Int32(inputs.count + constantCount) - compiler.instructionBase
        func relocate(_ r: Int32) -> Int32 { r >= compiler.instructionBase ? r + shift : r }
        self.instructions = compiler.instructions.map {
            _Instruction(op: $0.op, a: relocate($0.a), b: relocate($0.b), destination: relocate($0.destination))
        }
        self.constants = compiler.constants
        self.outputRegisters = results.map(relocate)
        self.registerCount = inputs.count + constantCount + compiler.instructions.count
        fused = _StraightLineStorage(
            inputCount: inputs.count, constants: constants, instructions: instructions, outputRegisters: outputRegisters)
    }

    /// A new evaluator with its own registers. Evaluators are not thread-safe: use one per
    /// thread (or per concurrent solve).
    public func makeEvaluator() -> ProgramEvaluator {
        ProgramEvaluator(self)
    }

    /// A new evaluator that runs the instruction tape even where the straight-line form applies
    /// (`straightLine: false`): the reference the straight line is tested against.
    package func makeEvaluator(straightLine: Bool) -> ProgramEvaluator {
        ProgramEvaluator(self, fuse: straightLine)
    }

    /// Evaluates the program once (allocating; for tests and one-off use).
    public func evaluate(_ values: [Double]) -> [Double] {
        precondition(values.count == inputCount, "CompiledProgram.evaluate: expected \(inputCount) inputs")
        let evaluator = makeEvaluator()
        var outputs = [Double](repeating: 0, count: outputCount)
        values.withUnsafeBufferPointer { input in
            outputs.withUnsafeMutableBufferPointer { output in
                evaluator.evaluate(input.baseAddress!, output.baseAddress!)
            }
        }
        return outputs
    }
}

/// Builds the instruction list. Instruction registers are numbered from a large base while
/// compiling (the number of constants is not known yet) and relocated afterwards.
struct _Compiler {
    let inputIndex: [String: Int32]
    let instructionBase: Int32 = 1 << 30
    var constants: [Double] = []
    var constantIndex: [UInt64: Int32] = [:]
    var instructions: [_Instruction] = []
    var instructionIndex: [_Key: Int32] = [:]

    struct _Key: Hashable {
        var op: _Instruction.Op
        var a: Int32
        var b: Int32
    }

    init(inputs: [String]) {
        var index: [String: Int32] = [:]
        for (i, name) in inputs.enumerated() { index[name] = Int32(i) }
        inputIndex = index
    }

    var constantBase: Int32 { Int32(inputIndex.count) }

    mutating func constant(_ v: Double) -> Int32 {
        if let r = constantIndex[v.bitPattern] { return r }
        let r = constantBase + Int32(constants.count)
        constants.append(v)
        constantIndex[v.bitPattern] = r
        return r
    }

    func constantValue(_ r: Int32) -> Double? {
        r >= constantBase && r < instructionBase ? constants[Int(r - constantBase)] : nil
    }

    mutating func emit(_ op: _Instruction.Op, _ a: Int32, _ b: Int32 = 0) -> Int32 {
        let unary = !(op == .add || op == .sub || op == .mul || op == .div || op == .pow)
        if let x = constantValue(a), unary || constantValue(b) != nil {
            return constant(_Instruction.apply(op, x, unary ? 0 : constantValue(b)!))
        }
        var key = _Key(op: op, a: a, b: unary ? 0 : b)
        if (op == .add || op == .mul) && key.b < key.a { swap(&key.a, &key.b) }
        if let r = instructionIndex[key] { return r }
        let r = instructionBase + Int32(instructions.count)
        instructions.append(_Instruction(op: op, a: key.a, b: key.b, destination: r))
        instructionIndex[key] = r
        return r
    }

    /// `x^m` for a constant m >= 0, as `_powerConstant` computes it.
    mutating func powerConstant(_ x: Int32, _ m: Double) -> Int32 {
        switch m {
        case 0: return emit(.add, emit(.sub, x, x), constant(1))
        case 1: return x
        case 2: return emit(.square, x)
        case 3: return emit(.cube, x)
        case 0.5: return emit(.sqrt, x)
        default: return emit(.pow, x, constant(m))
        }
    }

    mutating func compile(_ e: Expression) -> Int32 {
        switch e {
        case .number(let v):
            return constant(v)
        case .variable(let name):
            return inputIndex[name]!
        case .sum(let terms):
            guard let first = terms.first else { return constant(0) }
            var acc = compile(first)
            for term in terms.dropFirst() {
                if let negated = Self.withoutMinusOne(term) {
                    acc = emit(.sub, acc, compile(negated))
                } else {
                    acc = emit(.add, acc, compile(term))
                }
            }
            return acc
        case .product(let factors):
            var numerator: Int32? = nil
            var denominator: Int32? = nil
            var negate = false
            for (i, factor) in factors.enumerated() {
                if let (base, m) = factor._denominator {
                    let v = powerConstant(compile(base), m)
                    denominator = denominator.map { emit(.mul, $0, v) } ?? v
                } else if i == 0, factor == .number(-1),
                    factors.dropFirst().contains(where: { $0._denominator == nil })
                {
                    // (-1)*a*b... = (-a)*b...: the negation is exact and applied first.
                    negate = true
                } else {
                    var v = compile(factor)
                    if negate {
                        v = emit(.neg, v)
                        negate = false
                    }
                    numerator = numerator.map { emit(.mul, $0, v) } ?? v
                }
            }
            switch (numerator, denominator) {
            case (let n?, let d?): return emit(.div, n, d)
            case (let n?, nil): return n
            case (nil, let d?): return emit(.div, constant(1), d)
            case (nil, nil): return constant(1)
            }
        case .power(let base, .number(let n)):
            let x = compile(base)
            if n < 0 && n.isFinite { return emit(.div, constant(1), powerConstant(x, -n)) }
            return powerConstant(x, n)
        case .power(let base, let exponent):
            return emit(.pow, compile(base), compile(exponent))
        case .function(let f, let x):
            return emit(_Instruction.op(for: f), compile(x))
        }
    }

    /// For a sum term `(-1)*rest` (value exactly minus the value of `rest`), `rest`.
    static func withoutMinusOne(_ term: Expression) -> Expression? {
        guard case .product(let factors) = term, factors.count >= 2, factors[0] == .number(-1) else {
            return nil
        }
        let rest = Array(factors.dropFirst())
        return rest.count == 1 ? rest[0] : .product(rest)
    }
}

/// Evaluates a ``CompiledProgram`` without allocating: it owns the program's registers and
/// instructions in unsafe buffers. Not thread-safe; make one per thread.
public final class ProgramEvaluator {
    /// The program this evaluator runs.
    public let program: CompiledProgram
    @usableFromInline let registers: UnsafeMutablePointer<Double>
    @usableFromInline let code: UnsafeMutablePointer<_Instruction>
    @usableFromInline let codeCount: Int
    @usableFromInline let outputs: UnsafeMutablePointer<Int32>
    @usableFromInline let inputCount: Int
    @usableFromInline let outputCount: Int
    /// The program's straight-line form (StraightLine.swift), for small programs; it
    /// computes the tape's values bit for bit.
    @usableFromInline let fused: _StraightLine?
    /// Whether this evaluator runs the straight-line form (for tests in other modules).
    package var usesStraightLine: Bool { fused != nil }

    init(_ program: CompiledProgram, fuse: Bool = true) {
        self.program = program
        fused = fuse ? program.fused?.code : nil
        registers = .allocate(capacity: max(program.registerCount, 1))
        registers.initialize(repeating: 0, count: max(program.registerCount, 1))
        for (i, c) in program.constants.enumerated() { registers[program.inputCount + i] = c }
        let codeCount = program.instructions.count
        let code = UnsafeMutablePointer<_Instruction>.allocate(capacity: max(codeCount, 1))
        program.instructions.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { code.initialize(from: base, count: codeCount) }
        }
        let outputCount = program.outputCount
        let outputs = UnsafeMutablePointer<Int32>.allocate(capacity: max(outputCount, 1))
        program.outputRegisters.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { outputs.initialize(from: base, count: outputCount) }
        }
        self.codeCount = codeCount
        self.code = code
        self.outputCount = outputCount
        self.outputs = outputs
        inputCount = program.inputCount
    }

    deinit {
        registers.deallocate()
        code.deallocate()
        outputs.deallocate()
    }

    /// Reads `inputCount` values from `inputs` and writes `outputCount` values to `outputs`.
    /// The two buffers may overlap. No allocation, no dictionary lookup, no tree walk.
    public func evaluate(_ inputs: UnsafePointer<Double>, _ outputs: UnsafeMutablePointer<Double>) {
        if let fused {
            fused.run(inputs[0], inputs + 1, outputs)
            return
        }
        registers.update(from: inputs, count: inputCount)
        run()
        for k in 0..<outputCount { outputs[k] = registers[Int(self.outputs[k])] }
    }

    /// As ``evaluate(_:_:)`` with the inputs `leading, rest[0], ..., rest[inputCount - 2]` (an
    /// ODE's t and state, read in place). The first `split` outputs go to `outputs`, the others
    /// to `remaining` (a Jacobian's dfdy and dfdt). No allocation, no intermediate copy.
    /// Inlinable, so that a right-hand side in another module pays no call overhead for it.
    @inlinable @inline(__always)
    public func evaluate(
        leading: Double, _ rest: UnsafePointer<Double>, _ outputs: UnsafeMutablePointer<Double>, split: Int? = nil,
        remaining: UnsafeMutablePointer<Double>? = nil
    ) {
        // Small right-hand sides: no registers in memory (see StraightLine.swift).
        if split == nil, let fused {
            fused.run(leading, rest, outputs)
            return
        }
        let r = registers
        r[0] = leading
        // A plain loop: the state is a handful of values, for which a memmove call costs more
        // than the copy (with the inlining above, the fixed cost of a call fell from 7.7 ns to
        // 4.1 ns; see Notes/performance.md).
        for k in 1..<max(inputCount, 1) { r[k] = rest[k - 1] }
        run()
        let first = min(split ?? outputCount, outputCount)
        let map = self.outputs
        for k in 0..<first { outputs[k] = r[Int(map[k])] }
        if first < outputCount, let remaining {
            for k in first..<outputCount { remaining[k - first] = r[Int(map[k])] }
        }
    }

    /// Runs the instruction tape over the registers.
    @inlinable
    func run() {
        let r = registers
        var pc = code
        let end = code + codeCount
        while pc < end {
            let i = pc.pointee
            let x = r[Int(i.a)]
            let d = Int(i.destination)
            switch i.op {
            case .add: r[d] = x + r[Int(i.b)]
            case .sub: r[d] = x - r[Int(i.b)]
            case .mul: r[d] = x * r[Int(i.b)]
            case .div: r[d] = x / r[Int(i.b)]
            case .neg: r[d] = -x
            case .square: r[d] = x * x
            case .cube: r[d] = x * x * x
            case .sqrt: r[d] = x.squareRoot()
            case .pow: r[d] = Foundation.pow(x, r[Int(i.b)])
            case .exp: r[d] = Foundation.exp(x)
            case .log: r[d] = Foundation.log(x)
            case .sin: r[d] = Foundation.sin(x)
            case .cos: r[d] = Foundation.cos(x)
            case .tan: r[d] = Foundation.tan(x)
            case .atan: r[d] = Foundation.atan(x)
            case .tanh: r[d] = Foundation.tanh(x)
            case .sinh: r[d] = Foundation.sinh(x)
            case .cosh: r[d] = Foundation.cosh(x)
            case .asinh: r[d] = Foundation.asinh(x)
            case .atanh: r[d] = Foundation.atanh(x)
            case .abs: r[d] = Swift.abs(x)
            }
            pc += 1
        }
    }
}
