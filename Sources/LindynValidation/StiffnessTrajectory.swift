import Foundation
import LindynReport

/// `lindyn stiffness`: the spectra along one trajectory as a table, and the step-count summary.
public enum StiffnessTrajectoryTable {
    /// One row per sampled state: its time, max |lambda|, the extreme real parts, the null and
    /// unstable counts and the restricted ratio.
    public static func table(_ report: StiffnessReport) -> Table {
        var table = Table(
            columns: [
                Table.Column("t"), Table.Column("max_abs_lambda", description: "largest |lambda|"),
                Table.Column("min_re", description: "most negative real part"), Table.Column("max_re", description: "largest real part"),
                Table.Column("min_decaying_lambda", description: "smallest |Re lambda| with Re lambda < -cutoff max|lambda|"),
                Table.Column("stiffness_ratio", description: "max/min |Re lambda| over the decaying eigenvalues"),
                Table.Column("null"), Table.Column("unstable"), Table.Column("solver"),
            ],
            title: "Jacobian spectrum along the trajectory")
        for s in report.samples {
            table.append([
                .number(s.t), .number(s.maxAbs), .number(s.eigenvalues.map(\.re).min() ?? .nan), .number(s.eigenvalues.map(\.re).max() ?? .nan),
                s.minDecaying.map { .number($0) } ?? .missing, s.restrictedRatio.map { .number($0) } ?? .missing,
                .integer(s.nullCount), .integer(s.unstableCount), .text(s.symmetric ? "symmetric" : "general"),
            ])
        }
        return table
    }

    static func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }

    /// The summary as JSON members.
    public static func summary(_ r: StiffnessReport) -> [(String, JSONValue)] {
        [
            ("T_max_lambda", number(r.spanIndex)),
            ("alpha_max_lambda", number(r.descentIndex)),
            ("explicit", ["stepper": .string(r.explicit.stepper.rawValue), "status": .string(r.explicit.status.description), "accepted_steps": .integer(r.explicit.acceptedSteps),
                          "rhs_evaluations": .integer(r.explicit.rhsEvaluations), "h_max_lambda": number(r.explicit.meanStep.map { $0 * r.maxAbs })]),
            ("implicit", ["stepper": .string(r.implicit.stepper.rawValue), "status": .string(r.implicit.status.description), "accepted_steps": .integer(r.implicit.acceptedSteps),
                          "rhs_evaluations": .integer(r.implicit.rhsEvaluations), "jacobian_evaluations": .integer(r.implicit.jacobianEvaluations),
                          "h_max_lambda": number(r.implicit.meanStep.map { $0 * r.maxAbs })]),
            ("step_ratio", number(r.stepRatio)),
            ("verdict", .string(r.verdict)),
            ("rule", .string(r.rule)),
            ("notes", .array(r.notes.map { .string($0) })),
        ]
    }

    /// The indices and the step-count verdict as text, for the terminal.
    public static func summaryText(_ r: StiffnessReport) -> String {
        var s = "T max|lambda| = \(shortNumber(r.spanIndex))"
        if let d = r.descentIndex { s += "; gradient descent: alpha max|lambda(Hessian)| = \(shortNumber(d)) (stable near a minimum below 2)" }
        s += "\n"
        for c in [r.explicit, r.implicit] {
            s += "\(c.stepper.rawValue): \(c.acceptedSteps) steps, \(c.rhsEvaluations) f and \(c.jacobianEvaluations) Jacobian evaluations, \(c.status)"
            if let h = c.meanStep { s += "; mean h max|lambda| = \(shortNumber(h * r.maxAbs))" }
            s += "\n"
        }
        if let ratio = r.stepRatio { s += "step ratio \(r.explicit.stepper.rawValue)/\(r.implicit.stepper.rawValue) = \(shortNumber(ratio))\n" }
        s += "verdict: \(r.verdict) (\(r.rule))\n"
        for n in r.notes { s += "note: \(n)\n" }
        return s
    }
}
