import CBaseline
import Foundation
import LindynIntegrator
import LindynModels
import LindynReport

// Work-precision sections: the error norm and step controller options on the network cases,
// and free stepping with dense output on the mode problem. Each row gives the work (steps,
// right-hand sides) and the error against a tight reference, so that fewer evaluations are
// never bought with a looser answer.

/// Error norm and controller on the networkN flow (t from 0 to 10, rk8pd), Lindyn and the C
/// baseline side by side with the same control type; error = max |y - y_ref| / max |y_ref| at
/// the end against rk8pd at 1e-13.
func measureControllers(widths: [Int], tolerances: [Double]) -> JSONValue {
    say("error norm and step controller (rk8pd, networkN from 0 to 10; error vs rk8pd 1e-13 at t = 10)")
    say(pad("case", 12) + pad("tol", 7) + pad("norm/controller", 17) + pad("steps", 7, right: true) + pad("rhs", 8, right: true)
        + pad("rhs vs max/std", 16, right: true) + pad("error", 11, right: true) + pad("C steps", 9, right: true) + "  counts")
    var rows: [JSONValue] = []
    let combinations: [(ErrorNorm, StepController)] = [(.max, .standard), (.rms, .standard), (.max, .pi), (.rms, .pi), (.max, .integral), (.rms, .integral)]
    for n in widths {
        let network = NetworkCase(n: n)
        let data = network.data
        let times = [0.0, 10.0]
        func solve(_ tol: Double, _ norm: ErrorNorm, _ controller: StepController) -> Solution? {
            let options = SolverOptions(
                stepper: .rk8pd, absoluteTolerance: tol, relativeTolerance: tol, initialStep: firstStep, maxSteps: 0,
                output: .land, errorNorm: norm, controller: controller)
            return try? ODESolver.solve(network.flow(tau: 1), initialState: data.initial, start: 0, outputTimes: times, options: options)
        }
        guard let reference = solve(1e-13, .max, .standard) else { continue }
        for tol in tolerances {
            var baseline = 0
            for (norm, controller) in combinations {
                guard let s = solve(tol, norm, controller) else { continue }
                var rowsC = [Double](repeating: 0, count: 2 * data.initial.count)
                var stats = lindyn_baseline_stats()
                let status = lindyn_baseline_solve_controlled(
                    LINDYN_BASELINE_NETWORK, network.params, Int32(network.params.count), Int32(data.initial.count), "rk8pd",
                    tol, tol, firstStep, 0, 0, data.initial, times, 2, &rowsC, norm == .max ? 0 : 1, controller.controlCode,
                    &stats)
                let st = s.statistics
                if norm == .max && controller == .standard { baseline = st.rhsEvaluations }
                let same = status == 0 && stats.accepted_steps == st.acceptedSteps && stats.rhs_evaluations == st.rhsEvaluations
                let error = relativeDifference(s.finalState, reference.finalState)
                let name = "\(norm.rawValue)/\(controller.rawValue)"
                say(pad("network\(n)", 12) + pad(String(format: "%.0e", tol), 7) + pad(name, 17)
                    + pad("\(st.acceptedSteps)", 7, right: true) + pad("\(st.rhsEvaluations)", 8, right: true)
                    + pad(String(format: "%.3f", Double(st.rhsEvaluations) / Double(max(baseline, 1))), 16, right: true)
                    + pad(String(format: "%.2e", error), 11, right: true) + pad("\(stats.accepted_steps)", 9, right: true)
                    + (same ? "  identical" : "  DIFFER"))
                rows.append(.object([
                    "case": .string("network\(n)"), "epsabs": .number(tol), "error_norm": .string(norm.rawValue),
                    "controller": .string(controller.rawValue), "accepted_steps": .integer(st.acceptedSteps),
                    "rejected_steps": .integer(st.rejectedSteps), "rhs_evaluations": .integer(st.rhsEvaluations),
                    "error": .number(error), "c_accepted_steps": .integer(stats.accepted_steps),
                    "c_rhs_evaluations": .integer(stats.rhs_evaluations), "counts_identical": .bool(same),
                ]))
            }
        }
    }
    return .array(rows)
}

/// Free stepping with dense output against landing on every output: the mode problem with
/// 2 and 2001 outputs, each output mode, error = max over the outputs of |u - u_exact| (the
/// logistic closed form).
func measureDenseOutput(repetitions: Int) -> JSONValue {
    say("dense output (mode u' = 2u(3 - u), u0 = 1e-3, t from 0 to 10; error = max over outputs vs the closed form)")
    say(pad("stepper", 8) + pad("tol", 7) + pad("outputs", 9) + pad("mode", 12) + pad("steps", 7, right: true)
        + pad("rhs", 7, right: true) + pad("error", 11, right: true) + pad("time", 12, right: true))
    let flow = try! ModeModel(s: 3, u0: 1e-3, tau: 1).flow  // fixed, valid arguments
    var rows: [JSONValue] = []
    for stepper in [Stepper.rk8pd, .rkf45, .msbdf] {
        for tol in [1e-6, 1e-10] {
            for (points, mode) in [(2, OutputMode.land), (2001, .land), (2001, .dense), (2001, .interpolate)] {
                let times = grid(10, points)
                let options = SolverOptions(
                    stepper: stepper, absoluteTolerance: tol, relativeTolerance: tol, initialStep: firstStep, maxSteps: 0, output: mode)
                guard let s = try? ODESolver.solve(flow, initialState: [1e-3], start: 0, outputTimes: times, options: options) else { continue }
                var error = 0.0
                for k in 0..<s.times.count {
                    let exact: Double = 3 / (1 + 2999 * exp(-6 * s.times[k]))
                    error = max(error, abs(s.states[k] - exact))
                }
                let seconds = timePerCall(repetitions: repetitions, sampleSeconds: 0.05) {
                    _ = try? ODESolver.solve(flow, initialState: [1e-3], start: 0, outputTimes: times, options: options)
                }
                say(pad(stepper.rawValue, 8) + pad(String(format: "%.0e", tol), 7) + pad("\(points)", 9) + pad(mode.rawValue, 12)
                    + pad("\(s.statistics.acceptedSteps)", 7, right: true) + pad("\(s.statistics.rhsEvaluations)", 7, right: true)
                    + pad(String(format: "%.2e", error), 11, right: true) + pad(formatSeconds(seconds), 12, right: true))
                rows.append(.object([
                    "stepper": .string(stepper.rawValue), "epsabs": .number(tol), "outputs": .integer(points), "output": .string(mode.rawValue),
                    "accepted_steps": .integer(s.statistics.acceptedSteps), "rhs_evaluations": .integer(s.statistics.rhsEvaluations),
                    "error": .number(error), "seconds": .number(seconds),
                ]))
            }
        }
    }
    return .array(rows)
}
