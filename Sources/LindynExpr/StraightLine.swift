import Foundation

// Small programs evaluated as straight-line code, with values in processor registers.
//
// The tape loop of `ProgramEvaluator.run` keeps every intermediate value in a register array in
// memory: each operation stores its result and the next one loads it back, so a call pays a
// store-to-load forwarding delay per operation on its chain of dependent operations, plus one for
// copying the inputs in and one for copying the outputs out. For a right-hand side of a few flops
// driven by an explicit stepper (each stage waits for the previous stage's derivative) that
// latency, not the instruction count, is the cost of a call (Notes/performance.md,
// "scalar-expr/rk8pd").
//
// `_StraightLine.run` is one function with a fixed number of operation slots, unrolled, whose
// values are local variables (processor registers once compiled). Slot j applies the program's
// j-th instruction: it picks its operands among the earlier slots' values, the leading input, an
// input or a constant, and its operation, each by a switch. Those switches depend only on the
// program, never on the values, and each slot has its own copy of them in the compiled code, so
// every branch goes the same way at every call and is predicted; no value goes through memory.
// Programs of more than `slotCount` instructions or `outputLimit` outputs stay on the tape.
//
// Each slot runs the tape's kernel for its instruction on the same operands, in the same order,
// so the values are the tape's bit for bit.

/// One instruction with its operands decoded for `_StraightLine.run`.
@usableFromInline
struct _Slot: Sendable {
    /// Where an operand comes from: `0 ..< _StraightLine.slotCount` the value of that slot
    /// (literals, so that `run` compares with constants).
    static let leading: UInt8 = 8
    static let input: UInt8 = 9
    static let constant: UInt8 = 10

    var op: _Instruction.Op
    /// The kinds of the operands (a slot number, `leading`, `input` or `constant`).
    var kindA: UInt8
    var kindB: UInt8
    /// The index into the inputs after the leading one, or into the constants.
    var a: Int32
    var b: Int32
}

/// Owns the buffers of a `_StraightLine`, built once per ``CompiledProgram`` and shared by every
/// evaluator of the program; immutable after construction.
final class _StraightLineStorage: @unchecked Sendable {
    let code: _StraightLine

    init?(inputCount: Int, constants: [Double], instructions: [_Instruction], outputRegisters: [Int32]) {
        guard
            let code = _StraightLine(
                inputCount: inputCount, constants: constants, instructions: instructions, outputRegisters: outputRegisters)
        else { return nil }
        self.code = code
    }

    deinit {
        code.slots.deallocate()
        code.constants.deallocate()
        code.results.deallocate()
    }
}

/// The straight-line code of a small program: pointers into buffers that a
/// `_StraightLineStorage` owns (a trivial value, so that evaluating it costs no reference
/// counting).
@usableFromInline
struct _StraightLine {
    /// The number of operation slots of `run`.
    static let slotCount = 8
    /// The largest number of outputs `run` writes.
    static let outputLimit = 4

    let slots: UnsafeMutablePointer<_Slot>
    let slotUsed: Int
    let constants: UnsafeMutablePointer<Double>
    /// The outputs, as operands (`kindA`, `a`).
    let results: UnsafeMutablePointer<_Slot>
    let resultCount: Int

    /// The straight-line form of a program, or nil when it has no inputs, no outputs or more
    /// than `outputLimit`, or more than `slotCount` instructions.
    fileprivate init?(inputCount: Int, constants: [Double], instructions: [_Instruction], outputRegisters: [Int32]) {
        precondition(_Slot.leading == Self.slotCount, "_StraightLine: operand kinds follow the slots")
        guard inputCount >= 1, !outputRegisters.isEmpty, outputRegisters.count <= Self.outputLimit,
            instructions.count <= Self.slotCount
        else { return nil }
        let first = Int32(inputCount + constants.count)
        func operand(_ r: Int32) -> (UInt8, Int32) {
            if r == 0 { return (_Slot.leading, 0) }
            if r < inputCount { return (_Slot.input, r - 1) }
            if r < first { return (_Slot.constant, r - Int32(inputCount)) }
            return (UInt8(r - first), 0)
        }
        slotUsed = instructions.count
        slots = .allocate(capacity: Self.slotCount)
        for k in 0..<Self.slotCount {
            var slot = _Slot(op: .add, kindA: _Slot.constant, kindB: _Slot.constant, a: 0, b: 0)
            if k < instructions.count {
                let i = instructions[k]
                (slot.kindA, slot.a) = operand(i.a)
                if _Instruction.isBinary(i.op) { (slot.kindB, slot.b) = operand(i.b) }
                slot.op = i.op
            }
            (slots + k).initialize(to: slot)
        }
        self.constants = .allocate(capacity: max(constants.count, 1))
        self.constants.initialize(repeating: 0, count: max(constants.count, 1))
        for (k, c) in constants.enumerated() { self.constants[k] = c }
        resultCount = outputRegisters.count
        results = .allocate(capacity: Self.outputLimit)
        for k in 0..<Self.outputLimit {
            var slot = _Slot(op: .add, kindA: _Slot.constant, kindB: _Slot.constant, a: 0, b: 0)
            if k < outputRegisters.count { (slot.kindA, slot.a) = operand(outputRegisters[k]) }
            (results + k).initialize(to: slot)
        }
    }

