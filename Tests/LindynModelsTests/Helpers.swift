import Foundation
import LindynIntegrator
@testable import LindynModels

/// Integrates a problem's flow tightly (rk8pd, 1e-12 absolute and relative) and returns the
/// result; the tight tolerance keeps integration error near 1e-10 relative, well below the 1e-8
/// agreement the model tests ask for.
func tight(_ dynamics: any Dynamics, end: Double, points: Int = 41, stepper: Stepper = .rk8pd) throws -> RunResult {
    let problem = Problem(
        dynamics: dynamics, time: TimeSpec(end: end, points: points),
        solver: SolverOptions(stepper: stepper, absoluteTolerance: 1e-13, relativeTolerance: 1e-12))
    let result = try Simulation.integrate(problem)
    precondition(result.succeeded, "integration failed: \(result.message ?? "")")
    return result
}

func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 0
}

/// Central-difference Jacobian of an ODE system at y (h = 1e-6 max(1, |y_k|)): truncation error
/// O(h^2 f''') plus rounding O(eps |f| / h), about 1e-8 relative for the O(1) systems here.
func finiteDifferenceJacobian(_ system: any ODESystem, at y: [Double]) throws -> [Double] {
    let n = y.count
    var J = [Double](repeating: 0, count: n * n)
    var yp = y
    var fp = [Double](repeating: 0, count: n), fm = fp
    for k in 0..<n {
        let h = 1e-6 * max(1, abs(y[k]))
        yp[k] = y[k] + h
        try system.rightHandSide(t: 0, y: yp, dydt: &fp)
        yp[k] = y[k] - h
        try system.rightHandSide(t: 0, y: yp, dydt: &fm)
        yp[k] = y[k]
        for i in 0..<n { J[i * n + k] = (fp[i] - fm[i]) / (2 * h) }
    }
    return J
}

func analyticJacobian(_ system: any ODESystem, at y: [Double]) throws -> [Double] {
    let n = y.count
    var J = [Double](repeating: 0, count: n * n)
    var dt = [Double](repeating: 0, count: n)
    try system.jacobian(t: 0, y: y, dfdy: &J, dfdt: &dt)
    return J
}
