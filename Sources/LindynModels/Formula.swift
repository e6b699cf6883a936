import Foundation
import LindynTheory

/// Closed-form solutions of the built-in models (being built).
public enum Formula {
    /// The closed-form observables at the problem's output times (columns `t` then the model's
    /// compared observables: `u` for scalar, chain and mode; `u1..ur` for network and
    /// autoencoder) and the derived quantities `fixed_point`, `half_time`, `time_to_learn`,
    /// `dropout_time_bound` (with dropout), `gd_stability_limit`.
    /// - Throws: ``ProblemFileError`` naming the field when the settings have no closed form.
    public static func evaluate(_ problem: Problem) throws -> RunResult {
        throw ProblemFileError(field: problem.dynamics.kind, message: "closed forms are not available yet")
    }
}
