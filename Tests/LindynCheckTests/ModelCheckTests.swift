import Foundation
import LindynModels
import Testing
@testable import LindynCheck

/// Candidate generalisation laws checked against data-backed models (a regression, a teacher
/// network): the candidate is evaluated on the model's own data set and compared with its
/// integrated flow and with the exact formula of `lindyn formula`.
@Suite("Derivation checker on data-backed models")
struct ModelCheckTests {
    // The exact finite-size laws of Notes/generalisation.md written as candidates: Advani &
    // Saxe's per-eigendirection weights (test and train error) and Lampinen & Ganguli's per-mode
    // logistic law (orthonormal inputs, aligned start). Both are exact for the data set, so the
    // measured error is the integrator's (rk8pd at epsrel 1e-12) plus rounding: the verdict uses
    // the file's tolerance 1e-6, and the formula column must be there (these models have one) and
    // agree as well.
    @Test(arguments: ["regression-errors", "teacher-network-errors"])
    func exactLawsPass(_ name: String) throws {
        let report = try shippedCheck(name).run()
        #expect(report.exitCode == 0, "\(name): \(report.summary)")
        #expect(report.table.columns.contains("formula_error"))
        for p in report.points {
            #expect(p.verdict == .pass, "\(name) point \(p.index): \(p.reason ?? "")")
            #expect((p.relativeError ?? .nan) < report.tolerance)
            let formula = try #require(p.formulaError, "\(name): the formula comparison is missing")
            #expect(formula < report.tolerance)
            // The integrator's own estimate is reported and below the tolerance, so a pass is resolved.
            #expect((p.integratorError ?? .nan) < report.tolerance)
            // The teacher network's depth-2 law is the logistic mode law, which holds to rounding
            // (measured worst 1.1e-12): far tighter than the verdict, so the check has room.
            if name == "teacher-network-errors" { #expect((p.relativeError ?? .nan) < 1e-9) }
        }
    }

    /// The wrong candidates fail at every point, naming the observable and the check.
    @Test func missingNoiseFloorFails() throws {
        let report = try shippedCheck("wrong-regression-noise-floor").run()
        #expect(report.exitCode == 1)
        for p in report.points {
            #expect(p.verdict == .fail)
            let reason = p.reason ?? ""
            #expect(reason.contains("trajectory") && reason.contains("(test_error)") && reason.contains("formula"), "\(reason)")
            // The floor is missing from t = 0 on: the initial condition fails too.
            #expect((p.initialError ?? 0) > 1e-2)
        }
        #expect(report.summary.contains("passed 0 of 4, 4 failed"))
    }

    @Test func rateTwiceTooFastFailsDuringLearningOnly() throws {
        let report = try shippedCheck("wrong-regression-rate-2").run()
        #expect(report.exitCode == 1)
        for p in report.points {
            #expect(p.verdict == .fail)
            // Right at the start (the rate does not enter at t = 0), wrong while learning.
            #expect((p.initialError ?? .nan) < 1e-12)
            #expect((p.relativeError ?? 0) > 1e-2)
            #expect((p.errorTime ?? 0) > 0)
            #expect(p.reason?.contains("(test_error)") == true)
        }
    }

    // Half the train error is off by exactly 1/2 in relative terms at every time:
    // |E/2 - E| / E = 1/2 (to the flow's own error, far below 1e-6).
    @Test func factorOneHalfFailsByExactlyHalf() throws {
        let report = try shippedCheck("wrong-regression-half").run()
        #expect(report.exitCode == 1)
        for p in report.points {
            #expect(p.verdict == .fail)
            #expect(abs((p.relativeError ?? .nan) - 0.5) < 1e-6)
            #expect(abs((p.initialError ?? .nan) - 0.5) < 1e-6)
            #expect(p.reason?.contains("(train_error)") == true)
        }
    }

    static let regression = #"""
        "model": {"kind": "regression", "inputs": "n", "samples": "ratio*n", "teacher_variance": 1, "noise_variance": 0.5, "tau": 1, "seed": "seed"},
        "parameters": {"n": 8}, "time": {"end": 5, "points": 6}
        """#

    static func file(_ body: String, model: String = regression) -> String { "{" + model + ", " + body + "}" }

    /// Every refusal names the field.
    @Test(arguments: [
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"loss": "1"}"#, "candidate.loss"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"u1": "1"}"#, "candidate.u1"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"test_error": "x + t"}"#, "candidate.test_error"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"test_error": "lam*t"}"#, "candidate.test_error"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"test_error": {"mode_term": "lam*q"}}"#, "candidate.test_error.mode_term"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"test_error": {"mode_term": "lam", "expression": "mode_sum*c"}}"#, "candidate.test_error.expression"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"test_error": {"modeterm": "lam"}}"#, "candidate.test_error.modeterm"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"test_error": "mode_sum"}"#, "candidate.test_error"),
        (#""grid": {"ratio": [0], "seed": [1]}, "candidate": {"test_error": "1"}"#, "model.samples"),
        (#""grid": {"ratio": [2], "seed": [1], "alpha": [1]}, "candidate": {"test_error": "1"}"#, "grid.alpha"),
        (#""grid": {"ratio": [2], "seed": [1], "unused": [1, 2]}, "candidate": {"test_error": "1"}"#, "grid.unused"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"test_error": "1"}, "descent": true"#, "descent"),
        (#""grid": {"ratio": [2], "seed": [1]}, "candidate": {"test_error": "1"}, "descent_tolerance": 0.1"#, "descent_tolerance"),
        // 7 points x 10^6 times x 8 modes: past the 5e7 mode-term evaluations allowed.
        (#""grid": {"ratio": [1, 2, 3, 4, 5, 6, 7], "seed": [1]}, "candidate": {"test_error": {"mode_term": "lam"}}, "time": {"end": 1, "points": 1000000}"#, "time.points"),
    ])
    func badInputNamesTheField(_ body: String, _ field: String) throws {
        var text = Self.file(body)
        if body.contains("\"time\"") { text = text.replacingOccurrences(of: #", "time": {"end": 5, "points": 6}"#, with: "") }
        #expect(throws: ProblemFileError.self) { _ = try DerivationCheck.load(text: text) }
        do { _ = try DerivationCheck.load(text: text) } catch {
            #expect(error.field == field, "\(body): \(error)")
        }
    }

    @Test func badModelInputNamesTheField() throws {
        let cases: [(String, String)] = [
            // A model string with a name that is not a parameter.
            (#""model": {"kind": "regression", "inputs": 8, "samples": "ratio*m", "seed": 1}, "grid": {"ratio": [2]}"#, "model.samples"),
            // A network without data: no generalisation observables (mode laws are checked by validate).
            (#""model": {"kind": "network", "widths": [2, 2, 2], "modes": [{"s": 1}]}"#, "model"),
            // Top-level parameters belong to model checks only.
            (#""system": {"variables": ["u"], "equations": ["-u"], "initial": [1]}, "parameters": {"a": 1}"#, "parameters"),
        ]
        for (head, field) in cases {
            let text = "{" + head + #", "candidate": {"test_error": "1"}, "time": {"end": 1}}"#
            do {
                _ = try DerivationCheck.load(text: text)
                Issue.record("\(head): loaded")
            } catch {
                #expect(error.field == field, "\(head): \(error)")
            }
        }
    }

    // A per-mode variable used outside a mode term has no single value: refused, naming the
    // candidate and saying how to sum it.
    @Test func perModeVariableOutsideModeTermIsRefusedWithAHint() throws {
        let text = #"""
            {"model": {"kind": "network", "widths": [4, 4, 4], "data": {"teacher": {"singular_values": [2]}, "inputs": "orthonormal", "label_noise": 0.5, "seed": 1}, "init": {"u0": 0.01}, "tau": 1},
             "candidate": {"u1": "shat*t"}, "time": {"end": 1}}
            """#
        do {
            _ = try DerivationCheck.load(text: text)
            Issue.record("loaded")
        } catch {
            #expect(error.field == "candidate.u1")
            #expect(error.message.contains("per-mode variable"))
        }
    }
}
