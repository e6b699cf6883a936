import Foundation
import LindynIntegrator
import LindynModels

/// The eigenvalues of the Jacobian at one state, and what they say about stiffness.
///
/// With cut-off delta = `cutoff` * max|lambda|: eigenvalues with |Re lambda| <= delta are *null*
/// directions (rescaling symmetries of a gradient flow give exact zeros), those with
/// Re lambda > delta are *unstable* (saddles), and the *restricted* stiffness ratio is
/// max |Re lambda| / min |Re lambda| over the decaying ones (Re lambda < -delta). The textbook
/// ratio over all eigenvalues would be infinite whenever a null direction exists.
public struct EigenSummary: Sendable {
    /// The time of the state, in epochs.
    public var t: Double
    /// Real and imaginary parts, sorted by real part.
    public var eigenvalues: [EigenValue]
    /// True when the symmetric solver was used (gradient flows).
    public var symmetric: Bool
    /// max |lambda| over all eigenvalues.
    public var maxAbs: Double
    /// Smallest |Re lambda| among the decaying eigenvalues (Re lambda < -delta), nil if none.
    public var minDecaying: Double?
    /// Largest |Re lambda| among the decaying eigenvalues, nil if none.
    public var maxDecaying: Double?
    /// Eigenvalues with |Re lambda| <= delta (null directions).
    public var nullCount: Int
    /// Eigenvalues with Re lambda > delta (unstable directions: saddles).
    public var unstableCount: Int
    /// The absolute cut-off delta.
    public var delta: Double

    /// max over min |Re lambda| of the decaying eigenvalues; nil with fewer than one.
    public var restrictedRatio: Double? {
        guard let lo = minDecaying, let hi = maxDecaying, lo > 0 else { return nil }
        return hi / lo
    }

    /// The summary of a spectrum, with delta = `cutoff` * max|lambda|.
    public init(t: Double, eigenvalues: [EigenValue], symmetric: Bool, cutoff: Double) {
        self.t = t
        self.eigenvalues = eigenvalues
        self.symmetric = symmetric
        let largest = eigenvalues.map(\.magnitude).max() ?? 0
        let d = cutoff * largest
        maxAbs = largest
        delta = d
        let decaying = eigenvalues.filter { $0.re < -d }.map { abs($0.re) }
        minDecaying = decaying.min()
        maxDecaying = decaying.max()
        nullCount = eigenvalues.filter { abs($0.re) <= d }.count
        unstableCount = eigenvalues.filter { $0.re > d }.count
    }
}

/// One eigenvalue, lambda = re + i im.
public struct EigenValue: Sendable, Hashable {
    /// Real part.
    public var re: Double
    /// Imaginary part (0 for a symmetric Jacobian).
    public var im: Double

    /// An eigenvalue `re + i im`.
    public init(re: Double, im: Double = 0) {
        self.re = re
        self.im = im
    }

    /// |lambda|.
    public var magnitude: Double { (re * re + im * im).squareRoot() }
}

/// What one stepper did on the step-count comparison.
public struct StepCount: Sendable {
    /// Whether the stepper ran, and how its run ended.
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        /// The solve ran and ended with this status.
        case finished(SolveStatus)
        /// The solver refused the settings before stepping (the reason given).
        case refused(String)
        /// The analysis did not run the stepper (a system over the size limit).
        case notRun

        /// The status word of the output (`explicit_status`, `implicit_status`): the
        /// status's raw value, `refused: <reason>` or `not_run`.
        public var description: String {
            switch self {
            case .finished(let status): status.rawValue
            case .refused(let reason): "refused: \(reason)"
            case .notRun: "not_run"
            }
        }
    }

    /// The stepper compared.
    public var stepper: Stepper
    /// Whether it ran and how its run ended.
    public var status: Outcome
    /// Accepted steps over the interval.
    public var acceptedSteps: Int
    /// Right-hand-side evaluations.
    public var rhsEvaluations: Int
    /// Jacobian evaluations (0 for explicit steppers).
    public var jacobianEvaluations: Int
    /// Mean accepted step (T / steps), nil without steps.
    public var meanStep: Double?
}

