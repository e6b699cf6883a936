import Foundation
import LindynExpr
import LindynModels
import Testing
@testable import LindynCheck

/// The repository root (for the shipped files under Validation/checks).
let checksDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Validation/checks")

func shippedCheck(_ name: String) throws -> DerivationCheck {
    try DerivationCheck.load(InputJSON.parse(contentsOf: checksDirectory.appendingPathComponent(name + ".json")))
}

func value(_ p: CheckPointResult, _ name: String) -> Double {
    p.parameters.first { $0.name == name }!.value
}

@Suite("Derivation checker")
struct CheckTests {
    // The closed forms of Notes/logistic-law.md, deep-networks.md, weight-decay.md, dropout.md and
    // autoencoders.md, each with its own dynamics. They are exact,
    // so what the checker measures is the integrator's error: rk8pd at epsrel 1e-12 gives relative
    // errors ~1e-14 (measured worst 6e-15). The verdict uses the file's tolerance 1e-6; the
    // second bound, 1e-10, asserts the check is far tighter than the verdict needs (100x the
    // integrator_error estimate of ~3e-10 would also be a sound bound, this is stricter).
    @Test(arguments: ["scalar", "saxe-mode", "saxe-mode-weights", "weight-decay", "dropout", "dae", "wdae", "deep-depth2"])
    func trueCandidatesPass(_ name: String) throws {
        let report = try shippedCheck(name).run()
        #expect(report.exitCode == 0, "\(name): \(report.summary)")
        for p in report.points {
            #expect(p.verdict == .pass, "\(name) point \(p.index): \(p.reason ?? "")")
            #expect((p.relativeError ?? .nan) < 1e-10)
            #expect((p.residual ?? .nan) < 1e-10)
            #expect((p.initialError ?? .nan) < 1e-12)
            // The integrator's own estimate is reported and below the tolerance, so a pass is resolved.
            #expect((p.integratorError ?? .nan) < report.tolerance)
        }
    }

    // Dropped factor 2: u(t) = s e^{st}/(...) grows at half the rate, so away from t = 0 it is
    // off by orders of magnitude; every point must fail, and the initial condition still holds
    // (the error is in the dynamics, which the checker must say).
    @Test func droppedFactorTwoFailsEverywhere() throws {
        let report = try shippedCheck("wrong-factor-2").run()
        #expect(report.exitCode == 1)
        #expect(report.count(.fail) == report.points.count)
        for p in report.points {
            #expect((p.initialError ?? .nan) < 1e-12)
            #expect((p.relativeError ?? 0) > 0.5)
            // tau du/dt = 2u(s-u) against d/dt of the wrong form: the residual is O(1) of the rate.
            #expect((p.residual ?? 0) > 0.1)
            #expect(p.symbolic == .notProved)
            #expect(p.reason?.contains("trajectory") == true)
        }
        #expect(report.summary.contains("worst point"))
        #expect(report.worst?.failureTime != nil)
    }

    // lambda missing from the rate: identical to the truth at lambda = 0, wrong elsewhere by a
    // factor that grows like e^{2 lambda t/tau} on the plateau (at least 10% here).
    @Test func lambdaInTheWrongPlaceFailsWhereLambdaIsNotZero() throws {
        let report = try shippedCheck("wrong-lambda").run()
        #expect(report.exitCode == 1)
        for p in report.points {
            if value(p, "lambda") == 0 {
                #expect(p.verdict == .pass, "point \(p.index): \(p.reason ?? "")")
            } else {
                #expect(p.verdict == .fail)
                #expect((p.relativeError ?? 0) > 0.1)
            }
        }
        #expect(report.count(.pass) == 4 && report.count(.fail) == 8)
    }

    // p on the wrong side of the time scale: right only at p = 1.
    @Test func dropoutWithPOnTheWrongSideFailsWhereDropoutIsOn() throws {
        let report = try shippedCheck("wrong-dropout-side").run()
        for p in report.points {
            if value(p, "p") == 1 {
                #expect(p.verdict == .pass, "point \(p.index): \(p.reason ?? "")")
            } else {
                #expect(p.verdict == .fail)
                #expect((p.relativeError ?? 0) > 0.1)
            }
        }
    }

    @Test func symbolicResidual() throws {
        // Proved for symbolic parameters (logistic as a system).
        let saxe = try shippedCheck("saxe-mode")
        #expect(try saxe._compile().provedEverywhere)
        // Balanced weights a = b = sqrt(u(t)): needs sqrt(X)^2 = X.
        #expect(try shippedCheck("saxe-mode-weights")._compile().provedEverywhere)
        // u^(2 - 2/D) is an atom until D = 2 is substituted: proved per point only.
        let deep = try shippedCheck("deep-depth2")
        #expect(try deep._compile().provedEverywhere == false)
        #expect(try deep.run().points.allSatisfy { $0.symbolic == .provedZero })
        // Observables only: not applicable.
        #expect(try shippedCheck("weight-decay").run().points.allSatisfy { $0.symbolic == .notApplicable })
    }

