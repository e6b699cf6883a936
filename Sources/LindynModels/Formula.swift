import Foundation
import LindynIntegrator
import LindynTheory

/// The closed form followed by one observable of a built-in model.
public enum ModeSolution: Sendable {
    /// tau u' = 2u(a - b u) from u0.
    case logistic(LogisticLaw, u0: Double)
    /// tau u' = D u^{2-2/D}(s - u), D >= 3, from u0.
    case deep(DeepModeLaw, u0: Double)
    /// The scalar network from an unbalanced start (hyperbolic solution).
    case unbalanced(UnbalancedScalarLaw, u0: Double)
    /// Depth 1 (linear regression): u = target + (u0 - target) e^{-rate t}.
    case linear(target: Double, rate: Double, u0: Double)
    /// A mode the network cannot carry (a hidden layer is too narrow): stays at its start.
    case constant(Double)

    /// u at time t (measured from the start of the problem).
    /// - Throws: `TheoryError` for a time or start outside the law's domain.
    public func value(at t: Double) throws(TheoryError) -> Double {
        switch self {
        case let .logistic(law, u0): return try law.value(at: t, from: u0)
        case let .deep(law, u0): return try law.value(at: t, from: u0)
        case let .unbalanced(law, u0): return try law.value(at: t, from: u0)
        case let .linear(target, rate, u0): return target + (u0 - target) * exp(-rate * t)
        case let .constant(u): return u
        }
    }

    /// A short description for output notes.
    public var summary: String {
        switch self {
        case let .logistic(law, u0): "logistic law tau u' = 2u(a - b u), a = \(law.a), b = \(law.b), tau = \(law.tau), u0 = \(u0)"
        case let .deep(law, u0):
            law.inputVariance == 1
                ? "deep mode law tau u' = D u^(2-2/D)(s - u), D = \(law.depth), s = \(law.s), tau = \(law.tau), u0 = \(u0)"
                : "deep mode law tau u' = D u^(2-2/D)(s - c u), D = \(law.depth), s = \(law.s), c = \(law.inputVariance), tau = \(law.tau), u0 = \(u0)"
        case let .unbalanced(law, u0): "unbalanced scalar start, hyperbolic solution, s = \(law.s), c = \(law.imbalance), u0 = \(u0)"
        case let .linear(target, rate, u0): "depth 1: u = \(target) + (u0 - \(target)) e^(-\(rate) t), u0 = \(u0)"
        case let .constant(u): "not representable by the hidden layers: constant \(u)"
        }
    }
}

/// Closed-form solutions of the built-in models, and the derived quantities users ask for.
public enum Formula {
    /// The closed forms of a problem's observables, by column name (`u`, or `u1..ur`), and the
    /// field to blame when a derived quantity does not exist.
    /// - Throws: `InputError` naming the field when the settings have no closed form (`model`
    ///   where the theory's formula is undefined for them).
    public static func solutions(_ dynamics: any Dynamics) throws(InputError) -> [(name: String, solution: ModeSolution)] {
        do {
            switch dynamics {
            case let m as ScalarModel: return [("u", try scalar(m))]
            case let m as ChainModel: return [("u", try chain(m))]
            case let m as ModeModel: return [("u", try mode(m))]
            case let m as NetworkModel: return try network(m)
            default:
                throw ProblemFileError(
                    field: dynamics.kind,
                    message: "closed forms exist for the built-in models (scalar, chain, mode, network, autoencoder); for a \(dynamics.kind) problem write the candidate solution and use lindyn check")
            }
        } catch {
            throw InputError.closedForm(error)
        }
    }

