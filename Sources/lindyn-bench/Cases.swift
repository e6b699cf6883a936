import CBaseline
import Foundation
import LindynIntegrator
import LindynModels

/// What a case compares, and so which target its Swift/C ratio is held to.
enum CaseGroup: String {
    /// A built-in model's concrete flow against hand-written C (target <= 1.05).
    case builtin
    /// A `system` written as expressions through the compiled evaluator (target <= 1.5).
    case expression
    /// Full-batch gradient descent (built-in network model; target <= 1.05).
    case descent

    var target: Double { self == .expression ? 1.5 : 1.05 }
}

/// One benchmark case: the same problem, stepper and tolerances run by Lindyn and by the C
/// baseline (GSL's evolve loop with hand-written right-hand sides).
struct BenchCase {
    /// The problem's name in Validation/bench/cases.md (`scalar`, `network64`, ...).
    let problem: String
    let group: CaseGroup
    /// A GSL stepper name, or `gd` for descent.
    let stepper: String
    let dimension: Int
    /// Floating-point operations of one right-hand side (networks: three n x n products).
    let flopsPerRHS: Double?
    let swift: () -> RunOutcome
    let c: () -> RunOutcome
    /// Descent: epochs per run.
    var epochs: Int? = nil
    /// The output times (for the error over every output, where a closed form exists).
    var outputTimes: [Double] = []
    /// epsabs = epsrel of the run, where the comparison with a peer reports it.
    var tolerance: Double? = nil

    var id: String { "\(problem)/\(stepper)" }
}

/// One problem as plain data, shared by the Swift and C runs.
struct ProblemData {
    let initial: [Double]
    let times: [Double]
    let absoluteTolerance: Double
    let relativeTolerance: Double
}

/// A tolerance as a short name: 1e-07 -> "1e-7", 5e-08 -> "5e-8".
func tolText(_ tol: Double) -> String {
    let exponent = Int(log10(tol).rounded(.down))
    let mantissa = tol / pow(10, Double(exponent))
    if abs(mantissa - mantissa.rounded()) < 1e-9 { return "\(Int(mantissa.rounded()))e\(exponent)" }
    return String(format: "%.2g", tol)
}

/// `points` evenly spaced output times on [0, end], both ends included (t_k = end k / (points - 1)).
func grid(_ end: Double, _ points: Int) -> [Double] {
    (0..<points).map { end * Double($0) / Double(points - 1) }
}

// Both sides land on every output time (the C baseline's protocol), so their step counts are
// identical; free stepping with dense output is measured on its own (`dense`).
/// The first step both sides take: GSL's driver default, which the C baseline uses (pass 1e-6
/// explicitly to Lindyn, whose own default is min(1e-6, span)).
let firstStep = 1e-6

// MARK: - running one side

func swiftSolve<S: ODESystem>(
    _ system: S, _ data: ProblemData, _ stepper: Stepper, output: OutputMode = .land, norm: ErrorNorm = .max,
    controller: StepController = .standard, automaticStep: Bool = false
) -> RunOutcome {
    let options = SolverOptions(
        stepper: stepper, absoluteTolerance: data.absoluteTolerance, relativeTolerance: data.relativeTolerance,
        initialStep: automaticStep ? nil : firstStep, maxSteps: 0, output: output, errorNorm: norm, controller: controller,
        automaticInitialStep: automaticStep)
    do {
        let solution = try ODESolver.solve(
            system, initialState: data.initial, start: data.times[0], outputTimes: data.times, options: options)
        let s = solution.statistics
        return RunOutcome(
            acceptedSteps: s.acceptedSteps, rejectedSteps: s.rejectedSteps, rhsEvaluations: s.rhsEvaluations,
            jacobianEvaluations: s.jacobianEvaluations, finalState: solution.finalState, rows: solution.states)
    } catch {
        return RunOutcome(failure: "\(error)")
    }
}

func cSolve(
    _ problem: lindyn_baseline_problem, _ params: [Double], _ data: ProblemData, _ stepper: String, norm: Int32 = 0,
    controller: Int32 = 0, automaticStep: Bool = false
) -> RunOutcome {
    let dim = data.initial.count
    var rows = [Double](repeating: 0, count: data.times.count * dim)
    var stats = lindyn_baseline_stats()
    let status = lindyn_baseline_solve_controlled(
        problem, params, Int32(params.count), Int32(dim), stepper, data.absoluteTolerance, data.relativeTolerance,
        automaticStep ? -1 : firstStep, 0, data.times[0], data.initial, data.times, Int32(data.times.count), &rows, norm,
        controller, &stats)
    return cOutcome(status, stats, rows, dim: dim)
}

