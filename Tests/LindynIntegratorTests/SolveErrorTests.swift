import Foundation
import Testing

@testable import LindynIntegrator

/// `ODESolver.solve` and `solveFixedStep` throw one type, `SolveError`: a refused setting as
/// `.configuration` naming the field, a numerical failure as `.integration` with its `SolveStatus`,
/// the time reached and the rows up to it. Each failure below is provoked for real (a step limit,
/// a throwing right-hand side, a step-size floor, a bad tolerance), not constructed.
@Suite struct SolveErrorTests {
    struct Boom: Error {}

    /// The error of a solve that must fail; the `let typed: SolveError` binding only compiles
    /// while `solve` declares `throws(SolveError)`.
    static func failure(_ body: () throws(SolveError) -> Solution) -> SolveError? {
        do {
            _ = try body()
            return nil
        } catch {
            let typed: SolveError = error
            return typed
        }
    }

    @Test func stepLimitIsAnIntegrationErrorWithStatusMaxSteps() throws {
        // The stiff linear system (eigenvalue -1000): an explicit stepper's stability alone
        // limits its steps to a few thousandths, so 20 steps cannot reach t = 5.
        let error = Self.failure { () throws(SolveError) in
            try ODESolver.solve(
                TestProblems.StiffLinear(), initialState: [1, 0], start: 0, outputTimes: [5, 10],
                options: SolverOptions(stepper: .rk8pd, maxSteps: 20))
        }
        guard case .integration(let failure)? = error else { Issue.record("expected an integration failure, got \(String(describing: error))"); return }
        #expect(failure.status == .maxSteps)
        #expect(error?.status == .maxSteps)
        #expect(failure.partial.statistics.acceptedSteps == 20)
        #expect(failure.tReached > 0 && failure.tReached < 5)
        #expect(error?.configuration == nil)
        #expect("\(error!)" == failure.message)
    }

    @Test func aThrowingRightHandSideIsStatusFunctionErrorWithTheOriginal() throws {
        let system = try ClosureSystem(dimension: 1) { t, y, f in
            if t > 0.5 { throw Boom() }
            f[0] = -y[0]
        }
        let error = Self.failure { () throws(SolveError) in try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [0.25, 1]) }
        #expect(error?.status == .functionError)
        #expect(error?.integration?.underlying is Boom)
        #expect(error?.integration?.partial.times == [0.25])
    }

    @Test func aStepSizeFloorIsStatusNoProgress() throws {
        // y' = y^2, y(0) = 1 blows up at t = 1 (y = 1/(1 - t)); with a floor of 1e-3 on the step
        // size the controller cannot follow it there.
        let system = try ClosureSystem(dimension: 1) { _, y, f in f[0] = y[0] * y[0] }
        let error = Self.failure { () throws(SolveError) in
            try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [2], options: SolverOptions(stepper: .rkf45, minStep: 1e-3))
        }
        #expect(error?.status == .noProgress, "\(String(describing: error))")
        #expect((error?.integration?.tReached ?? 2) < 1)
    }

    @Test func refusedSettingsAreConfigurationErrorsNamingTheField() {
        let system = TestProblems.Exponential(lambda: -1)
        let cases: [(SolverOptions, String)] = [
            (SolverOptions(absoluteTolerance: 0), "solver.epsabs"),
            (SolverOptions(relativeTolerance: .nan), "solver.epsrel"),
            (SolverOptions(maxSteps: -1), "solver.max_steps"),
        ]
        for (options, field) in cases {
            let error = Self.failure { () throws(SolveError) in try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [1], options: options) }
            #expect(error?.configuration?.field == field, "\(String(describing: error))")
            #expect(error?.status == nil)
            #expect(error?.integration == nil)
        }
        let fixed = Self.failure { () throws(SolveError) in
            try ODESolver.solveFixedStep(system, initialState: [1], start: 0, end: 1, steps: 0, stepper: .rk4)
        }
        #expect(fixed?.configuration?.field == "steps")
    }

    @Test func theThreeInputNamesAreOneType() {
        // A builder's refusal, a solver setting and a problem-file field are caught alike.
        let argument: any Error = ArgumentError(argument: "widths", message: "needs two widths")
        let setting: any Error = SolverConfigurationError(field: "solver.epsabs", message: "must be positive")
        #expect((argument as? InputError)?.field == "widths")
        #expect((setting as? InputError)?.argument == "solver.epsabs")
        #expect("\(InputError(field: "file", message: "is empty"))" == "is empty")
        #expect("\(InputError(field: "time.end", message: "must be finite"))" == "time.end: must be finite")
    }
}