    /// The closed-form observables at the problem's output times and the derived quantities
    /// `fixed_point`, `half_time` (time from u0 to half the fixed point), `time_to_learn` (from u0
    /// until within `formula.epsilon` of the fixed point), `dropout_time_bound`
    /// ((tau/(s p)) ln(s/epsilon), with dropout) beside its exact counterpart, and
    /// `gd_stability_limit` (the largest learning rate for which descent converges to the
    /// minimum). Networks suffix each with the mode (`half_time_u1`).
    /// - Parameter requireLearned: when true (what `lindyn formula` asks), a single-mode model
    ///   whose mode is never learned (weight decay at or above its strength) is refused, since
    ///   its half time and learning time do not exist; when false the trajectory is returned
    ///   with the derived quantities that exist. A network's unlearned modes only report their
    ///   fixed point 0.
    /// - Throws: ``ProblemFileError`` naming the field when there is no closed form, or when a
    ///   derived quantity is asked of a mode that is never learned.
    /// The first crossing of an event's level by a closed form, bracketed by the output rows
    /// and then bisected on the closed form itself to a few ulps.
    static func closedFormCrossing(_ spec: EventSpec, _ solution: ModeSolution, rows: [[Double]], column: Int, start: Double) -> Double? {
        for k in 1..<max(rows.count, 1) {
            var a = rows[k - 1][0]
            var b = rows[k][0]
            let ga = rows[k - 1][column] - spec.level
            let gb = rows[k][column] - spec.level
            guard spec.crosses(ga, gb) else { continue }
            if gb == 0 { return b }
            let rising = gb > ga
            for _ in 0..<200 where b - a > 4 * Double.ulpOfOne * max(abs(a), abs(b)) {
                let c = 0.5 * (a + b)
                guard let v = try? solution.value(at: c - start), v.isFinite else { return nil }
                if (v - spec.level >= 0) == rising { b = c } else { a = c }
            }
            return b
        }
        return nil
    }

    /// The closed form of the problem's dynamics at its output times, with derived quantities
    /// (fixed points, half times, time to learn) and the problem's events located on it.
    /// - Parameter problem: the problem (its dynamics, output times, `formula` settings and events).
    /// - Parameter requireLearned: refuse a mode that is never learned (decay at or above its
    ///   strength) instead of reporting its fixed point.
    /// - Throws: `InputError` naming the field that puts the problem outside every closed form,
    ///   or `model` (with the theory's message) where a formula is undefined for its values.
    public static func evaluate(_ problem: Problem, requireLearned: Bool = true) throws(InputError) -> RunResult {
        do { return try closedForms(problem, requireLearned: requireLearned) } catch { throw InputError.closedForm(error) }
    }

    /// The body of ``evaluate(_:requireLearned:)``; its helpers throw ``ProblemFileError``s and
    /// the theory's errors, which `evaluate` types.
    static func closedForms(_ problem: Problem, requireLearned: Bool) throws -> RunResult {
        let dynamics = problem.dynamics
        if let anyInit = try anyInitForms(problem) { return anyInit }
        if let regression = dynamics as? RegressionModel { return try GeneralisationFormula.regression(regression, problem) }
        if let network = dynamics as? TeacherNetworkModel { return try GeneralisationFormula.teacherNetwork(network, problem) }
        let modes = try solutions(dynamics)
        let start = problem.time.start
        var rows: [[Double]] = []
        for t in problem.time.outputTimes {
            var row = [t]
            for (name, solution) in modes {
                let u: Double
                do { u = try solution.value(at: t - start) } catch {
                    throw ProblemFileError(field: "model", message: "the closed form of \(name) cannot be evaluated at t = \(t): \(error)")
                }
                guard u.isFinite else {
                    throw ProblemFileError(field: "model", message: "the closed form of \(name) is not finite at t = \(t) (the mode grows without bound)")
                }
                row.append(u)
            }
            rows.append(row)
        }
        var derived: [DerivedQuantity] = []
        var notes = modes.map { "\($0.name): \($0.solution.summary)" }
        for (name, solution) in modes {
            let collector = DerivedCollector(suffix: modes.count > 1 ? "_" + name : "")
            do {
                try derivedQuantities(solution, dynamics: dynamics, epsilon: problem.formula.epsilon, into: collector)
            } catch let error as NeverLearned {
                if requireLearned && modes.count == 1 { throw error.error }
                collector.quantities.append(
                    DerivedQuantity("fixed_point" + collector.suffix, error.fixedPoint, note: "never learned: the decay is at or above the mode's strength"))
            }
            derived += collector.quantities
            notes += collector.notes
        }
        var result = RunResult(
            columns: ["t"] + modes.map(\.name), rows: rows, tReached: problem.time.end, derived: derived, notes: notes)
        result.events = problem.events.map { spec in
            guard let k = modes.firstIndex(where: { $0.name == spec.observable }) else {
                return EventResult(spec: spec, time: nil, method: "not available: the closed form gives only \(modes.map(\.name).joined(separator: ", "))")
            }
            return EventResult(spec: spec, time: closedFormCrossing(spec, modes[k].solution, rows: rows, column: k + 1, start: start), method: "closed form")
        }
        return result
    }

