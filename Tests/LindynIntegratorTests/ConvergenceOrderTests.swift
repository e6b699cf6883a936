import Foundation
import Testing
import LindynIntegrator

/// Fixed-step convergence orders: with N and 2N equal steps the global error of an order-p
/// method falls by 2^p, so log2(e_N / e_2N) estimates p. Each explicit Runge-Kutta stepper must
/// show its order within 0.2 (the observed order of the state GSL returns, see
/// `Stepper.observedFixedStepOrder`: rk2 propagates its 3rd-order solution, rkf45 and rkck their
/// 5th-order ones, rk4's step doubling keeps order 4). Step counts are chosen per method so the
/// errors sit in the asymptotic range, far above rounding (1e-16) and below 1e-3 (measured
/// for rk8pd: 3.7e-6, 1.4e-8, 5.1e-11 at 2, 4, 8 steps, then 1.3e-15 by 32).
@Suite struct ConvergenceOrderTests {
    // y' = -2 t y + cos(t) y^0 ... keep a non-linear, non-autonomous, smooth problem:
    // y' = y cos(t), y(0) = 1, exact y = e^{sin t}, on [0, 2].
    static var system: ClosureSystem { try! ClosureSystem(dimension: 1) { t, y, f in f[0] = y[0] * cos(t) } }
    static func exact(_ t: Double) -> Double { exp(sin(t)) }

    static let cases: [(Stepper, Int)] = [(.rk2, 64), (.rk4, 32), (.rkf45, 16), (.rkck, 16), (.rk8pd, 2)]

    @Test(arguments: cases)
    func observedOrder(stepper: Stepper, steps: Int) throws {
        func error(_ n: Int) throws -> Double {
            let s = try ODESolver.solveFixedStep(Self.system, initialState: [1], start: 0, end: 2, steps: n, stepper: stepper)
            #expect(s.statistics.acceptedSteps == n)
            return abs(s.finalState[0] - Self.exact(2))
        }
        let e1 = try error(steps), e2 = try error(2 * steps), e3 = try error(4 * steps)
        let p1 = log2(e1 / e2), p2 = log2(e2 / e3)
        let nominal = Double(stepper.observedFixedStepOrder)
        #expect(abs(p2 - nominal) <= 0.2, "\(stepper): orders \(p1), \(p2); errors \(e1), \(e2), \(e3)")
        #expect(e3 > 1e-14, "\(stepper): errors reached rounding level, the estimate is meaningless")
    }

    @Test func fixedStepRefusesDriverSteppers() {
        for stepper in Stepper.allCases where !stepper.supportsFixedStep {
            #expect {
                try ODESolver.solveFixedStep(Self.system, initialState: [1], start: 0, end: 1, steps: 4, stepper: stepper)
            } throws: { error in
                (error as? SolveError)?.configuration?.field == "solver.stepper"
            }
        }
    }

    @Test func fixedStepOutputsEveryStride() throws {
        let s = try ODESolver.solveFixedStep(Self.system, initialState: [1], start: 0, end: 2, steps: 10, stepper: .rk4, outputStride: 5)
        #expect(s.times == [0, 1, 2])
        #expect(s.tReached == 2)
    }
}
