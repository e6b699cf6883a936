import Foundation
import LindynExpr
import LindynIntegrator
import LindynModels

/// A quantity the exact flow conserves (or, under weight decay, multiplies by a known
/// e^{-2 lambda t/tau}): an integrator check that needs no closed form.
public struct Invariant: Sendable {
    /// How it is printed, e.g. `W2^T W2 - W1 W1^T` or `y1 + y2 + y3`.
    public let name: String
    /// The exact value at time t is `decay(t - t0)` times the value at t0.
    let decayRate: Double
    /// The invariant's entries at a state.
    let value: @Sendable ([Double]) -> [Double]
    /// The size of the terms that cancel in it (the drift is measured relative to this).
    let scale: @Sendable ([Double]) -> Double
    /// The change in the invariant that state errors of one tolerance (epsabs + epsrel |y|
    /// per component) can make.
    let toleranceUnit: @Sendable ([Double], Double, Double) -> Double
}

/// The worst drift of one invariant along a solve, at its output times.
public struct InvariantDrift: Sendable {
    /// The invariant's printed name (``Invariant/name``).
    public let name: String
    /// max over t of |I(t) - I_exact(t)| / (size of the terms that cancel in I).
    public let relativeDrift: Double
    /// The same drift in units of what one tolerance of state error can change (epsabs +
    /// epsrel |y| per component): a healthy solve stays well below ``InvariantChecks/warningMultiple``.
    public let toleranceUnits: Double
    /// The time of the worst drift.
    public let at: Double
}

/// Conservation laws of the built-in dynamics, and how well a solve kept them.
///
/// - network models (no dropout): W_{l+1}^T W_{l+1} - W_l W_l^T for each pair of layers,
///   conserved by any loss of the product W_D...W_1 and decaying as e^{-2 lambda t/tau} under
///   weight decay lambda;
/// - scalar and chain models: w_{l+1}^2 - w_l^2 (the same law for scalars); the single
///   neuron: eta_w a^2 - eta_a |w|^2;
/// - `system` and `loss` problems: every linear invariant c . y with c . f = 0 identically,
///   found by sampling f, taking the null space and proving c . f = 0 symbolically (only proved
///   ones are reported; Robertson's y1 + y2 + y3 is one).
public enum InvariantChecks {
    /// A drift above this many tolerance units is warned about on standard error.
    public static let warningMultiple = 1000.0

    /// The invariants of `dynamics` (empty when it has none that Lindyn knows).
    public static func invariants(_ dynamics: any Dynamics) -> [Invariant] {
        switch dynamics {
        case let m as NetworkModel where m.dropout == nil: return network(m)
        case let m as ScalarModel:
            return [pair(name: "w1^2 - w2^2", 0, 1, decay: m.weightDecay / m.tauValue)]
        case let m as ChainModel:
            return (1..<max(m.depth, 1)).map { l in pair(name: "a\(l + 1)^2 - a\(l)^2", l, l - 1, decay: m.weightDecay / m.tauValue) }
        case let m as SingleNeuronModel: return [singleNeuron(m)]
        case let s as ExpressionSystem: return (try? s.makeFlow()).map { linear(s.compiled, $0.system) } ?? []
        case let s as LossFlow: return (try? s.makeFlow()).map { linear(s.compiled, $0.system) } ?? []
        default: return []
        }
    }

    static func singleNeuron(_ m: SingleNeuronModel) -> Invariant {
        let d = m.w.count, ew = m.rateW, ea = m.rateA
        @Sendable func squares(_ y: [Double]) -> Double {
            var s = 0.0
            for i in 0..<d { s += y[i] * y[i] }
            return s
        }
        @Sendable func unit(_ y: [Double], _ a: Double, _ r: Double) -> Double {
            var u = 2 * ew * abs(y[d]) * (a + r * abs(y[d]))
            for i in 0..<d { u += 2 * ea * abs(y[i]) * (a + r * abs(y[i])) }
            return u
        }
        return Invariant(
            name: "eta_w a^2 - eta_a |w|^2", decayRate: 0,
            value: { y in [ew * y[d] * y[d] - ea * squares(y)] },
            scale: { y in ew * y[d] * y[d] + ea * squares(y) },
            toleranceUnit: unit)
    }

