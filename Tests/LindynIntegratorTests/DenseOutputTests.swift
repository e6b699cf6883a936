import Foundation
import Testing
import LindynIntegrator

/// Free stepping with dense output, events located on the interpolant, and the error-norm and
/// controller options. References are closed forms (the logistic law of a Saxe mode, a
/// polynomial); each tolerance below says where it comes from.
@Suite struct DenseOutputTests {
    /// u' = 2u(3 - u), u(0) = 1e-3 on [0, 10]: the sigmoid rises around t = ln(2999)/6 = 1.334.
    static let logistic = TestProblems.Logistic(s: 3)
    static let u0 = 1e-3

    static func solve(
        _ stepper: Stepper, _ tol: Double, _ times: [Double], _ output: OutputMode,
        norm: ErrorNorm = .max, controller: StepController = .standard, events: [ODEEvent] = []
    ) throws -> Solution {
        let options = SolverOptions(
            stepper: stepper, absoluteTolerance: tol, relativeTolerance: tol, output: output, errorNorm: norm, controller: controller)
        return try ODESolver.solve(logistic, initialState: [u0], start: 0, outputTimes: times, options: options, events: events)
    }

    static func maxError(_ s: Solution) -> Double {
        (0..<s.times.count).map { abs(s.state($0).first! - logistic.exact(s.times[$0], u0: u0)[0]) }.max()!
    }

    static let dense2001 = ODESolver.evenlySpacedTimes(start: 0, end: 10, points: 2001)
    /// Six checkpoints through the rise, where the global error of the steps is largest.
    static let checkpoints: [Double] = [1.0, 1.2, 1.3, 1.4, 1.6, 2, 10]

    /// Without the interpolation cap the steps are exactly those of the solve with no interior
    /// output, whatever the number of outputs; landing takes at least one step per output.
    @Test(arguments: [Stepper.rk8pd, .rkf45, .msbdf, .bsimp])
    func stepsDoNotDependOnTheOutputs(stepper: Stepper) throws {
        let two = try Self.solve(stepper, 1e-10, [0, 10], .dense)
        let interpolated = try Self.solve(stepper, 1e-10, Self.dense2001, .interpolate)
        #expect(interpolated.statistics.acceptedSteps == two.statistics.acceptedSteps)
        #expect(interpolated.statistics.rhsEvaluations == two.statistics.rhsEvaluations + interpolated.statistics.interpolationEvaluations)
        #expect(interpolated.times == Self.dense2001)
        let landed = try Self.solve(stepper, 1e-10, Self.dense2001, .land)
        #expect(landed.statistics.acceptedSteps >= 2000)
        // The capped dense output stays well below landing's step count (measured 98 for
        // rk8pd against 2006; see Notes/integrator.md).
        let dense = try Self.solve(stepper, 1e-10, Self.dense2001, .dense)
        #expect(dense.statistics.acceptedSteps * 4 < landed.statistics.acceptedSteps)
    }

    /// The dense output adds little error beyond the method's own: its largest error over 2001
    /// outputs is within 10x of the error a landing solve makes at checkpoints through the rise
    /// (or of the tolerance scale epsabs + epsrel max|u| = 4 tol, if larger). Measured: at most
    /// 1.1x for rkf45, rk4imp and rk2, up to 4.7x for bsimp, whose 20 steps over the rise leave
    /// the interpolant the hardest job. Without the cap rk8pd's interpolation error is about 30x
    /// its own and bsimp's 10^7x, which this test would catch.
    @Test(arguments: [Stepper.rk8pd, .rkf45, .rk4imp, .bsimp, .rk2], [1e-8, 1e-10])
    func denseErrorIsTheMethodsOwn(stepper: Stepper, tol: Double) throws {
        let own = Self.maxError(try Self.solve(stepper, tol, Self.checkpoints, .land))
        let dense = try Self.solve(stepper, tol, Self.dense2001, .dense)
        let error = Self.maxError(dense)
        #expect(error <= 10 * max(own, 4 * tol), "dense error \(error), the method's own \(own)")
    }

    /// The error estimate is honest: uncapped, rk8pd's long steps give an interpolation error
    /// above the tolerance scale epsabs + epsrel max|u| = 4e-10 (measured 3.3e-9 with the
    /// continuous extension, 2e-8 with a Hermite interpolant), and the reported ratio says so.
    @Test func uncappedErrorIsReported() throws {
        let s = try Self.solve(.rk8pd, 1e-10, Self.dense2001, .interpolate)
        #expect(Self.maxError(s) > 2 * 4e-10)
        #expect(s.statistics.interpolationErrorRatio > 10)
    }

