import Foundation
import Testing

/// `lindyn solve` end to end: the shipped problems, the output contract and the exit codes.
@Suite(.serialized) struct SolveCommandTests {
    /// Hairer & Wanner's reference for Robertson's problem at t = 40 (Solving ODEs II, test set;
    /// computed there with a very tight tolerance); the issue asks for 1e-7 relative.
    static let robertson40 = [0.7158270687193941, 9.185534764557338e-06, 0.2841637457458413]

    @Test(arguments: ["bsimp", "msbdf"])
    func robertsonAtForty(stepper: String) throws {
        let r = try LindynRun.run(["solve", "Validation/problems/robertson.json", "--format", "json", "--stepper", stepper])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["status"] as? String == "success")
        #expect(json["columns"] as? [String] == ["t", "y1", "y2", "y3"])
        let rows = try #require(json["rows"] as? [[Double]])
        let last = rows.last!
        #expect(last[0] == 40)
        for i in 0..<3 {
            let rel = abs(last[i + 1] - Self.robertson40[i]) / Self.robertson40[i]
            #expect(rel < 1e-7, "\(stepper) y\(i + 1): relative error \(rel)")
        }
        let stats = try #require(json["stats"] as? [String: Any])
        #expect(stats["stepper"] as? String == stepper)
        #expect((stats["jacobian_evaluations"] as? Int ?? 0) > 0)
    }

    @Test(arguments: ["bsimp", "msbdf"])
    func stiffLinearSystem(stepper: String) throws {
        let r = try LindynRun.run(["solve", "Validation/problems/stiff-linear.json", "--format", "json", "--stepper", stepper])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(r.json?["rows"] as? [[Double]])
        for row in rows {
            let t = row[0]
            // Exact solution of the classic stiff system.
            let exact = [2 * exp(-t) - exp(-1000 * t), -exp(-t) + exp(-1000 * t)]
            for i in 0..<2 {
                let rel = abs(row[i + 1] - exact[i]) / abs(exact[i])
                #expect(rel < 1e-7, "\(stepper) t = \(t) y\(i + 1): relative error \(rel)")
            }
        }
    }

    @Test func vanDerPolCompletesImplicitlyAndFailsCleanlyExplicitly() throws {
        let ok = try LindynRun.run(["solve", "Validation/problems/vanderpol-mu1000.json", "--format", "json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect((ok.json?["rows"] as? [[Double]])?.count == 61)
        // An explicit stepper on the stiff oscillator with a small step budget: exit 2, status
        // max_steps, rows only up to t_reached.
        let doc = try String(contentsOf: LindynRun.repositoryRoot.appendingPathComponent("Validation/problems/vanderpol-mu1000.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"stepper\": \"msbdf\"", with: "\"stepper\": \"rkf45\", \"max_steps\": 2000")
        let bad = try LindynRun.run(["solve", "-", "--format", "json"], stdin: doc)
        #expect(bad.status == 2)
        let json = try #require(bad.json)
        #expect(json["status"] as? String == "max_steps")
        let reached = try #require(json["t_reached"] as? Double)
        #expect(reached > 0 && reached < 3000)
        let rows = try #require(json["rows"] as? [[Double]])
        #expect(rows.allSatisfy { $0[0] <= reached })
        #expect(rows.count < 61)
        #expect(bad.stderr.contains("max_steps"))
    }

    @Test func csvAndTableFormats() throws {
        let csv = try LindynRun.run(["solve", "Validation/problems/weight-decay-loss.json", "--format", "csv"])
        #expect(csv.status == 0)
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "t,a,b,u")
        #expect(lines.count == 22)
        let table = try LindynRun.run(["solve", "Validation/problems/weight-decay-loss.json"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("accepted"))
        // u -> s - lambda = 1.8 (closed form of the balanced weight-decay mode).
        let last = lines.last!.split(separator: ",").compactMap { Double($0) }
        #expect(abs(last[3] - 1.8) < 1e-6)
    }

    struct BadInput: Sendable, CustomStringConvertible {
        let name: String
        let text: String
        let field: String
        var description: String { name }
    }

    static func base(solver: String) -> String {
        #"{"system": {"variables": ["x"], "equations": ["-k*x"], "initial": [1], "parameters": {"k": 2}}, "time": {"end": 1}, "solver": "# + solver + "}"
    }

    static let badInputs = [
        BadInput(name: "malformed JSON", text: #"{"system": {"variables": ["x"],"#, field: "line 1"),
        BadInput(name: "missing time.end", text: #"{"system": {"variables": ["x"], "equations": ["-x"], "initial": [1]}, "time": {"start": 0}}"#, field: "time.end"),
        BadInput(name: "unknown variable", text: #"{"system": {"variables": ["x"], "equations": ["-q*x"], "initial": [1]}, "time": {"end": 1}}"#, field: "system.equations[0]"),
        BadInput(name: "wrong initial count", text: #"{"system": {"variables": ["x", "y"], "equations": ["y", "-x"], "initial": [1]}, "time": {"end": 1}}"#, field: "system.initial"),
        BadInput(name: "unknown stepper", text: base(solver: #"{"stepper": "euler"}"#), field: "solver.stepper"),
        BadInput(name: "non-positive tolerance", text: base(solver: #"{"epsrel": 0}"#), field: "solver.epsrel"),
        BadInput(name: "parse error", text: #"{"system": {"variables": ["x"], "equations": ["-(x"], "initial": [1]}, "time": {"end": 1}}"#, field: "position"),
        BadInput(name: "bad model field", text: #"{"model": {"kind": "mode", "s": 1, "u0": 0.1, "dropout": {"keep": 1.5}}, "time": {"end": 1}}"#, field: "model.dropout.keep"),
        BadInput(name: "unknown model kind", text: #"{"model": {"kind": "mlp"}, "time": {"end": 1}}"#, field: "model.kind"),
    ]

    @Test(arguments: badInputs)
    func badInputExits65NamingTheField(bad: BadInput) throws {
        let r = try LindynRun.run(["solve", "-", "--format", "json"], stdin: bad.text)
        #expect(r.status == 65, "\(bad.name): exit \(r.status), stderr \(r.stderr)")
        #expect(r.stderr.contains(bad.field), "\(bad.name): \(r.stderr)")
        #expect(r.stdout.isEmpty, "nothing is printed on stdout for a refused file")
    }

    @Test func nonFiniteObservableEndsTheTable() throws {
        // log(x - 1/2) with x = e^{-t} is undefined from t = ln 2 on: the table stops before it.
        let r = try LindynRun.run(
            ["solve", "-", "--format", "json"],
            stdin: #"{"system": {"variables": ["x"], "equations": ["-x"], "initial": [1], "observables": {"lx": "log(x - 0.5)"}}, "time": {"end": 2, "points": 5}}"#)
        #expect(r.status == 2)
        let json = try #require(r.json)
        #expect(json["status"] as? String == "non_finite")
        let rows = try #require(json["rows"] as? [[Double]])
        #expect(rows.map { $0[0] } == [0, 0.5])
        #expect(r.stderr.contains("lx"))
    }

    @Test func usageErrorsExit64() throws {
        #expect(try LindynRun.run(["solve", "Validation/problems/robertson.json", "--stepper", "euler"]).status == 64)
        #expect(try LindynRun.run(["solve", "Validation/problems/robertson.json", "--epsabs", "-1"]).status == 64)
        #expect(try LindynRun.run(["solve", "no-such-file.json"]).status == 64)
        #expect(try LindynRun.run(["frobnicate"]).status == 64)
    }
}