/// The C baseline's free rk8pd run with the same continuous extension and control as Lindyn's
/// `dense` (controlled) or `interpolate` output.
func cSolveDense(
    _ problem: lindyn_baseline_problem, _ params: [Double], _ data: ProblemData, controlled: Bool
) -> RunOutcome {
    let dim = data.initial.count
    var rows = [Double](repeating: 0, count: data.times.count * dim)
    var stats = lindyn_baseline_stats()
    let status = lindyn_baseline_solve_dense(
        problem, params, Int32(params.count), Int32(dim), data.absoluteTolerance, data.relativeTolerance, firstStep,
        data.times[0], data.initial, data.times, Int32(data.times.count), &rows, controlled ? 1 : 0, &stats)
    return cOutcome(status, stats, rows, dim: dim)
}

// MARK: - the deterministic network case

/// Sigma31 and the initial weights of the `networkN` case, built by the C baseline so both sides
/// start from the same bits.
struct NetworkCase {
    let n: Int
    let sigma31: [Double]
    let w1: [Double]
    let w2: [Double]
    /// The modes (columns of U and V, strengths s_k), for the descent's observables.
    let modes: [NetworkMode]

    init(n: Int, u0: Double = 1e-3) {
        self.n = n
        var sigma = [Double](repeating: 0, count: n * n)
        var w1 = sigma
        var w2 = sigma
        var u = sigma
        var v = sigma
        var s = [Double](repeating: 0, count: n)
        let status = lindyn_baseline_network_case(Int32(n), u0, &sigma, &u, &v, &s, &w1, &w2)
        precondition(status == 0, "lindyn_baseline_network_case failed with \(status)")
        sigma31 = sigma
        self.w1 = w1
        self.w2 = w2
        modes = (0..<n).map { k in
            NetworkMode(
                s: s[k], inputVariance: 1, output: (0..<n).map { u[$0 * n + k] }, input: (0..<n).map { v[$0 * n + k] },
                initialStrength: u0, learnable: true)
        }
    }

    /// The `networkN` problem: the flow from t = 0 to 10, 11 output times, tolerances 1e-10.
    var data: ProblemData {
        ProblemData(initial: w1 + w2, times: grid(10, 11), absoluteTolerance: 1e-10, relativeTolerance: 1e-10)
    }

    /// The C baseline's parameters: tau = 1, then Sigma31.
    var params: [Double] { [1] + sigma31 }

    /// The two-layer whitened network model with this Sigma31 and initial weights.
    func model(tau: Double) -> NetworkModel {
        // The benchmark's own fixed cases: the widths, task and weights always fit.
        try! NetworkModel(
            widths: [n, n, n], sigmaYX: sigma31, sigmaXX: nil, modes: modes, initialWeights: w1 + w2,
            weightDecay: 0, dropout: nil, tau: tau)
    }

    /// A fresh concrete flow (its buffers belong to one solve).
    func flow(tau: Double) -> NetworkModel.Flow {
        // makeFlow() cannot fail for a network model.
        try! model(tau: tau).makeFlow().system as! NetworkModel.Flow
    }
}

/// A value computed on first use (the benchmark is single-threaded).
final class Lazy<Value> {
    private var stored: Value?
    private let make: () -> Value

    init(_ make: @escaping () -> Value) { self.make = make }

    var value: Value {
        if let stored { return stored }
        let made = make()
        stored = made
        return made
    }
}

// MARK: - the cases