/// The stiffness analysis of one problem: Jacobian spectra along the trajectory and the
/// empirical explicit-versus-implicit step counts, with a verdict (see `Notes/stiffness.md`).
public struct StiffnessReport: Sendable {
    /// The spectra at the sampled states (start, middle, end of the trajectory by default).
    public var samples: [EigenSummary]
    /// The explicit stepper's run.
    public var explicit: StepCount
    /// The implicit stepper's run.
    public var implicit: StepCount
    /// The settings the analysis ran with.
    public var settings: StiffnessSettings
    /// T = end - start.
    public var span: Double
    /// tau for gradient flows (descent runs with alpha = 1/tau and a step of one epoch).
    public var tau: Double?
    /// What the verdict and indices rest on or could not compute, one sentence each.
    public var notes: [String]

    /// max|lambda| over the samples.
    public var maxAbs: Double { samples.map(\.maxAbs).max() ?? .nan }
    /// T max|lambda|: the stiffness of the whole interval (dimensionless).
    public var spanIndex: Double { span * maxAbs }
    /// alpha max|lambda(Hessian)| = 1 epoch * max|lambda(J)|: gradient descent, as forward Euler with a
    /// step of one epoch, is stable near a minimum only below 2.
    public var descentIndex: Double? { tau == nil ? nil : maxAbs }
    /// Explicit over implicit accepted steps.
    public var stepRatio: Double? {
        guard implicit.status == .finished(.success), implicit.acceptedSteps > 0, explicit.acceptedSteps > 0 else { return nil }
        return Double(explicit.acceptedSteps) / Double(implicit.acceptedSteps)
    }

    /// `stiff`, `not stiff` or `undetermined`: stiff when the explicit stepper needs at least
    /// `ratio` times the implicit stepper's steps, or runs out of steps (`max_steps`) where the
    /// implicit one succeeds. Any other failure (non-finite values, say) says nothing about
    /// stiffness: undetermined.
    public var verdict: String {
        guard implicit.status == .finished(.success) else { return "undetermined" }
        if explicit.status == .finished(.maxSteps) { return "stiff" }
        if explicit.status != .finished(.success) { return "undetermined" }
        guard let r = stepRatio else { return "undetermined" }
        return r >= settings.ratio ? "stiff" : "not stiff"
    }

    /// The rule behind ``verdict``, in words.
    public var rule: String {
        "stiff when \(settings.explicitStepper.rawValue) needs >= \(Self.short(settings.ratio)) x the steps of \(settings.implicitStepper.rawValue) at epsabs = \(Self.short(settings.tolerance.absolute)), epsrel = \(Self.short(settings.tolerance.relative)), or runs out of steps (\(settings.maxSteps)) where it succeeds"
    }

    static func short(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e7 ? String(Int(x)) : "\(x)"
    }
}

/// Stiffness of a problem: Jacobian spectra (symmetric eigensolver for gradient flows, whose
/// Jacobian is minus the Hessian of the loss) and the explicit-versus-implicit step-count
/// comparison (`Notes/stiffness.md`).
public enum StiffnessAnalysis {
    /// The Jacobian J = df/dy at `state` (row-major), from the system's own Jacobian or, when it
    /// has none, by central differences (h = 1e-6 max(1, |y_j|)).
    /// - Throws: ``ValidationRunError/input(_:)`` when the dynamics refuse to make their flow or
    ///   `state` does not have one value per variable (argument `state`);
    ///   ``ValidationRunError/function(_:)`` with the error the system's own right-hand side or
    ///   Jacobian threw.
    public static func jacobian(of dynamics: any Dynamics, at state: [Double], t: Double) throws(ValidationRunError) -> [Double] {
        let flow: FlowInstance
        do { flow = try dynamics.makeFlow() } catch { throw .input(error) }
        let n = flow.system.dimension
        guard state.count == n else {
            throw .input(ArgumentError(argument: "state", message: "has \(state.count) values for a system of dimension \(n); give one per state variable"))
        }
        do { return try jacobian(of: flow, n: n, at: state, t: t) } catch { throw .function(error) }
    }