    @Test func rationalNormalFormIdentities() throws {
        func zero(_ text: String) throws -> Bool { _RationalNormalizer.provesZero(try SymbolicExpression.parse(text)) }
        #expect(try zero("(x + 1)^2 - x^2 - 2*x - 1"))
        #expect(try zero("1/(x - 1) - 1/(x + 1) - 2/(x^2 - 1)"))
        #expect(try zero("sqrt(x)^2 - x"))
        #expect(try zero("sqrt(x/y)*sqrt(x/y)*y - x"))
        #expect(try zero("x^1.5 - x*sqrt(x)"))
        #expect(try zero("exp(2*t)*exp(2*t) - exp(2*t)^2"))
        // Not identities: never "proved".
        #expect(try !zero("x - y"))
        #expect(try !zero("(x + 1)^2 - x^2 - 2*x"))
        #expect(try !zero("sqrt(x)^2 - x - 1e-9"))
        // A zero denominator proves nothing.
        #expect(try !zero("((x + 1)^2 - x^2 - 2*x - 1)/((y + 1)^2 - y^2 - 2*y - 1)"))
    }

    // a = s - lambda = 0: the logistic form is 0/0 at every t. Reported as undefined, counted
    // apart from failures, and failing the run.
    @Test func undefinedCandidateIsReportedNotSkipped() throws {
        var check = try shippedCheck("weight-decay")
        check.grid = [("s", [1]), ("lambda", [0.5, 1]), ("u0", [1e-3]), ("tau", [10])]
        check.time.end = 20
        let report = try check.run()
        #expect(report.points[0].verdict == .pass)
        #expect(report.points[1].verdict == .undefined)
        #expect(report.points[1].reason?.contains("not finite") == true)
        #expect(report.count(.undefined) == 1)
        #expect(report.exitCode == 1)
        #expect(report.summary.contains("1 undefined"))
    }

    // tau du/dt = u^2 from u0 = 1 blows up at t = 1: the integration fails before t = 2.
    @Test func integrationFailureExitsTwo() throws {
        let check = try DerivationCheck.load(text: """
            {"system": {"variables": ["u"], "equations": ["u^2"], "initial": [1]},
             "candidate": {"u": "1 + t"}, "time": {"end": 2, "points": 11}}
            """)
        let report = try check.run()
        #expect(report.points[0].verdict == .integrationFailed)
        #expect(report.exitCode == 2)
    }

    // Gradient descent at alpha = 1/tau = 0.01 on the Saxe mode (s = 1): near the saddle
    // descent grows by (1 + alpha s)^2 < e^{2 alpha s} per epoch, so its half-time is longer by
    // about 1 + alpha s/2 (Notes/gradient-descent.md): the ratio must lie in (1, 1 + alpha s). The
    // candidate's descent error equals the flow's own lag to 1e-9 (the candidate is exact).
    @Test func descentLagIsShownAndOnlyDecidesWithATolerance() throws {
        var check = try shippedCheck("weight-decay")
        check.grid = [("s", [1]), ("lambda", [0]), ("u0", [1e-3]), ("tau", [100])]
        var report = try check.run()
        let d = try #require(report.points[0].descent)
        #expect(d.status == .success)
        #expect(d.statusWord == "success")
        let ratio = try #require(d.timeRatio)
        #expect(ratio > 1 && ratio < 1.01)
        #expect(Swift.abs((d.error ?? .nan) - (d.lag ?? .nan)) < 1e-9)
        #expect((d.error ?? 0) > 1e-3)  // the lag is real and visible
        #expect(report.points[0].verdict == .pass && d.passed == nil)
        check.descentTolerance = 1e-4
        report = try check.run()
        #expect(report.points[0].verdict == .fail)
        #expect(report.points[0].reason?.contains("descent") == true)
        check.descentTolerance = 0.5
        report = try check.run()
        #expect(report.points[0].verdict == .pass && report.points[0].descent?.passed == true)
    }

    @Test func gridAxesOverrideParametersAndExpressionsAreEvaluatedPerPoint() throws {
        let check = try DerivationCheck.load(text: """
            {"system": {"variables": ["y"], "equations": ["-k*y"], "initial": ["y0"], "parameters": {"k": 5, "y0": 2}},
             "candidate": {"y": "y0*exp(-k*t)"}, "grid": {"k": [0.5, 2]},
             "time": {"end": "3/k", "at": ["1/k", "2/k"]}}
            """)
        #expect(check.parameterNames == ["k", "y0"])
        let report = try check.run()
        #expect(report.exitCode == 0, "\(report.summary)")
        #expect(report.points.map { value($0, "k") } == [0.5, 2])
        #expect(report.points[0].symbolic == .provedZero)
    }