    // MARK: - Models

    static func scalar(_ m: ScalarModel) throws -> ModeSolution {
        let u0 = m.w1 * m.w2
        if abs(m.w1) == abs(m.w2) {
            guard u0 > 0 else {
                throw ProblemFileError(field: "model.w1", message: "the closed form needs a start with u0 = w1 w2 > 0 (got \(u0))")
            }
            return .logistic(try LogisticLaw(a: m.x * m.y - m.weightDecay, b: m.x * m.x, tau: m.tauValue), u0: u0)
        }
        guard m.weightDecay == 0 else {
            throw ProblemFileError(
                field: "model.weight_decay",
                message: "an unbalanced start (|w1| != |w2|) with weight decay has no closed form; start balanced or set weight_decay to 0")
        }
        return .unbalanced(try UnbalancedScalarLaw(x: m.x, y: m.y, w1: m.w1, w2: m.w2, tau: m.tauValue), u0: u0)
    }

    static func chain(_ m: ChainModel) throws -> ModeSolution {
        guard m.isBalanced else {
            throw ProblemFileError(field: "model.initial", message: "the closed form needs a balanced start (every layer the same value)")
        }
        guard m.initialWeights[0] > 0 else {
            throw ProblemFileError(field: "model.initial", message: "the closed form needs positive layer values")
        }
        let u0 = m.initialWeights.reduce(1, *)
        return try modeLaw(depth: m.depth, s: m.s, a: m.s - m.weightDecay, b: 1, lambda: m.weightDecay, tau: m.tauValue, u0: u0, field: "model.weight_decay")
    }

    static func mode(_ m: ModeModel) throws -> ModeSolution {
        let (a, b) = m.logisticCoefficients
        if m.depth == 2 { return .logistic(try LogisticLaw(a: a, b: b, tau: m.tauValue), u0: m.u0) }
        return try modeLaw(
            depth: m.depth, s: m.s, a: a, b: b, lambda: m.weightDecay, tau: m.tauValue, u0: m.u0, field: "model.weight_decay",
            inputVariance: m.effectiveInputVariance)
    }

    static func network(_ m: NetworkModel) throws -> [(name: String, solution: ModeSolution)] {
        let mean = m.dropout?.maskMean ?? 1
        let variance = m.dropout?.maskVariance ?? 0
        var out: [(name: String, solution: ModeSolution)] = []
        for (k, mode) in m.modes.enumerated() {
            let name = "u\(k + 1)"
            guard let u0 = mode.initialStrength else {
                throw ProblemFileError(
                    field: "model.init.kind",
                    message: "a random init has no closed form; use a decoupled init (whose formula a small random start approaches), or a two-layer lambda-balanced one")
            }
            guard mode.learnable else {
                out.append((name, .constant(u0)))
                continue
            }
            let c = mode.inputVariance + m.samples * m.noiseVariance
            let a = mode.s * mean - m.weightDecay
            let b = c * (mean * mean + variance)
            let solution: ModeSolution
            if m.depth == 2 {
                solution = .logistic(try LogisticLaw(a: a, b: b, tau: m.tauValue), u0: u0)
            } else {
                solution = try modeLaw(
                    depth: m.depth, s: mode.s, a: a, b: b, lambda: m.weightDecay, tau: m.tauValue, u0: u0, field: "model.weight_decay",
                    inputVariance: c)
            }
            out.append((name, solution))
        }
        return out
    }