/// Every case, in the order they run. Expensive cases are built lazily by their closures.
func allCases(descentEpochs: Int) -> [BenchCase] {
    var cases: [BenchCase] = []

    func add<S: ODESystem>(
        _ problem: String, _ group: CaseGroup, _ steppers: [Stepper], data: ProblemData,
        flops: Double? = nil, swift makeSystem: @escaping () -> S,
        c cProblem: lindyn_baseline_problem, params: [Double]
    ) {
        for stepper in steppers {
            cases.append(
                BenchCase(
                    problem: problem, group: group, stepper: stepper.rawValue, dimension: data.initial.count,
                    flopsPerRHS: flops,
                    swift: { swiftSolve(makeSystem(), data, stepper) },
                    c: { cSolve(cProblem, params, data, stepper.rawValue) }, outputTimes: data.times))
        }
    }

    // scalar: tau w1' = w2 x r, tau w2' = w1 x r; x = y = tau = 1.
    let scalarData = ProblemData(initial: [0.01, 0.01], times: grid(20, 21), absoluteTolerance: 1e-10, relativeTolerance: 1e-10)
    let scalarFlow = ScalarModel(x: 1, y: 1, w1: 0.01, w2: 0.01, tau: 1).flow
    add("scalar", .builtin, [.rkf45, .rk8pd, .msadams, .msbdf, .bsimp], data: scalarData,
        swift: { scalarFlow }, c: LINDYN_BASELINE_SCALAR, params: [1, 1, 1])

    // mode: tau u' = 2 u (s - u); s = 3, tau = 1.
    let modeData = ProblemData(initial: [1e-3], times: grid(10, 11), absoluteTolerance: 1e-10, relativeTolerance: 1e-10)
    let modeFlow = try! ModeModel(s: 3, u0: 1e-3, tau: 1).flow  // fixed, valid arguments
    add("mode", .builtin, [.rkf45, .rk8pd, .msbdf], data: modeData,
        swift: { modeFlow }, c: LINDYN_BASELINE_MODE, params: [3, 1])

    // The same mode with 2 and with 2001 outputs: with free stepping and dense output the step
    // count is set by the tolerance, not by the number of outputs.
    add("mode2", .builtin, [.rk8pd], data: ProblemData(initial: [1e-3], times: [0, 10], absoluteTolerance: 1e-10, relativeTolerance: 1e-10),
        swift: { modeFlow }, c: LINDYN_BASELINE_MODE, params: [3, 1])
    // mode2001 steps freely with dense output on both sides (Lindyn's default `dense`, and the
    // C baseline with the same continuous extension and control); mode2001-interp without the
    // control (`interpolate`), mode2001-land landing on every output (GSL's driver).
    let data2001 = ProblemData(initial: [1e-3], times: grid(10, 2001), absoluteTolerance: 1e-10, relativeTolerance: 1e-10)
    for (name, output) in [("mode2001", OutputMode.dense), ("mode2001-interp", .interpolate)] {
        cases.append(
            BenchCase(
                problem: name, group: .builtin, stepper: "rk8pd", dimension: 1, flopsPerRHS: nil,
                swift: { swiftSolve(modeFlow, data2001, .rk8pd, output: output) },
                c: { cSolveDense(LINDYN_BASELINE_MODE, [3, 1], data2001, controlled: output == .dense) },
                outputTimes: data2001.times))
    }
    add("mode2001-land", .builtin, [.rk8pd], data: data2001, swift: { modeFlow }, c: LINDYN_BASELINE_MODE, params: [3, 1])

    // chain: depth 4, s = 2, tau = 1, lambda = 0.
    let chainData = ProblemData(initial: [0.1, 0.1, 0.1, 0.1], times: grid(40, 11), absoluteTolerance: 1e-10, relativeTolerance: 1e-10)
    add("chain", .builtin, [.rk8pd, .msbdf], data: chainData,
        swift: { ChainModel.Flow(depth: 4, s: 2, lambda: 0, tau: 1) }, c: LINDYN_BASELINE_CHAIN, params: [2, 1, 0])

    // The same scalar problem written as a `system`: the evaluator's overhead per call.
    let scalarExpression = compiledSystem(
        variables: ["w1", "w2"], equations: ["w2*(1 - w2*w1)", "w1*(1 - w2*w1)"], parameters: [:], initial: [0.01, 0.01])
    add("scalar-expr", .expression, [.rk8pd, .msbdf], data: scalarData,
        swift: { scalarExpression() }, c: LINDYN_BASELINE_SCALAR, params: [1, 1, 1])

    // Robertson and Van der Pol (mu = 1000) as `system` expressions.
    let robertsonData = ProblemData(initial: [1, 0, 0], times: [0, 0.4, 4, 40], absoluteTolerance: 1e-12, relativeTolerance: 1e-10)
    let robertson = compiledSystem(
        variables: ["y1", "y2", "y3"],
        equations: ["-k1*y1 + k3*y2*y3", "k1*y1 - k3*y2*y3 - k2*y2^2", "k2*y2^2"],
        parameters: ["k1": 0.04, "k2": 3e7, "k3": 1e4], initial: [1, 0, 0])
    add("robertson", .expression, [.msbdf, .bsimp], data: robertsonData,
        swift: { robertson() }, c: LINDYN_BASELINE_ROBERTSON, params: [0.04, 3e7, 1e4])

    let vanderpolData = ProblemData(initial: [2, 0], times: grid(3000, 7), absoluteTolerance: 1e-10, relativeTolerance: 1e-10)
    let vanderpol = compiledSystem(
        variables: ["x", "v"], equations: ["v", "mu*(1 - x^2)*v - x"], parameters: ["mu": 1000], initial: [2, 0])
    add("vanderpol", .expression, [.msbdf, .bsimp], data: vanderpolData,
        swift: { vanderpol() }, c: LINDYN_BASELINE_VANDERPOL, params: [1000])

    // Two-layer networks, widths 16, 64, 256.
    for (n, steppers) in [(16, [Stepper.rk8pd, .msbdf]), (64, [.rk8pd]), (256, [.rk8pd])] {
        // Built when the case first runs (n = 256 takes a moment).
        let network = Lazy { NetworkCase(n: n) }
        let nn = Double(n * n)
        for stepper in steppers {
            cases.append(
                BenchCase(
                    problem: "network\(n)", group: .builtin, stepper: stepper.rawValue, dimension: 2 * n * n,
                    flopsPerRHS: 6 * nn * Double(n) + nn,
                    swift: { swiftSolve(network.value.flow(tau: 1), network.value.data, stepper) },
                    c: { cSolve(LINDYN_BASELINE_NETWORK, network.value.params, network.value.data, stepper.rawValue) },
                    outputTimes: grid(10, 11), tolerance: 1e-10))
        }
    }

    // The same networks with the scaled RMS norm and the PI controller (`solver.error_norm: rms`,
    // `solver.controller: pi`, the control diffrax and Hairer's codes use), C with the same control.
    // With tolerance 1e-8 too: the PI controller's runs are far more accurate than the tolerance
    // (Notes/performance.md), so this is the run that compares with a peer at equal accuracy.
    for n in [64, 256] {
        let network = Lazy { NetworkCase(n: n) }
        let nn = Double(n * n)
        for tol in [1e-10, 1e-8] {
            let data = Lazy {
                ProblemData(
                    initial: network.value.data.initial, times: network.value.data.times, absoluteTolerance: tol, relativeTolerance: tol)
            }
            cases.append(
                BenchCase(
                    problem: "network\(n)", group: .builtin, stepper: tol == 1e-10 ? "rk8pd-rms-pi" : "rk8pd-rms-pi-1e-8",
                    dimension: 2 * n * n, flopsPerRHS: 6 * nn * Double(n) + nn,
                    swift: { swiftSolve(network.value.flow(tau: 1), data.value, .rk8pd, norm: .rms, controller: .pi) },
                    c: { cSolve(LINDYN_BASELINE_NETWORK, network.value.params, data.value, "rk8pd", norm: 1, controller: 1) },
                    outputTimes: grid(10, 11), tolerance: tol))
        }
    }

    // Work against precision at equal accuracy: the RMS norm with the automatic first step
    // (`solver.hstart: "auto"`) over a ladder of tolerances, so that a peer's error can be matched
    // by the loosest tolerance that reaches it (`--compare`), never by a looser answer. With pi,
    // and with the integral controller (`solver.controller: integral`, diffrax's default
    // PIDController: exponent 1/8 for rk8pd, an accepted step's factor in [1, 10]), which takes
    // fewer evaluations than pi at a tolerance but is less accurate for them (its error at t = 10
    // stays near 1e-9 down to tol 1e-9), so its ladder reaches down to 2e-10.
    let ladders: [(StepController, String, [Double])] = [
        (.pi, "rk8pd-rms-pi-auto-", [1e-7, 5e-8, 2e-8, 1e-8, 1e-9]), (.integral, "rk8pd-rms-i-auto-", [1e-8, 1e-9, 2e-10]),
    ]
    for (controller, name, tolerances) in ladders {
        for n in [64, 256] {
            let network = Lazy { NetworkCase(n: n) }
            let nn = Double(n * n)
            for tol in tolerances {
                let data = Lazy {
                    ProblemData(
                        initial: network.value.data.initial, times: network.value.data.times, absoluteTolerance: tol, relativeTolerance: tol)
                }
                cases.append(
                    BenchCase(
                        problem: "network\(n)", group: .builtin, stepper: name + tolText(tol),
                        dimension: 2 * n * n, flopsPerRHS: 6 * nn * Double(n) + nn,
                        swift: {
                            swiftSolve(network.value.flow(tau: 1), data.value, .rk8pd, norm: .rms, controller: controller, automaticStep: true)
                        },
                        c: {
                            cSolve(
                                LINDYN_BASELINE_NETWORK, network.value.params, data.value, "rk8pd", norm: 1,
                                controller: controller.controlCode, automaticStep: true)
                        },
                        outputTimes: grid(10, 11), tolerance: tol))
            }
        }
    }

    // Descent on network256's Sigma31 and init, tau = epochs / 10 (cases.md, `descent256`).
    let descentNetwork = Lazy { NetworkCase(n: 256) }
    let tau = Double(descentEpochs) / 10
    cases.append(
        BenchCase(
            problem: "descent256", group: .descent, stepper: "gd", dimension: 2 * 256 * 256,
            flopsPerRHS: 6 * 256.0 * 256 * 256,
            swift: { swiftDescent(descentNetwork.value, tau: tau, epochs: descentEpochs) },
            c: { cDescent(descentNetwork.value, tau: tau, epochs: descentEpochs) }, epochs: descentEpochs))
    return cases
}

