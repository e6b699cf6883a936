import Foundation
import Testing
import LindynIntegrator

@Suite struct SolverBehaviourTests {
    @Test(arguments: Stepper.allCases)
    func statisticsAreConsistent(stepper: Stepper) throws {
        let options = SolverOptions(stepper: stepper, absoluteTolerance: 1e-10, relativeTolerance: 1e-10)
        let solution = try ODESolver.solve(
            TestProblems.StiffLinear(), initialState: [1, 0], start: 0, outputTimes: [1, 2], options: options)
        let s = solution.statistics
        #expect(s.stepper == stepper)
        #expect(s.acceptedSteps > 0)
        #expect(s.acceptedSteps + s.rejectedSteps == s.attemptedSteps)
        #expect(s.rhsEvaluations >= s.acceptedSteps)
        if stepper.needsJacobian {
            #expect(s.jacobianEvaluations > 0, "an implicit stepper must evaluate the Jacobian")
        } else {
            #expect(s.jacobianEvaluations == 0)
        }
    }

    @Test func implicitStepperWithoutJacobianIsRefused() throws {
        let system = try ClosureSystem(dimension: 1) { _, y, f in f[0] = -y[0] }
        for stepper in Stepper.allCases where stepper.needsJacobian {
            do {
                _ = try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [1], options: SolverOptions(stepper: stepper))
                Issue.record("\(stepper) without a Jacobian was accepted")
            } catch {
                guard let refused = error.configuration else { Issue.record("unexpected error \(error)"); continue }
                #expect(refused.field == "solver.stepper")
                #expect(refused.message.contains("Jacobian"))
            }
        }
        // Explicit steppers accept the same system.
        #expect(throws: Never.self) {
            try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [1], options: SolverOptions(stepper: .msadams))
        }
    }

    @Test func badSettingsNameTheField() {
        let system = TestProblems.Exponential(lambda: -1)
        func field(_ body: () throws -> Solution) -> String? {
            do { _ = try body(); return nil } catch { return (error as? SolveError)?.configuration?.field ?? "other" }
        }
        #expect(field { try ODESolver.solve(system, initialState: [1, 2], start: 0, outputTimes: [1]) } == "initial")
        #expect(field { try ODESolver.solve(system, initialState: [.nan], start: 0, outputTimes: [1]) } == "initial")
        #expect(field { try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [2, 1]) } == "time.at")
        #expect(field { try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [-1]) } == "time.at")
        #expect(field { try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [1], options: SolverOptions(absoluteTolerance: 0)) } == "solver.epsabs")
        #expect(field { try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [1], options: SolverOptions(relativeTolerance: -1)) } == "solver.epsrel")
        #expect(field { try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [1], options: SolverOptions(initialStep: 0)) } == "solver.hstart")
    }

    @Test func maxStepsStopsWithPartialRows() throws {
        let times = ODESolver.evenlySpacedTimes(start: 0, end: 10, points: 101)
        let options = SolverOptions(stepper: .rk8pd, maxSteps: 20)
        do {
            _ = try ODESolver.solve(TestProblems.StiffLinear(), initialState: [1, 0], start: 0, outputTimes: times, options: options)
            Issue.record("expected the step limit to stop an explicit stepper on a stiff problem")
        } catch let thrown {
            guard let error = thrown.integration else { Issue.record("expected an integration failure, got \(thrown)"); return }
            #expect(error.reason == .maxSteps)
            #expect(error.status == .maxSteps)
            #expect(error.status.rawValue == "max_steps")
            #expect(error.partial.statistics.acceptedSteps == 20)
            #expect(error.tReached > 0 && error.tReached < 10)
            // Rows only up to what was reached, never padded.
            #expect(error.partial.times.allSatisfy { $0 <= error.tReached })
            #expect(error.partial.times.count < times.count)
            #expect(error.partial.states.count == error.partial.times.count * 2)
        }
    }

    struct Boom: Error {}

    @Test func userErrorPropagatesThroughC() throws {
        let system = try ClosureSystem(dimension: 1) { t, y, f in
            if t > 0.5 { throw Boom() }
            f[0] = -y[0]
        }
        do {
            _ = try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [0.25, 1])
            Issue.record("expected the thrown error to stop the solve")
        } catch let thrown {
            guard let error = thrown.integration else { Issue.record("expected an integration failure, got \(thrown)"); return }
            #expect(error.reason == .userFunction)
            #expect(error.underlying is Boom)
            #expect(error.partial.times == [0.25])
            #expect(error.tReached <= 0.5 + 1e-12)
        }
    }

    @Test(arguments: [Stepper.rk8pd, .rkf45, .msadams, .bsimp, .msbdf])
    func blowUpIsReportedNotPassedOff(stepper: Stepper) throws {
        // y' = y^2, y(0) = 1 has y = 1/(1 - t): it blows up at t = 1.
        let system = try ClosureSystem(dimension: 1, rightHandSide: { _, y, f in f[0] = y[0] * y[0] },
                                   jacobian: { _, y, j, dt in j[0] = 2 * y[0]; dt[0] = 0 })
        let options = SolverOptions(stepper: stepper, absoluteTolerance: 1e-8, relativeTolerance: 1e-8, maxSteps: 100_000)
        do {
            _ = try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [0.5, 2], options: options)
            Issue.record("a solution through the singularity was returned")
        } catch let thrown {
            guard let error = thrown.integration else { Issue.record("expected an integration failure, got \(thrown)"); return }
            #expect(error.tReached < 1.0 + 1e-6)
            #expect(!error.partial.states.contains { !$0.isFinite })
            #expect(error.partial.times == [0.5])
            // y(0.5) = 2; multistep methods at 1e-8 on a growing solution keep ~1e-6 relative.
            #expect(abs(error.partial.states[0] - 2) < 2e-5)
        }
    }

    @Test func outputAtStartAndRepeatedTimes() throws {
        let system = TestProblems.Exponential(lambda: -1)
        let solution = try ODESolver.solve(system, initialState: [1], start: 0, outputTimes: [0, 1, 1, 2])
        #expect(solution.times == [0, 1, 1, 2])
        #expect(solution.states[0] == 1)
        #expect(solution.states[1] == solution.states[2])
        #expect(solution.tReached == 2)
    }

    @Test func concurrentSolvesMatchSequentialOnes() async throws {
        let steppers: [Stepper] = [.rk8pd, .msbdf, .bsimp, .rkf45, .msadams, .rk4imp]
        var sequential: [[Double]] = []
        for stepper in steppers {
            let s = try ODESolver.solve(TestProblems.StiffLinear(), initialState: [1, 0], start: 0, outputTimes: [1, 3],
                                        options: SolverOptions(stepper: stepper))
            sequential.append(s.states)
        }
        let parallel = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            for (k, stepper) in steppers.enumerated() {
                group.addTask {
                    let s = try ODESolver.solve(TestProblems.StiffLinear(), initialState: [1, 0], start: 0, outputTimes: [1, 3],
                                                options: SolverOptions(stepper: stepper))
                    return (k, s.states)
                }
            }
            var out = [[Double]](repeating: [], count: steppers.count)
            for try await (k, states) in group { out[k] = states }
            return out
        }
        #expect(parallel == sequential)
    }
}

@Suite struct ClosureSystemArgumentTests {
    /// A system of no variables trapped in a precondition before; it is refused by name.
    @Test func nonPositiveDimensionIsRefusedByName() {
        for dimension in [0, -1] {
            #expect {
                _ = try ClosureSystem(dimension: dimension) { _, _, _ in }
            } throws: { error in
                (error as? ArgumentError)?.argument == "dimension"
            }
        }
        #expect(ODESolver.evenlySpacedTimes(start: 0, end: 1, points: 0).isEmpty)
    }
}