    /// Depth 1 (linear), 2 (logistic) or D >= 3 (deep law, no decay); `inputVariance` c is the
    /// input variance along the mode of depths 1 and D >= 3 (depth 2 carries it in `b`).
    static func modeLaw(
        depth: Int, s: Double, a: Double, b: Double, lambda: Double, tau: Double, u0: Double, field: String, inputVariance c: Double = 1
    ) throws -> ModeSolution {
        switch depth {
        case 1:
            // tau a' = (s - c a) - lambda a: linear, rate (c + lambda)/tau, target s/(c + lambda).
            return .linear(target: s / (c + lambda), rate: (c + lambda) / tau, u0: u0)
        case 2:
            return .logistic(try LogisticLaw(a: a, b: b, tau: tau), u0: u0)
        default:
            guard lambda == 0 else {
                throw ProblemFileError(
                    field: field,
                    message: "deep modes (depth >= 3) with weight decay have no closed form; integrate them with lindyn solve")
            }
            return .deep(try DeepModeLaw(depth: depth, s: s, tau: tau, inputVariance: c), u0: u0)
        }
    }

    // MARK: - Derived quantities

    /// Collects derived quantities; one that cannot be computed for these settings (an extreme
    /// parameter, a target the trajectory never reaches) is left out with a note saying why,
    /// never reported as a wrong or non-finite number.
    final class DerivedCollector {
        let suffix: String
        var quantities: [DerivedQuantity] = []
        var notes: [String] = []

        init(suffix: String) { self.suffix = suffix }

        func add(_ name: String, _ note: String, _ value: () throws -> Double) {
            do {
                let v = try value()
                if v.isFinite {
                    quantities.append(DerivedQuantity(name + suffix, v, note: note))
                } else {
                    notes.append("\(name + suffix) not reported: it evaluates to \(v) for these settings")
                }
            } catch {
                notes.append("\(name + suffix) not reported: \(error)")
            }
        }
    }

