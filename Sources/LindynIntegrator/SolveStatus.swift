/// How a run ended: success, or the numerical failure that stopped it.
///
/// The raw value is the status word of the output contract (the `"status"` field of every
/// JSON result and the words in the tables), so `status.rawValue` is what a file records and
/// `SolveStatus(rawValue:)` reads it back. `description` is the same word, so a status
/// interpolated into a message reads as it does in the files.
public enum SolveStatus: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The run reached its end time (or last epoch) and every reported value is finite.
    case success
    /// GSL_FAILURE: the step size could not be reduced further (typically a singularity or a
    /// finite-time blow-up).
    case failure
    /// More accepted steps than ``SolverOptions/maxSteps`` allows (GSL_EMAXITER).
    case maxSteps = "max_steps"
    /// The step size fell below ``SolverOptions/minStep`` (GSL_ENOPROG).
    case noProgress = "no_progress"
    /// Another GSL status (e.g. GSL_EBADFUNC) from inside the stepper.
    case gslError = "gsl_error"
    /// A state, derivative, observable or loss became NaN or infinite: the rows stop before it.
    case nonFinite = "non_finite"
    /// The right-hand side or Jacobian threw (see ``IntegrationError/underlying``).
    case functionError = "function_error"
    /// Gradient descent left the region where its weights stay bounded: a weight exceeded the
    /// divergence threshold (the learning rate is too large for the problem).
    case diverged

    /// Whether the run succeeded.
    public var succeeded: Bool { self == .success }

    /// The status word, as in the output files.
    public var description: String { rawValue }
}

extension IntegrationError {
    /// The status this failure reports (never ``SolveStatus/success``).
    public var status: SolveStatus {
        switch reason {
        case .failure: .failure
        case .maxSteps: .maxSteps
        case .noProgress: .noProgress
        case .gslStatus: .gslError
        case .nonFinite: .nonFinite
        case .userFunction: .functionError
        }
    }
}