    static func pair(name: String, _ i: Int, _ j: Int, decay: Double) -> Invariant {
        Invariant(
            name: name, decayRate: 2 * decay,
            value: { [$0[i] * $0[i] - $0[j] * $0[j]] },
            scale: { $0[i] * $0[i] + $0[j] * $0[j] },
            toleranceUnit: { y, a, r in 2 * (abs(y[i]) * (a + r * abs(y[i])) + abs(y[j]) * (a + r * abs(y[j]))) })
    }

    static func network(_ m: NetworkModel) -> [Invariant] {
        let w = m.widths
        guard m.depth >= 2, w.dropFirst().dropLast().allSatisfy({ $0 <= 512 }) else { return [] }
        var offsets = [0]
        for l in 0..<m.depth { offsets.append(offsets.last! + w[l] * w[l + 1]) }
        return (1..<m.depth).map { l in
            // Layers l (n_l x n_{l-1}) and l + 1 (n_{l+1} x n_l), 1-based; hidden width n = w[l].
            let n = w[l], rows = w[l + 1], cols = w[l - 1]
            let lower = offsets[l - 1], upper = offsets[l]
            let count = n * cols + rows * n
            return Invariant(
                name: "W\(l + 1)^T W\(l + 1) - W\(l) W\(l)^T", decayRate: 2 * m.weightDecay / m.tauValue,
                value: { y in
                    var d = [Double](repeating: 0, count: n * n)
                    y.withUnsafeBufferPointer { p in
                        d.withUnsafeMutableBufferPointer { out in
                            let b = p.baseAddress!
                            LinearAlgebra.gemm(transposeA: true, transposeB: false, m: n, n: n, k: rows, alpha: 1, a: b + upper, lda: n, b: b + upper, ldb: n, beta: 0, c: out.baseAddress!, ldc: n)
                            LinearAlgebra.gemm(transposeA: false, transposeB: true, m: n, n: n, k: cols, alpha: -1, a: b + lower, lda: cols, b: b + lower, ldb: cols, beta: 1, c: out.baseAddress!, ldc: n)
                        }
                    }
                    return d
                },
                scale: { y in y[lower..<(upper + rows * n)].reduce(0) { $0 + $1 * $1 } },
                toleranceUnit: { y, a, r in
                    let s = y[lower..<(upper + rows * n)].reduce(0) { $0 + $1 * $1 }.squareRoot()
                    return 2 * s * (Double(count).squareRoot() * a + r * s)
                })
        }
    }

    /// Linear invariants c . y of dy/dt = f: c spans the null space of f sampled at random states
    /// (each row scaled to unit size; singular values below 1e-10 of the largest), brought to reduced row echelon form, rounded to small
    /// rationals and kept only when sum_i c_i f_i simplifies to exactly zero.
    static func linear(_ compiled: CompiledDynamics, _ system: any ODESystem) -> [Invariant] {
        let n = compiled.variables.count
        guard n >= 2, n <= 64 else { return [] }
        var generator = SeededGenerator(seed: 7)
        var rows: [[Double]] = []
        var f = [Double](repeating: 0, count: n)
        for _ in 0..<(6 * n + 20) where rows.count < 2 * n + 6 {
            let y = (0..<n).map { _ in 0.1 + 1.9 * generator.uniform() }
            let t = generator.uniform()
            y.withUnsafeBufferPointer { yp in
                f.withUnsafeMutableBufferPointer { fp in
                    try? system.rightHandSide(t: t, y: yp.baseAddress!, dydt: fp.baseAddress!)
                }
            }
            let size = f.map(abs).max() ?? 0
            guard f.allSatisfy(\.isFinite), size > 0 else { continue }
            rows.append(f.map { $0 / size })
        }
        guard rows.count >= n + 2 else { return [] }
        // Singular values are accurate to round-off times the largest (squaring into a Gram
        // matrix would lose half the digits); a relative 1e-10 separates the null space.
        guard let (_, singular, v) = try? LinearAlgebra.singularValueDecomposition(rows.flatMap { $0 }, rows: rows.count, columns: n) else { return [] }
        let top = singular.first ?? 0
        var basis: [[Double]] = []
        for k in 0..<n where singular[k] <= 1e-10 * top { basis.append((0..<n).map { v[$0 * n + k] }) }
        guard !basis.isEmpty else { return [] }
        // Reduced row echelon form of the null-space basis.
        var pivotColumn = 0
        for r in 0..<basis.count {
            while pivotColumn < n {
                let p = (r..<basis.count).max { abs(basis[$0][pivotColumn]) < abs(basis[$1][pivotColumn]) }!
                if abs(basis[p][pivotColumn]) > 1e-9 { basis.swapAt(r, p); break }
                pivotColumn += 1
            }
            guard pivotColumn < n else { break }
            let pivot = basis[r][pivotColumn]
            basis[r] = basis[r].map { $0 / pivot }
            for k in basis.indices where k != r {
                let factor = basis[k][pivotColumn]
                basis[k] = zip(basis[k], basis[r]).map { $0 - factor * $1 }
            }
            pivotColumn += 1
        }
        var found: [Invariant] = []
        for c in basis {
            let rational = c.compactMap(smallRational)
            guard rational.count == n, rational.contains(where: { $0 != 0 }) else { continue }
            var sum: SymbolicExpression = .number(0)
            for (i, ci) in rational.enumerated() where ci != 0 { sum = sum + .number(ci) * compiled.rightHandSides[i] }
            guard _RationalNormalizer.provesZero(sum) else { continue }
            found.append(linearInvariant(rational, names: compiled.variables))
        }
        return found
    }