    static func derivedQuantities(_ solution: ModeSolution, dynamics: any Dynamics, epsilon: Double, into c: DerivedCollector) throws {
        func neverLearned(_ fixed: Double) -> NeverLearned {
            let decay = (dynamics as? ModeModel)?.weightDecay ?? (dynamics as? NetworkModel)?.weightDecay ?? (dynamics as? ChainModel)?.weightDecay ?? (dynamics as? ScalarModel)?.weightDecay ?? 0
            return NeverLearned(
                fixedPoint: fixed,
                error: ProblemFileError(
                    field: decay > 0 ? "model.weight_decay" : "model.s",
                    message: "the mode is never learned (its fixed point is \(fixed)): weight decay at or above the effective strength s removes it, so half_time and time_to_learn do not exist"))
        }
        switch solution {
        case let .logistic(law, u0):
            guard law.a > 0, law.b > 0, let fixed = law.fixedPoint, fixed > 0 else { throw neverLearned(law.fixedPoint ?? 0) }
            c.add("fixed_point", "a/b") { fixed }
            if u0 < fixed / 2 { c.add("half_time", "epochs from u0 to half the fixed point") { try law.halfTime(from: u0) } }
            c.add("time_to_learn", "epochs from u0 to within epsilon = \(epsilon) of the fixed point") { try law.timeToLearn(epsilon: epsilon, from: u0) }
            if epsilon < fixed / 2 {
                c.add("learning_time_symmetric", "Saxe's epochs from epsilon to fixed point - epsilon") { try law.symmetricLearningTime(epsilon: epsilon) }
            }
            if let mode = dynamics as? ModeModel, let drop = mode.dropout, epsilon < fixed / 2 {
                c.add("dropout_time_bound", "(tau/a) ln((a/b)/epsilon); standard dropout: (tau/(s p)) ln(s/epsilon) = O(tau/(s p)), p = \(drop.keep)") {
                    try law.learningTimeBound(epsilon: epsilon)
                }
                c.add("dropout_learning_time", "exact time from epsilon to the fixed point minus epsilon, below the bound") {
                    try law.symmetricLearningTime(epsilon: epsilon)
                }
            }
            let rate = 1 / law.tau
            c.add("gd_stability_limit", "largest 1/tau (the learning rate on the summed loss) for which descent converges to the minimum: a/tau < 1; here a/tau = \(rate * law.a)") { 1 / law.a }
            c.add("gd_lag_ratio", "first-order ratio of descent to flow learning time, 1 + alpha a/2") { 1 + rate * law.a / 2 }
        case let .deep(law, u0):
            let fixed = law.fixedPoint, whitened = law.inputVariance == 1
            c.add("fixed_point", whitened ? "s" : "s/c") { fixed }
            if u0 < fixed / 2 { c.add("half_time", "exact, roots-of-unity form") { try law.time(from: u0, to: fixed / 2) } }
            c.add("time_to_learn", "exact epochs from u0 to within epsilon = \(epsilon) of \(whitened ? "s" : "s/c")") { try law.timeToLearn(epsilon: epsilon, from: u0) }
            if u0 < fixed - epsilon {
                c.add("saxe_infinite_depth_time", "Saxe's large-depth approximation (u^(2-2/D) -> u^2), beside the exact time, never instead") {
                    try law.saxeInfiniteDepthTime(from: u0, to: fixed - epsilon)
                }
            }
            if law.depth >= 3, u0 < fixed {
                c.add("small_init_asymptotic_time", whitened ? "tau / (s (D-2) u0^((D-2)/D)), valid as u0 -> 0" : "tau c^(1-2/D) / (s (D-2) (c u0)^((D-2)/D)), valid as u0 -> 0") {
                    try law.smallInitAsymptoticTime(from: u0)
                }
            }
            // The Hessian at the balanced minimum u = s/c is c times the outer product of du/da:
            // top eigenvalue c D (s/c)^(2-2/D) = c^(2/D-1) D s^(2-2/D).
            c.add("gd_stability_limit", whitened ? "descent is stable at the balanced minimum iff learning_rate < 2 / (D s^(2-2/D))" : "descent is stable at the balanced minimum iff learning_rate < 2 / (c D (s/c)^(2-2/D))") {
                let top = try GradientDescentMode.deepBalancedMinimumTopHessianEigenvalue(depth: law.depth, s: law.s)
                return 2 / (whitened ? top : top * pow(law.inputVariance, 2 / Double(law.depth) - 1))
            }
        case let .unbalanced(law, u0):
            let fixed = law.limit(from: u0)
            c.add("fixed_point", "s = y/x: the hyperbolic path passes the saddle") { fixed }
            if fixed > 0, u0 < fixed / 2 {
                c.add("half_time", "epochs from u0 to half the fixed point (monotone inversion of u(t))") {
                    try invert(solution, target: fixed / 2, scale: law.tau)
                }
            }
            if abs(fixed - u0) > epsilon {
                c.add("time_to_learn", "epochs until within epsilon = \(epsilon) of the fixed point") {
                    try invert(solution, target: fixed - epsilon * (fixed > u0 ? 1 : -1), scale: law.tau)
                }
            }
        case let .linear(target, rate, u0):
            c.add("fixed_point", "s/(1 + lambda)") { target }
            if abs(u0 - target) > epsilon {
                c.add("time_to_learn", "epochs until within epsilon = \(epsilon) of the fixed point") { log(abs(u0 - target) / epsilon) / rate }
            }
        case let .constant(u):
            c.add("fixed_point", "not representable: a hidden layer is narrower than the mode index") { u }
        }
    }

    struct NeverLearned: Error {
        let fixedPoint: Double
        let error: ProblemFileError
    }

    /// The time at which a monotone u(t) reaches `target`: bracket by doubling, then bisect to
    /// full precision.
    static func invert(_ solution: ModeSolution, target: Double, scale: Double) throws -> Double {
        let u0 = try solution.value(at: 0)
        let increasing = target > u0
        func past(_ t: Double) throws -> Bool { let u = try solution.value(at: t); return increasing ? u >= target : u <= target }
        var hi = scale
        var doublings = 0
        while try !past(hi) {
            hi *= 2
            doublings += 1
            if doublings > 2000 { throw ProblemFileError(field: "model", message: "u(t) never reaches \(target)") }
        }
        var lo = 0.0
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid <= lo || mid >= hi { break }
            if try past(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }
}

extension InputError {
    /// An error of the closed-form helpers as the one type ``Formula`` throws: a refused input
    /// as it is, anything else (a theory error where a formula is undefined) as no closed form
    /// for `model`.
    static func closedForm(_ error: any Error) -> InputError {
        if let refused = error as? InputError { return refused }
        return InputError(field: "model", message: "no closed form: \(error)")
    }
}