    @Test func fileErrorsNameTheField() throws {
        func refusal(_ text: String) -> ProblemFileError? {
            do { _ = try DerivationCheck.load(text: text) } catch { return error }
            return nil
        }
        let base = #"{"system": {"variables": ["u"], "equations": ["-u"], "initial": [1]}, "time": {"end": 1}, "candidate": "#
        #expect(refusal(base + #"{"u": "exp(-t"}}"#)?.message.contains("position 6") == true)
        #expect(refusal(base + #"{"u": "exp(-t)"}}"#) == nil)
        #expect(refusal(base + #"{"u": "exp(-k*t)"}}"#)?.field == "candidate.u")
        #expect(refusal(base + #"{"u": "u"}}"#)?.message.contains("not in the state") == true)
        #expect(refusal(base + #"{"v": "1"}}"#)?.field == "candidate.v")
        #expect(refusal(base + #"{}}"#)?.field == "candidate")
        #expect(refusal(base + #"{"u": "1"}, "grid": {"u": [1]}}"#)?.field == "grid.u")
        #expect(refusal(base + #"{"u": "1"}, "tolerance": -1}"#)?.field == "tolerance")
        #expect(refusal(base + #"{"u": "1"}, "descent": true}"#)?.field == "descent")
        #expect(refusal(base + #"{"u": "1"}, "solver": {"stepper": "euler"}}"#)?.field == "solver.stepper")
        #expect(refusal(base + #"{"u": "1"}, "tme": {}}"#)?.field == "tme")
        #expect(refusal(#"{"system": {"variables": ["u"], "equations": ["-u*k"], "initial": [1]}, "time": {"end": 1}, "candidate": {"u": "1"}}"#)?.field == "system.equations[0]")
        #expect(refusal(#"{"loss": {"weights": ["a"], "expression": "a^2"}, "#)?.message.contains("line 1") == true)
    }

    // Fuzz: random expressions (from a seeded generator, so failures reproduce) as candidates
    // and as equations. Loading either succeeds or throws a ProblemFileError naming the field;
    // running never traps, and every point gets a verdict.
    @Test func randomExpressionsNeverCrash() throws {
        var rng = SeededGenerator(seed: 2024)
        let tokens = ["t", "k", "u", "1", "2.5", "1e-3", "+", "-", "*", "/", "^", "(", ")", "exp(", "log(", "sqrt(", "abs(",
                      "tanh(", ",", "#", "e", "1e999", " ", "..", "0/0", "x"]
        var loaded = 0
        for _ in 0..<300 {
            let count = 1 + Int(rng.next() % 9)
            let text = (0..<count).map { _ in tokens[Int(rng.next() % UInt64(tokens.count))] }.joined()
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            let slot = rng.next() % 2
            let equation = slot == 0 ? "-k*u" : escaped
            let candidate = slot == 1 ? "exp(-k*t)" : escaped
            let file = """
                {"system": {"variables": ["u"], "equations": ["\(equation)"], "initial": [1], "parameters": {"k": 1}},
                 "candidate": {"u": "\(candidate)"}, "time": {"end": 1, "points": 5}}
                """
            do {
                let check = try DerivationCheck.load(text: file)
                loaded += 1
                let report = try check.run()
                #expect(report.points.count == 1)
                #expect(!report.summary.isEmpty)
            } catch {
                #expect(!error.field.isEmpty && !error.message.isEmpty)
            }
        }
        #expect(loaded > 10)  // the generator reaches the run path too
    }

    // Fuzz: a shipped file truncated or with one byte replaced at random: a clear refusal or a
    // file that still loads; never a trap.
    @Test func mangledFilesNeverCrash() throws {
        let original = Array(try String(contentsOf: checksDirectory.appendingPathComponent("weight-decay.json"), encoding: .utf8).utf8)
        var rng = SeededGenerator(seed: 7)
        let replacements = Array("{}[]\",:0-e.xtnul#\\ ".utf8)
        for trial in 0..<400 {
            var bytes = original
            let i = Int(rng.next() % UInt64(bytes.count))
            if trial % 3 == 0 {
                bytes = Array(bytes[..<i])
            } else {
                bytes[i] = replacements[Int(rng.next() % UInt64(replacements.count))]
            }
            do {
                _ = try DerivationCheck.load(text: String(decoding: bytes, as: UTF8.self))
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
    }
}
