import Foundation
import LindynIntegrator

/// Documented limits on the inputs whose cost in time or memory grows with their size. A file
/// beyond a limit is refused (exit 65, naming the field and the limit) before any work starts;
/// `--allow-large` raises the soft limits to ``large`` for users who mean it. The hard limits of
/// ``large`` are what the arithmetic allows (an epoch count must be exact in a double, a dense
/// Jacobian must fit in memory).
public struct CostLimits: Sendable, Hashable {
    /// Epochs of one descent (`time.end - time.start`).
    public var descentEpochs: Int
    /// Descent runs (`descent.runs`, `--runs`).
    public var descentRuns: Int
    /// Epochs summed over all runs.
    public var descentWork: Int
    /// Points of a validation grid (the product of the axis lengths).
    public var gridPoints: Int
    /// State variables of a problem integrated with a stepper that uses the Jacobian (GSL
    /// allocates dense n x n matrices: n = 2000 is 32 MB per matrix).
    public var jacobianVariables: Int
    /// Trajectory samples of `lindyn stiffness --samples`.
    public var stiffnessSamples: Int

    /// Limits with the given sizes (see ``standard`` and ``large`` for the ones in use).
    public init(descentEpochs: Int, descentRuns: Int, descentWork: Int, gridPoints: Int, jacobianVariables: Int, stiffnessSamples: Int) {
        self.descentEpochs = descentEpochs
        self.descentRuns = descentRuns
        self.descentWork = descentWork
        self.gridPoints = gridPoints
        self.jacobianVariables = jacobianVariables
        self.stiffnessSamples = stiffnessSamples
    }

    /// The defaults: 10^8 epochs, 10^4 runs, 10^9 epochs over all runs, 10^5 grid points, 2000
    /// variables with a Jacobian, 10^5 stiffness samples.
    public static let standard = CostLimits(
        descentEpochs: 100_000_000, descentRuns: 10_000, descentWork: 1_000_000_000, gridPoints: 100_000,
        jacobianVariables: 2_000, stiffnessSamples: 100_000)

    /// With `--allow-large`: 2^53 epochs (beyond it `start + epoch` is no longer exact), 10^9 runs
    /// and epochs over all runs 2^62, 10^8 grid points, 8000 variables with a Jacobian (512 MB per
    /// dense matrix), 10^7 stiffness samples.
    public static let large = CostLimits(
        descentEpochs: 1 << 53, descentRuns: 1_000_000_000, descentWork: 1 << 62, gridPoints: 100_000_000,
        jacobianVariables: 8_000, stiffnessSamples: 10_000_000)

    /// The limits in force: ``large`` when `allowLarge`, else ``standard``.
    public static func forRun(allowLarge: Bool) -> CostLimits { allowLarge ? .large : .standard }

    /// The hint appended to a refusal under the standard limits.
    var hint: String { self == .standard ? "; pass --allow-large to raise the limit" : "" }

    /// Epochs of a descent from `start` to `end`, refused (naming `time.end`) beyond the limit
    /// before any conversion to an integer can trap.
    public func descentEpochCount(start: Double, end: Double) throws(ProblemFileError) -> Int {
        let span = (end - start).rounded(.down)
        guard span.isFinite, span <= Double(descentEpochs) else {
            throw ProblemFileError(
                field: "time.end",
                message: "a descent of \(end - start) epochs exceeds the limit of \(descentEpochs) epochs\(hint)")
        }
        return Int(span)
    }

    /// Refuses a descent whose runs or total epochs exceed the limits.
    public func checkDescent(epochs: Int, runs: Int) throws(ProblemFileError) {
        guard runs <= descentRuns else {
            throw ProblemFileError(field: "descent.runs", message: "\(runs) runs exceed the limit of \(descentRuns)\(hint)")
        }
        let (work, overflow) = epochs.multipliedReportingOverflow(by: runs)
        guard !overflow, work <= descentWork else {
            throw ProblemFileError(
                field: "descent.runs",
                message: "\(runs) runs of \(epochs) epochs exceed the limit of \(descentWork) epochs over all runs\(hint)")
        }
    }

    /// Refuses a stepper that uses the Jacobian on a problem with more variables than the limit
    /// (before GSL allocates its dense matrices).
    public func checkJacobian(stepper: Stepper, variables: Int) throws(ProblemFileError) {
        guard stepper.needsJacobian, variables > jacobianVariables else { return }
        throw ProblemFileError(
            field: "solver.stepper",
            message: "\(stepper.rawValue) uses the dense \(variables) x \(variables) Jacobian; implicit steppers are limited to \(jacobianVariables) variables\(hint); use an explicit stepper (rk8pd, rkf45, msadams)")
    }
}
