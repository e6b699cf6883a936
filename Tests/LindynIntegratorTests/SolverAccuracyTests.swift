import Foundation
import Testing
import LindynIntegrator

/// Every stepper against exact solutions. Tolerances are derived from the requested ones: GSL
/// controls the local error per step to about epsabs + epsrel |y|; on these problems (contractive,
/// or with bounded growth) the global error is at most the sum of the local errors, so it is
/// bounded by (accepted steps) x (epsabs + epsrel max|y|) times a safety factor of 10 for the
/// error estimator's own inaccuracy. The bound is checked, and it is also required to be below
/// an absolute cap so a badly wrong solver cannot pass with a huge step count.
@Suite struct SolverAccuracyTests {
    static let tol = 1e-10

    /// A sanity cap on top of the derived budget: implicit Euler (order 1) is the only method
    /// whose step-doubling estimate lets the error reach 1e-6 at these tolerances.
    func cap(_ stepper: Stepper, _ base: Double) -> Double { stepper.order == 1 ? base * 100 : base }

    func budget(_ solution: Solution, scale: Double = 1) -> Double {
        Double(max(solution.statistics.acceptedSteps, 1)) * Self.tol * (1 + scale) * 10
    }

    @Test(arguments: Stepper.allCases)
    func exponentialDecay(stepper: Stepper) throws {
        let system = TestProblems.Exponential(lambda: -1)
        let times = ODESolver.evenlySpacedTimes(start: 0, end: 5, points: 11)
        let options = SolverOptions(stepper: stepper, absoluteTolerance: Self.tol, relativeTolerance: Self.tol)
        let solution = try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: times, options: options)
        #expect(solution.times == times)
        let error = (0..<times.count).map { abs(solution.state($0)[$0 * 1] - system.exact(times[$0])[0]) }.max()!
        #expect(error <= budget(solution), "error \(error) over \(solution.statistics.acceptedSteps) steps")
        #expect(error < cap(stepper, 1e-6))
    }

    @Test(arguments: Stepper.allCases)
    func stiffExponential(stepper: Stepper) throws {
        // lambda = -1000 on [0, 0.05]: 50 time constants. Explicit methods are stability-limited
        // (h |lambda| of order 1), implicit ones are not; both must stay accurate.
        let system = TestProblems.Exponential(lambda: -1000)
        let times = [0.001, 0.002, 0.005, 0.05]
        let options = SolverOptions(stepper: stepper, absoluteTolerance: Self.tol, relativeTolerance: Self.tol)
        let solution = try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: times, options: options)
        let error = (0..<times.count).map { abs(solution.state($0).first! - system.exact(times[$0])[0]) }.max()!
        #expect(error <= budget(solution), "error \(error) over \(solution.statistics.acceptedSteps) steps")
        #expect(error < cap(stepper, 1e-6))
    }

    @Test(arguments: Stepper.allCases)
    func stiffLinearSystem(stepper: Stepper) throws {
        let system = TestProblems.StiffLinear()
        let times = [0.01, 0.1, 1, 5, 10]
        let options = SolverOptions(stepper: stepper, absoluteTolerance: Self.tol, relativeTolerance: Self.tol)
        let solution = try ODESolver.solve(system, initialState: [1, 0], start: 0, outputTimes: times, options: options)
        for (k, t) in times.enumerated() {
            let exact = TestProblems.StiffLinear.exact(t)
            let error = maxRelativeError(solution.state(k), exact, floor: 0)
            // y decays like e^{-t}: compare relative to the solution's size, with the absolute
            // budget expressed relative to it.
            let allowed = max(1e-7, budget(solution, scale: 2) / (abs(exact[1]) + 1e-300))
            #expect(error <= allowed, "t = \(t): relative error \(error) (\(solution.statistics.acceptedSteps) steps)")
        }
    }

    @Test(arguments: Stepper.allCases)
    func harmonicOscillator(stepper: Stepper) throws {
        let system = TestProblems.Oscillator()
        let times = ODESolver.evenlySpacedTimes(start: 0, end: 20, points: 41)
        let options = SolverOptions(stepper: stepper, absoluteTolerance: Self.tol, relativeTolerance: Self.tol)
        let solution = try ODESolver.solve(system, initialState: [1, 0], start: 0, outputTimes: times, options: options)
        var worst = 0.0
        for (k, t) in times.enumerated() {
            worst = max(worst, zip(solution.state(k), TestProblems.Oscillator.exact(t)).map { abs($0 - $1) }.max()!)
        }
        #expect(worst <= budget(solution, scale: 1), "error \(worst) over \(solution.statistics.acceptedSteps) steps")
        #expect(worst < cap(stepper, 1e-5))
    }

    @Test(arguments: Stepper.allCases)
    func logisticLaw(stepper: Stepper) throws {
        // A balanced Saxe mode from a small start: long plateau, sharp sigmoid, fixed point s.
        let system = TestProblems.Logistic(s: 3)
        let u0 = 1e-3
        let times = ODESolver.evenlySpacedTimes(start: 0, end: 4, points: 21)
        let options = SolverOptions(stepper: stepper, absoluteTolerance: 1e-12, relativeTolerance: Self.tol)
        let solution = try ODESolver.solve(system, initialState: [u0], start: 0, outputTimes: times, options: options)
        let numeric = solution.component(0)
        let exact = times.map { system.exact($0, u0: u0)[0] }
        let error = maxRelativeError(numeric, exact)
        // The logistic phase amplifies early relative errors by at most the growth factor's
        // sensitivity (bounded by 2 s t ~ 24 here): allow budget x 30 relative.
        let allowed = Double(solution.statistics.acceptedSteps) * 1e-10 * 10 * 30
        #expect(error <= max(allowed, 1e-9), "relative error \(error) in \(solution.statistics.acceptedSteps) steps")
        #expect(error < cap(stepper, 1e-5))
    }
}