    static func jacobian(of flow: FlowInstance, n: Int, at state: [Double], t: Double) throws -> [Double] {
        var j = [Double](repeating: 0, count: n * n)
        var dfdt = [Double](repeating: 0, count: n)
        if flow.system.providesJacobian {
            try state.withUnsafeBufferPointer { y in
                try j.withUnsafeMutableBufferPointer { jp in
                    try dfdt.withUnsafeMutableBufferPointer { try flow.system.jacobian(t: t, y: y.baseAddress!, dfdy: jp.baseAddress!, dfdt: $0.baseAddress!) }
                }
            }
            return j
        }
        var yp = state
        var fPlus = [Double](repeating: 0, count: n), fMinus = fPlus
        for k in 0..<n {
            let h = 1e-6 * max(1, abs(state[k]))
            yp[k] = state[k] + h
            try yp.withUnsafeBufferPointer { y in try fPlus.withUnsafeMutableBufferPointer { try flow.system.rightHandSide(t: t, y: y.baseAddress!, dydt: $0.baseAddress!) } }
            yp[k] = state[k] - h
            try yp.withUnsafeBufferPointer { y in try fMinus.withUnsafeMutableBufferPointer { try flow.system.rightHandSide(t: t, y: y.baseAddress!, dydt: $0.baseAddress!) } }
            yp[k] = state[k]
            for i in 0..<n { j[i * n + k] = (fPlus[i] - fMinus[i]) / (2 * h) }
        }
        return j
    }

    /// Eigenvalues of the Jacobian at `state`. Gradient flows (tau != nil) have J = -Hessian/tau,
    /// symmetric: the symmetric solver is used on (J + J^T)/2 when J is symmetric to 1e-6 of its
    /// largest entry (a finite-difference Jacobian is only nearly so); otherwise the general one.
    /// - Throws: ``ValidationRunError`` as ``jacobian(of:at:t:)`` does, or
    ///   ``ValidationRunError/linearAlgebra(_:)`` when the eigensolver fails.
    public static func eigenvalues(of dynamics: any Dynamics, at state: [Double], t: Double, cutoff: Double = 1e-6) throws(ValidationRunError) -> EigenSummary {
        let j = try jacobian(of: dynamics, at: state, t: t)
        let n = state.count
        do { return try summarize(j, n: n, t: t, gradientFlow: dynamics.tau != nil, cutoff: cutoff) } catch { throw .linearAlgebra(error) }
    }

    /// The eigenvalue summary of a given row-major n x n Jacobian.
    /// - Throws: `LinearAlgebra.Failure` when `j` is not n x n or the eigensolver fails.
    public static func summarize(_ j: [Double], n: Int, t: Double, gradientFlow: Bool, cutoff: Double = 1e-6) throws(LinearAlgebra.Failure) -> EigenSummary {
        let largest = j.map(abs).max() ?? 0
        var asymmetry = 0.0
        for r in 0..<n { for c in 0..<r { asymmetry = max(asymmetry, abs(j[r * n + c] - j[c * n + r])) } }
        if gradientFlow && asymmetry <= 1e-6 * largest {
            var s = j
            for r in 0..<n { for c in 0..<r { let m = (j[r * n + c] + j[c * n + r]) / 2; s[r * n + c] = m; s[c * n + r] = m } }
            let values = try LinearAlgebra.symmetricEigenvalues(s, n: n)
            return EigenSummary(t: t, eigenvalues: values.map { EigenValue(re: $0) }, symmetric: true, cutoff: cutoff)
        }
        let values = try LinearAlgebra.generalEigenvalues(j, n: n)
        return EigenSummary(t: t, eigenvalues: values.map { EigenValue(re: $0.re, im: $0.im) }, symmetric: false, cutoff: cutoff)
    }