/// Compiles a `system` once; each call of the result gives a fresh evaluator (one per solve).
func compiledSystem(
    variables: [String], equations: [String], parameters: [String: Double], initial: [Double]
) -> () -> CompiledFlow {
    let quoted = { (s: String) in "\"\(s)\"" }
    let text = """
        {"system": {"variables": [\(variables.map(quoted).joined(separator: ", "))],
                    "equations": [\(equations.map(quoted).joined(separator: ", "))],
                    "parameters": {\(parameters.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", "))},
                    "initial": [\(initial.map { "\($0)" }.joined(separator: ", "))]},
         "time": {"start": 0, "end": 1, "points": 2}}
        """
    let problem: Problem
    do {
        problem = try Problem.load(text: text)
    } catch {
        fatalError("benchmark system does not load: \(error)")
    }
    return { try! problem.dynamics.makeFlow().system as! CompiledFlow }
}

// MARK: - descent

/// Lindyn's descent as `Simulation.descend` runs it, epoch by epoch: the network model's
/// descent (three products with W1's update folded into its product, W2's update in one pass
/// that also finds the largest weight) and the divergence check.
/// `Simulation.descend` also records the observables (256 mode strengths) at its output rows, a
/// fixed cost independent of the epoch count, which is left out here as the C loop has none.
func swiftDescent(_ network: NetworkCase, tau: Double, epochs: Int) -> RunOutcome {
    do {
        let process = try network.model(tau: tau).makeDescent(DescentOptions())
        for epoch in 0..<epochs {
            try process.step(epoch: epoch)
            let size = process.largestMagnitude()
            if !(size <= 1e100) { return RunOutcome(failure: "diverged at epoch \(epoch)") }
        }
        return RunOutcome(acceptedSteps: epochs, rhsEvaluations: epochs, finalState: process.weights)
    } catch {
        return RunOutcome(failure: "\(error)")
    }
}

func cDescent(_ network: NetworkCase, tau: Double, epochs: Int) -> RunOutcome {
    var w1 = network.w1
    var w2 = network.w2
    let status = lindyn_baseline_descend_network(Int32(network.n), tau, network.sigma31, &w1, &w2, epochs)
    if status != 0 { return RunOutcome(failure: "C descent status \(status)") }
    return RunOutcome(acceptedSteps: epochs, rhsEvaluations: epochs, finalState: w1 + w2)
}

/// A C baseline run's counts, and its rows or the failure it stopped with.
private func cOutcome(_ status: Int32, _ stats: lindyn_baseline_stats, _ rows: [Double], dim: Int) -> RunOutcome {
    var outcome = RunOutcome(
        acceptedSteps: stats.accepted_steps, rejectedSteps: stats.rejected_steps, rhsEvaluations: stats.rhs_evaluations,
        jacobianEvaluations: stats.jacobian_evaluations)
    if status != 0 {
        outcome.failure = "C baseline status \(status) at t = \(stats.t_reached)"
    } else {
        outcome.finalState = Array(rows[(rows.count - dim)...])
        outcome.rows = rows
    }
    return outcome
}