    struct Polynomial: ODESystem {
        let degree: Double
        var dimension: Int { 1 }
        var providesJacobian: Bool { false }
        func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            dydt[0] = degree * pow(t, degree - 1)
        }
        func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {}
    }

    /// y' = 5 t^4, y(0) = 0 has y = t^5: rk8pd integrates it exactly and its continuous
    /// extension (order 5: it reproduces polynomials up to degree 5) passes through it, so every
    /// dense output matches t^5 to rounding (1e-13, y up to 1). A wrong weight breaks this.
    @Test func continuousExtensionIsExactOnDegreeFive() throws {
        let times = ODESolver.evenlySpacedTimes(start: 0, end: 1, points: 301)
        let options = SolverOptions(stepper: .rk8pd, absoluteTolerance: 1e-6, relativeTolerance: 1e-6, output: .interpolate)
        let s = try ODESolver.solve(Polynomial(degree: 5), initialState: [0], start: 0, outputTimes: times, options: options)
        #expect(s.statistics.acceptedSteps >= 4)
        let error = (0..<times.count).map { abs(s.state($0).first! - pow(times[$0], 5)) }.max()!
        #expect(error < 1e-13)
    }

    /// y' = 7 t^6 has y = t^7, a polynomial of degree 7: rk8pd integrates it exactly and the
    /// degree-7 Hermite interpolant through four steps (which locates events) reproduces it, so
    /// the crossing of y = 1/2 is found at 2^(-1/7) to rounding.
    @Test func hermiteInterpolantIsExactOnDegreeSeven() throws {
        let times = ODESolver.evenlySpacedTimes(start: 0, end: 1, points: 301)
        let options = SolverOptions(stepper: .rk8pd, absoluteTolerance: 1e-6, relativeTolerance: 1e-6, output: .interpolate)
        let half = ODEEvent(name: "half", level: 0.5, direction: .up) { $0[0] }
        let s = try ODESolver.solve(Polynomial(degree: 7), initialState: [0], start: 0, outputTimes: times, options: options, events: [half])
        #expect(s.statistics.acceptedSteps >= 4)
        let t = try #require(s.events.first).time
        #expect(abs(t - pow(0.5, 1.0 / 7)) < 1e-13)
    }

    /// The half time u = s/2 of the logistic law is ln(s/u0 - 1)/(2s) exactly; the event finds
    /// it to the accuracy of the solution (1e-10 tolerance, slope du/dt = s^2/2 = 4.5 there, so
    /// a time error near 1e-10), independent of the output spacing.
    @Test func halfTimeEventMatchesTheClosedForm() throws {
        let exact = log(3 / Self.u0 - 1) / 6
        let half = ODEEvent(name: "half", level: 1.5, direction: .up) { $0[0] }
        let down = ODEEvent(name: "down", level: 1.5, direction: .down) { $0[0] }
        var times: [Double] = []
        for points in [2, 11, 2001] {
            let s = try Self.solve(.rk8pd, 1e-10, ODESolver.evenlySpacedTimes(start: 0, end: 10, points: points), .interpolate, events: [down, half])
            #expect(s.events.count == 1)
            let t = try #require(s.events.first { $0.name == "half" }).time
            #expect(abs(t - exact) < 1e-8, "half time \(t) against \(exact) with \(points) outputs")
            #expect(abs(s.events[0].state[0] - 1.5) < 1e-12)
            times.append(t)
        }
        // Same steps in every run (interpolate mode): the located time is the same to rounding.
        #expect(times.max()! - times.min()! < 1e-13)
        let landed = try Self.solve(.rk8pd, 1e-10, [0, 10], .land, events: [half])
        #expect(abs(landed.events[0].time - exact) < 1e-8)
    }

    /// Every error norm and controller reaches the accuracy the standard one does (within 3x of
    /// the tolerance-scaled budget), and the PI controller rejects fewer steps.
    @Test(arguments: ErrorNorm.allCases, StepController.allCases)
    func controllersMeetTheTolerance(norm: ErrorNorm, controller: StepController) throws {
        let reference = try Self.solve(.rk8pd, 1e-10, Self.checkpoints, .land)
        let s = try Self.solve(.rk8pd, 1e-10, Self.checkpoints, .land, norm: norm, controller: controller)
        #expect(Self.maxError(s) <= 3 * max(Self.maxError(reference), 4e-10))
        if controller == .pi && norm == .max {
            #expect(s.statistics.rejectedSteps <= reference.statistics.rejectedSteps)
        }
    }

    /// The RMS norm is never larger than the max norm, so on a two-variable system it takes
    /// no more steps (the oscillator's components are of equal size: few fewer steps).
    @Test func rmsNormTakesNoMoreSteps() throws {
        let system = TestProblems.Oscillator()
        let times: [Double] = [0, 20]
        let mx = try ODESolver.solve(system, initialState: [1, 0], start: 0, outputTimes: times, options: SolverOptions(stepper: .rkf45, absoluteTolerance: 1e-9, relativeTolerance: 1e-9))
        let rms = try ODESolver.solve(system, initialState: [1, 0], start: 0, outputTimes: times, options: SolverOptions(stepper: .rkf45, absoluteTolerance: 1e-9, relativeTolerance: 1e-9, errorNorm: .rms))
        #expect(rms.statistics.acceptedSteps <= mx.statistics.acceptedSteps)
        #expect(maxRelativeError(rms.finalState, TestProblems.Oscillator.exact(20), floor: 1) < 1e-6)
    }
}