    /// Runs `stepper` over the problem's interval with outputs only at `times`.
    static func count(_ problem: Problem, _ stepper: Stepper, _ settings: StiffnessSettings, times: [Double], maxSteps: Int) -> (StepCount, RunResult?) {
        var p = problem
        p.solver.stepper = stepper
        p.solver.absoluteTolerance = settings.tolerance.absolute
        p.solver.relativeTolerance = settings.tolerance.relative
        p.solver.maxSteps = maxSteps
        p.time = TimeSpec(start: problem.time.start, end: problem.time.end, outputTimes: times)
        do {
            let r = try Simulation.integrate(p)
            let s = r.statistics
            let steps = s?.acceptedSteps ?? 0
            return (StepCount(stepper: stepper, status: .finished(r.status), acceptedSteps: steps, rhsEvaluations: s?.rhsEvaluations ?? 0,
                              jacobianEvaluations: s?.jacobianEvaluations ?? 0,
                              meanStep: steps > 0 ? (r.tReached - problem.time.start) / Double(steps) : nil), r)
        } catch {
            return (StepCount(stepper: stepper, status: .refused("\(error)"), acceptedSteps: 0, rhsEvaluations: 0, jacobianEvaluations: 0, meanStep: nil), nil)
        }
    }

    /// The largest system the analysis handles: a dense n x n Jacobian and its full spectrum
    /// cost O(n^3) (about 1 s at n = 1024 on one core) and 8 n^2 bytes.
    public static let maximumDimension = 1024

    /// The analysis along the trajectory: spectra at the start and at up to `samples - 1` output
    /// times spread over the interval (always including the middle and the end), and the
    /// explicit/implicit step counts over the whole interval.
    public static func analyse(_ problem: Problem, settings: StiffnessSettings = StiffnessSettings(), samples: Int = 3) -> StiffnessReport {
        let start = problem.time.start, end = problem.time.end
        guard problem.dynamics.stateNames.count <= maximumDimension else {
            // Dense spectra and implicit step counts would take minutes and gigabytes here.
            let n = problem.dynamics.stateNames.count
            func notRun(_ stepper: Stepper) -> StepCount {
                StepCount(stepper: stepper, status: .notRun, acceptedSteps: 0, rhsEvaluations: 0, jacobianEvaluations: 0, meanStep: nil)
            }
            return StiffnessReport(
                samples: [], explicit: notRun(settings.explicitStepper), implicit: notRun(settings.implicitStepper), settings: settings, span: end - start, tau: problem.dynamics.tau,
                notes: ["not analysed: the system has \(n) variables; the analysis computes every eigenvalue of the dense Jacobian and is limited to \(maximumDimension)"])
        }
        var times: [Double] = []
        // Bounded even when a caller skips the command's check (each sample is a dense spectrum).
        let wanted = min(max(2, samples - 1), CostLimits.large.stiffnessSamples)
        for k in 1...wanted { times.append(start + (end - start) * Double(k) / Double(wanted)) }
        times[times.count - 1] = end
        let (explicit, explicitRun) = count(problem, settings.explicitStepper, settings, times: times, maxSteps: settings.maxSteps)
        let (implicit, implicitRun) = count(problem, settings.implicitStepper, settings, times: times, maxSteps: 10 * settings.maxSteps)
        var notes: [String] = []
        // States: the implicit run where it succeeded, else the explicit one.
        let run = [implicitRun, explicitRun].compactMap { $0 }.first { $0.succeeded } ?? implicitRun ?? explicitRun
        let dim = problem.dynamics.stateNames.count
        var states: [(Double, [Double])] = [(start, problem.dynamics.initialState)]
        if let run {
            for row in run.rows { states.append((row[0], Array(row[1...dim]))) }
            if !run.succeeded { notes.append("both steppers failed; spectra only up to t = \(run.tReached)") }
        }
        var summaries: [EigenSummary] = []
        for (t, y) in states {
            do {
                summaries.append(try eigenvalues(of: problem.dynamics, at: y, t: t, cutoff: settings.cutoff))
            } catch {
                notes.append("no spectrum at t = \(t): \(error)")
            }
        }
        return StiffnessReport(samples: summaries, explicit: explicit, implicit: implicit, settings: settings, span: end - start, tau: problem.dynamics.tau, notes: notes)
    }
}
