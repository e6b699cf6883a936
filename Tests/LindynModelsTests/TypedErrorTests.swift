import Foundation
import LindynExpr
import LindynIntegrator
import LindynTheory
import Testing

@testable import LindynModels

/// The models' entry points throw one type each: `Simulation.integrate`, `Simulation.descend`,
/// `Formula.evaluate`, `makeFlow` and `makeDescent` throw `InputError` naming the field; a
/// numerical failure of a run is a result with a `SolveStatus`, never a thrown string. Each
/// `let typed: InputError = error` binding only compiles while the call declares that type.
@Suite struct TypedErrorTests {
    static func refusal(_ body: () throws(InputError) -> Any) -> InputError? {
        do {
            _ = try body()
            return nil
        } catch {
            let typed: InputError = error
            #expect(!typed.message.isEmpty)
            return typed
        }
    }

    static func plainSystem() throws -> ExpressionSystem {
        try ExpressionSystem(variables: ["x"], equations: [SymbolicExpression.parse("-x")], initial: [1])
    }

    @Test func aStepLimitIsAResultWithStatusMaxStepsNotAnError() throws {
        // A mode from u0 = 1e-3 to s = 1 takes about ln(1000)/2 ~ 3.5 time units of sigmoidal
        // growth; three adaptive steps at 1e-12 cannot cover t = 20.
        let problem = Problem(
            dynamics: try ModeModel(s: 1, u0: 1e-3), time: TimeSpec(end: 20, points: 5),
            solver: SolverOptions(absoluteTolerance: 1e-12, relativeTolerance: 1e-12, maxSteps: 3))
        let result = try Simulation.integrate(problem)
        #expect(result.status == .maxSteps)
        #expect(result.tReached < 20)
        #expect(result.rows.allSatisfy { $0[0] <= result.tReached })
    }

    @Test func aRefusedSolverSettingNamesTheField() throws {
        let problem = Problem(
            dynamics: try ModeModel(s: 1, u0: 1e-3), time: TimeSpec(end: 1, points: 3),
            solver: SolverOptions(absoluteTolerance: 0))
        #expect(Self.refusal { () throws(InputError) in try Simulation.integrate(problem) }?.field == "solver.epsabs")
    }

    @Test func aModelChangedAfterItsBuilderNamesTheArgumentInEveryMethod() throws {
        var mode = try ModeModel(s: 1, u0: 1e-3)
        mode.depth = 0
        let problem = Problem(dynamics: mode, time: TimeSpec(end: 1, points: 3))
        #expect(Self.refusal { () throws(InputError) in try mode.makeFlow() }?.argument == "depth")
        #expect(Self.refusal { () throws(InputError) in try mode.makeDescent(DescentOptions()) }?.argument == "depth")
        #expect(Self.refusal { () throws(InputError) in try Simulation.integrate(problem) }?.field == "depth")
        #expect(Self.refusal { () throws(InputError) in try Simulation.descend(problem) }?.field == "depth")
    }

    @Test func aPlainSystemHasNoDescentAndNoClosedForm() throws {
        let problem = Problem(dynamics: try Self.plainSystem(), time: TimeSpec(end: 1, points: 3))
        #expect(Self.refusal { () throws(InputError) in try Simulation.descend(problem) }?.field == "system")
        #expect(Self.refusal { () throws(InputError) in try Formula.evaluate(problem) }?.field == "system")
        #expect(Self.refusal { () throws(InputError) in try Formula.solutions(problem.dynamics) }?.field == "system")
        // The flow itself runs.
        #expect(try Simulation.integrate(problem).succeeded)
    }

    @Test func anUnlearnedModeIsRefusedByTheFormulaNamingTheModel() throws {
        // Weight decay at or above s: the fixed point is 0, so the half time does not exist.
        let problem = Problem(dynamics: try ModeModel(s: 1, u0: 1e-3, weightDecay: 2), time: TimeSpec(end: 1, points: 3))
        let refused = Self.refusal { () throws(InputError) in try Formula.evaluate(problem) }
        #expect(refused?.field.hasPrefix("model") == true, "\(String(describing: refused))")
        // Without requireLearned the trajectory is returned.
        #expect(try Formula.evaluate(problem, requireLearned: false).rows.count == 3)
    }

    @Test func closedFormsThrowTheoryErrors() throws {
        let law = try LogisticLaw(a: 1, b: 1, tau: 1)
        do {
            _ = try ModeSolution.logistic(law, u0: -1).value(at: 1)
            Issue.record("a negative start was accepted")
        } catch {
            let typed: TheoryError = error
            guard case .invalidParameter(let name, _, _) = typed else { Issue.record("\(typed)"); return }
            #expect(name == "u0")
        }
    }

    @Test func teacherNetworkBuilderRefusesBadWidthsInsteadOfTrapping() throws {
        let data = try TeacherData(inputs: 3, outputs: 2, samples: 3, inputKind: .orthonormal, teacher: [1], labelNoise: 0)
        func build(_ widths: [Int]) -> String? {
            do {
                _ = try TeacherNetworkModel.build(
                    widths: widths, data: data, initialization: NetworkInit(scale: 0.1), weightDecay: 0, dropout: nil,
                    noiseVariance: 0, tau: 1)
                return nil
            } catch {
                let typed: ArgumentError = error
                return typed.argument
            }
        }
        #expect(build([3, 4, 2]) == nil)
        // `widths[0]` trapped on an empty list before.
        #expect(build([]) == "widths")
        #expect(build([3]) == "widths")
        #expect(build([5, 4, 2]) == "widths")
    }

    /// A model whose descent step fails (as a user-written gradient might).
    struct FailingStep: Dynamics {
        struct Failed: Error {}
        final class Process: DescentProcess {
            var weightNames: [String] { ["w"] }
            var observableNames: [String] { [] }
            var learningRate: Double { 1 }
            var weights: [Double] { [w] }
            var w = 1.0
            func step(epoch: Int) throws {
                if epoch == 3 { throw Failed() }
                w *= 0.5
            }
            func observables(into out: UnsafeMutablePointer<Double>) {}
            func largestMagnitude() -> Double { abs(w) }
        }
        var kind: String { "loss" }
        var stateNames: [String] { ["w"] }
        var observableNames: [String] { [] }
        var initialState: [Double] { [1] }
        var tau: Double? { 1 }
        func makeFlow() throws(InputError) -> FlowInstance {
            FlowInstance(system: try! ClosureSystem(dimension: 1) { _, y, f in f[0] = -0.5 * y[0] }) { _, _ in }
        }
        func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess { Process() }
    }

    @Test func aFailingDescentStepIsStatusFunctionErrorWithTheRowsReached() throws {
        let result = try Simulation.descend(Problem(dynamics: FailingStep(), time: TimeSpec(end: 10, points: 11)))
        #expect(result.status == .functionError)
        #expect(result.tReached == 3)
        #expect(result.rows.map { $0[0] } == [0, 1, 2, 3])
        #expect(result.rows.last?[1] == 0.125)
        #expect(result.message?.contains("epoch 3") == true)
    }
}