    /// x as p/q with q <= 12 when within 1e-8, else nil.
    static func smallRational(_ x: Double) -> Double? {
        if abs(x) < 1e-9 { return 0 }
        for q in 1...12 {
            let p = (x * Double(q)).rounded()
            if abs(p / Double(q) - x) <= 1e-8 * max(1, abs(x)) { return p / Double(q) }
        }
        return nil
    }

    static func linearInvariant(_ c: [Double], names: [String]) -> Invariant {
        var text = ""
        for (i, ci) in c.enumerated() where ci != 0 {
            let magnitude = abs(ci) == 1 ? "" : "\(abs(ci).formatted(.number.precision(.significantDigits(1...6))))*"
            text += text.isEmpty ? (ci < 0 ? "-" : "") + magnitude + names[i] : (ci < 0 ? " - " : " + ") + magnitude + names[i]
        }
        return Invariant(
            name: text, decayRate: 0,
            value: { y in [zip(c, y).reduce(0) { $0 + $1.0 * $1.1 }] },
            scale: { y in zip(c, y).reduce(0) { $0 + abs($1.0 * $1.1) } },
            toleranceUnit: { y, a, r in zip(c, y).reduce(0) { $0 + abs($1.0) * (a + r * abs($1.1)) } })
    }

    /// The worst drift of each invariant of `problem` along `result` (an integration whose
    /// columns include the state), at the output times.
    public static func measure(_ problem: Problem, _ result: RunResult) -> [InvariantDrift] {
        let dynamics = problem.dynamics
        let names = dynamics.stateNames
        guard let first = names.first, let start = result.columns.firstIndex(of: first),
              result.columns.count >= start + names.count, result.columns[start + names.count - 1] == names.last,
              let initialRow = result.rows.first else { return [] }
        let invariants = invariants(dynamics)
        guard !invariants.isEmpty else { return [] }
        let a = problem.solver.absoluteTolerance, r = problem.solver.relativeTolerance
        let t0 = initialRow[0]
        func state(_ row: [Double]) -> [Double] { Array(row[start..<(start + names.count)]) }
        let y0 = state(initialRow)
        return invariants.map { inv in
            let v0 = inv.value(y0)
            var worstRelative = 0.0, worstUnits = 0.0, at = t0
            for row in result.rows {
                let y = state(row)
                guard y.allSatisfy(\.isFinite) else { break }
                let factor = exp(-inv.decayRate * (row[0] - t0))
                let v = inv.value(y)
                let drift = zip(v, v0).reduce(0) { $0 + pow($1.0 - factor * $1.1, 2) }.squareRoot()
                let relative = drift / max(inv.scale(y), inv.scale(y0) * factor, .leastNormalMagnitude)
                let units = drift / max(inv.toleranceUnit(y, a, r), .leastNormalMagnitude)
                if units > worstUnits || (units == worstUnits && relative > worstRelative) { at = row[0] }
                worstRelative = max(worstRelative, relative)
                worstUnits = max(worstUnits, units)
            }
            return InvariantDrift(name: inv.name, relativeDrift: worstRelative, toleranceUnits: worstUnits, at: at)
        }
    }
}