    /// The slots' values.
    typealias Values = (Double, Double, Double, Double, Double, Double, Double, Double)

    /// The value of an operand of slot `below` (which can only read earlier slots: once
    /// inlined with a constant `below`, the compiler drops the other cases).
    @_transparent
    static func pick(
        _ kind: UInt8, _ index: Int32, _ v: Values, _ t: Double, _ y: UnsafePointer<Double>, _ c: UnsafePointer<Double>,
        below: UInt8
    ) -> Double {
        if kind < below {
            switch kind {
            case 0: return v.0
            case 1: return v.1
            case 2: return v.2
            case 3: return v.3
            case 4: return v.4
            case 5: return v.5
            case 6: return v.6
            case 7: return v.7
            default: preconditionFailure("_StraightLine.pick: no slot \(kind)")
            }
        }
        if kind == _Slot.leading { return t }
        // An input or a constant: one load, from a base chosen without a branch.
        return (kind == _Slot.input ? y : c)[Int(index)]
    }

    /// The tape's kernel for one instruction (as `ProgramEvaluator.run`).
    @_transparent
    static func apply(
        _ s: _Slot, _ v: Values, _ t: Double, _ y: UnsafePointer<Double>, _ c: UnsafePointer<Double>, slot: UInt8
    ) -> Double {
        let x = pick(s.kindA, s.a, v, t, y, c, below: slot)
        switch s.op {
        case .add: return x + pick(s.kindB, s.b, v, t, y, c, below: slot)
        case .sub: return x - pick(s.kindB, s.b, v, t, y, c, below: slot)
        case .mul: return x * pick(s.kindB, s.b, v, t, y, c, below: slot)
        case .div: return x / pick(s.kindB, s.b, v, t, y, c, below: slot)
        case .neg: return -x
        case .square: return x * x
        case .cube: return x * x * x
        case .sqrt: return x.squareRoot()
        case .pow: return call(.pow, x, pick(s.kindB, s.b, v, t, y, c, below: slot))
        case .abs: return Swift.abs(x)
        default: return call(s.op, x, 0)
        }
    }

    /// The operations that call a library function, out of line (so that the slots of `run`
    /// stay small enough to be inlined), through the tape's own definition of each operation.
    @inline(never)
    static func call(_ op: _Instruction.Op, _ x: Double, _ z: Double) -> Double {
        _Instruction.apply(op, x, z)
    }

    /// Evaluates the program at (t, y) into `out`; every output is computed before any is
    /// written, so that (as on the tape) `out` may overlap `y`.
    @usableFromInline
    func run(_ t: Double, _ y: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        let s = UnsafePointer(slots), c = UnsafePointer(constants), n = slotUsed
        var v: Values = (0, 0, 0, 0, 0, 0, 0, 0)
        if n > 0 { v.0 = Self.apply(s[0], v, t, y, c, slot: 0) }
        if n > 1 { v.1 = Self.apply(s[1], v, t, y, c, slot: 1) }
        if n > 2 { v.2 = Self.apply(s[2], v, t, y, c, slot: 2) }
        if n > 3 { v.3 = Self.apply(s[3], v, t, y, c, slot: 3) }
        if n > 4 { v.4 = Self.apply(s[4], v, t, y, c, slot: 4) }
        if n > 5 { v.5 = Self.apply(s[5], v, t, y, c, slot: 5) }
        if n > 6 { v.6 = Self.apply(s[6], v, t, y, c, slot: 6) }
        if n > 7 { v.7 = Self.apply(s[7], v, t, y, c, slot: 7) }
        let r = UnsafePointer(results)
        let o0 = Self.pick(r[0].kindA, r[0].a, v, t, y, c, below: 8)
        switch resultCount {
        case 1:
            out[0] = o0
        case 2:
            let o1 = Self.pick(r[1].kindA, r[1].a, v, t, y, c, below: 8)
            out[0] = o0
            out[1] = o1
        case 3:
            let o1 = Self.pick(r[1].kindA, r[1].a, v, t, y, c, below: 8)
            let o2 = Self.pick(r[2].kindA, r[2].a, v, t, y, c, below: 8)
            out[0] = o0
            out[1] = o1
            out[2] = o2
        default:
            let o1 = Self.pick(r[1].kindA, r[1].a, v, t, y, c, below: 8)
            let o2 = Self.pick(r[2].kindA, r[2].a, v, t, y, c, below: 8)
            let o3 = Self.pick(r[3].kindA, r[3].a, v, t, y, c, below: 8)
            out[0] = o0
            out[1] = o1
            out[2] = o2
            out[3] = o3
        }
    }
}

extension _Instruction {
    static func isBinary(_ op: Op) -> Bool {
        op == .add || op == .sub || op == .mul || op == .div || op == .pow
    }
}
