import Foundation
import Testing

/// `lindyn check` end to end: the shipped checks, the output formats and the exit codes.
@Suite(.serialized) struct CheckCommandTests {
    @Test func trueCandidatePassesWithExitZero() throws {
        let r = try LindynRun.run(["check", "Validation/checks/weight-decay.json", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["status"] as? String == "success")
        let columns = try #require(json["columns"] as? [String])
        #expect(Array(columns.prefix(4)) == ["s", "lambda", "u0", "tau"])
        #expect(columns.contains("rel_error") && columns.contains("verdict") && columns.contains("integrator_error"))
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["passed"] as? Int == 48 && summary["total"] as? Int == 48)
        let rows = try #require(json["rows"] as? [[Any]])
        #expect(rows.count == 48)
    }

    // The issue's own example, read from standard input, as the default table.
    @Test func tableFromStandardInput() throws {
        let file = try String(contentsOf: LindynRun.repositoryRoot.appendingPathComponent("Validation/checks/saxe-mode.json"), encoding: .utf8)
        let r = try LindynRun.run(["check", "-"], stdin: file)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("proved_zero"))
        #expect(r.stdout.contains("passed 12 of 12"))
    }

    @Test func wrongCandidateFailsWithExitOneAndSaysWhere() throws {
        let r = try LindynRun.run(["check", "Validation/checks/wrong-lambda.json", "--format", "json"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("passed 4 of 12, 8 failed"))
        #expect(r.stderr.contains("worst point"))
        let summary = try #require(r.json?["summary"] as? [String: Any])
        let worst = try #require(summary["worst"] as? [String: Any])
        #expect(worst["verdict"] as? String == "fail")
        #expect(worst["t"] != nil && worst["reason"] != nil)
        #expect(worst["lambda"] as? Double != 0)
    }

    @Test func csvHasAHeaderAndOneLinePerPoint() throws {
        let r = try LindynRun.run(["check", "Validation/checks/wrong-factor-2.json", "--format", "csv"])
        #expect(r.status == 1)
        // The first CSV block is the table; the second holds the notes and the summary line.
        let blocks = r.stdout.components(separatedBy: "\n\n")
        #expect(blocks.count == 2)
        #expect(blocks.last?.contains("summary,\"passed 0 of 12") == true)
        let lines = blocks[0].split(separator: "\n")
        #expect(lines.first?.hasPrefix("s,u0,tau,initial_error,symbolic") == true)
        #expect(lines.count == 13)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",fail,") })
    }

    @Test func badFilesExitSixtyFiveWithThePosition() throws {
        let expression = #"""
            {"system": {"variables": ["u"], "equations": ["-u"], "initial": [1]}, "time": {"end": 1},
             "candidate": {"u": "exp(-t))"}}
            """#
        var r = try LindynRun.run(["check", "-"], stdin: expression)
        #expect(r.status == 65)
        #expect(r.stderr.contains("candidate.u") && r.stderr.contains("position 7"))
        r = try LindynRun.run(["check", "-"], stdin: #"{"system": {"variables": ["u"],, }"#)
        #expect(r.status == 65)
        #expect(r.stderr.contains("line 1, column 32"))
        r = try LindynRun.run(["check", "Validation/checks/nonexistent.json"])
        #expect(r.status == 64)
        r = try LindynRun.run(["check", "Validation/checks/saxe-mode.json", "--tolerance", "-1"])
        #expect(r.status == 64)
    }

    @Test func integrationFailureExitsTwo() throws {
        let r = try LindynRun.run(["check", "-"], stdin: #"""
            {"system": {"variables": ["u"], "equations": ["u^2"], "initial": [1]},
             "candidate": {"u": "1 + t"}, "time": {"end": 2, "points": 11}}
            """#)
        #expect(r.status == 2)
        #expect(r.stderr.contains("integration failed"))
    }

    // Fuzz through the binary: malformed expressions in every expression field give exit 65 and
    // one clear line naming the field, never a crash (a signal would give another status).
    @Test func malformedExpressionsExitSixtyFive() throws {
        let junk = ["exp(", "1 +", "*t", "a b", "sqrt)", "2^^3", "#", "", "1e", "((t)"]
        let fields = [
            (#"{"u": "JUNK"}"#, "candidate.u"),
        ]
        for bad in junk {
            for (template, field) in fields {
                let file = """
                    {"system": {"variables": ["u"], "equations": ["-u"], "initial": [1]}, "time": {"end": 1},
                     "candidate": \(template.replacingOccurrences(of: "JUNK", with: bad))}
                    """
                let r = try LindynRun.run(["check", "-"], stdin: file)
                #expect(r.status == 65, "'\(bad)': \(r.stderr)")
                #expect(r.stderr.hasPrefix("lindyn: error:") && r.stderr.contains(field))
            }
            let equation = """
                {"system": {"variables": ["u"], "equations": ["\(bad)"], "initial": [1]}, "time": {"end": 1},
                 "candidate": {"u": "1"}}
                """
            let r = try LindynRun.run(["check", "-"], stdin: equation)
            #expect(r.status == 65, "'\(bad)': \(r.stderr)")
            #expect(r.stderr.contains("system.equations[0]"))
        }
    }
}

/// `lindyn check` on data-backed models: a generalisation law checked like a mode law.
@Suite(.serialized) struct ModelCheckCommandTests {
    @Test func exactRegressionLawPassesAgainstFlowAndFormula() throws {
        let r = try LindynRun.run(["check", "Validation/checks/regression-errors.json", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let columns = try #require(r.json?["columns"] as? [String])
        #expect(Array(columns.prefix(3)) == ["ratio", "noise", "seed"])
        #expect(columns.contains("formula_error") && columns.contains("rel_error"))
        let summary = try #require(r.json?["summary"] as? [String: Any])
        #expect(summary["passed"] as? Int == 12 && summary["total"] as? Int == 12)
    }

    @Test func wrongConventionFailsWithExitOneAndSaysWhere() throws {
        let r = try LindynRun.run(["check", "Validation/checks/wrong-regression-half.json"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("passed 0 of 4, 4 failed"))
        #expect(r.stderr.contains("(train_error)") && r.stderr.contains("formula: relative error 0.5"))
    }

    @Test func observableTheModelLacksExitsSixtyFive() throws {
        let text = #"""
            {"model": {"kind": "regression", "inputs": 4, "samples": 8, "seed": 1}, "candidate": {"loss": "1"}, "time": {"end": 1}}
            """#
        let r = try LindynRun.run(["check", "-"], stdin: text)
        #expect(r.status == 65)
        #expect(r.stderr.contains("candidate.loss") && r.stderr.contains("train_error, test_error"))
    }
}
