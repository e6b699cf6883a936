import ArgumentParser
import Foundation
import LindynCLI
import Testing

/// `lindyn solve FILE [options]` is run without building the argument parser (`FastPath`); these
/// check that it builds exactly the command the parser builds, and leaves to the parser every
/// command line the parser refuses or would treat differently.
@Suite struct FastPathTests {
    /// The parser's `solve` settings for `arguments` (without the program name), or nil when it
    /// refuses them or reads them as something else (help, another command).
    static func parsed(_ arguments: [String]) -> SolveSettings? {
        guard let command = try? LindynCommand.parseAsRoot(arguments) as? SolveCommand else { return nil }
        return SolveSettings(command)
    }

    static func fast(_ arguments: [String]) -> SolveSettings? {
        FastPath.solveSettings(["lindyn"] + arguments)
    }

    /// Where the fast path answers, the parser gives the same command; where the parser
    /// refuses, the fast path does not answer.
    static func checkAgreement(_ arguments: [String]) {
        let fast = fast(arguments), parsed = parsed(arguments)
        if let fast {
            #expect(parsed == fast, "\(arguments): fast path \(fast), parser \(parsed.map { "\($0)" } ?? "refused")")
        }
        if parsed == nil {
            #expect(fast == nil, "\(arguments): the parser refuses, the fast path accepted")
        }
    }

    /// Shapes the fast path takes (so the common loop of small solves never builds the parser).
    @Test(arguments: [
        ["solve", "p.json"],
        ["solve", "-"],
        ["solve", "p.json", "--format", "json"],
        ["solve", "--format=csv", "p.json", "--observables"],
        ["solve", "p.json", "--stepper", "msbdf", "--epsabs", "1e-8", "--epsrel=1e-6", "--allow-large"],
        ["solve", "--allow-large", "--observables", "--stepper=rk8pd", "p.json", "--format", "table"],
        ["solve", "p.json", "--epsabs", "0x1p-30"],
        ["solve", "dir=x/p.json"],
    ])
    func fastPathTakesThePlainShapes(arguments: [String]) {
        #expect(Self.fast(arguments) != nil, "\(arguments) is left to the parser")
        Self.checkAgreement(arguments)
    }

    /// Help, errors and anything unusual go to the parser (its messages and exit codes).
    @Test(arguments: [
        ["solve"],
        ["solve", "--help"],
        ["solve", "-h"],
        ["solve", "p.json", "--help"],
        ["solve", "help"],
        ["solve", "p.json", "q.json"],
        ["solve", "p.json", "--format", "xml"],
        ["solve", "p.json", "--format"],
        ["solve", "p.json", "--format", "json", "--format", "csv"],
        ["solve", "p.json", "--stepper", "euler"],
        ["solve", "p.json", "--epsabs", "-1"],
        ["solve", "p.json", "--epsabs", "0"],
        ["solve", "p.json", "--epsabs", "nan"],
        ["solve", "p.json", "--epsabs", "inf"],
        ["solve", "p.json", "--epsrel", "tight"],
        ["solve", "p.json", "--observables", "--observables"],
        ["solve", "p.json", "--observables=true"],
        ["solve", "p.json", "--runs", "3"],
        ["solve", "--", "p.json"],
        ["solve", "p.json", "--version"],
        ["solve", "p.json", "--stepper="],
        ["help", "solve"],
        ["formula", "p.json"],
        ["--version"],
    ])
    func parserKeepsTheRest(arguments: [String]) {
        #expect(Self.fast(arguments) == nil, "\(arguments) taken by the fast path")
        Self.checkAgreement(arguments)
    }

    /// Random command lines from the tokens of both sets above (seeded, reproducible): the fast
    /// path must never accept what the parser refuses, nor build a different command.
    @Test func randomCommandLinesAgree() {
        let pool = [
            "p.json", "q.json", "-", "--", "help", "--format", "json", "csv", "table", "xml", "--format=json",
            "--stepper", "rk8pd", "msbdf", "euler", "--stepper=bsimp", "--epsabs", "--epsrel", "1e-8", "-1", "0",
            "nan", "--epsrel=1e-6", "--epsabs=", "--observables", "--allow-large", "--help", "-h", "--version",
            "--allow-large=1",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var accepted = 0
        for _ in 0..<120 {
            let arguments = ["solve"] + (0..<(1 + next(6))).map { _ in pool[next(pool.count)] }
            if Self.fast(arguments) != nil { accepted += 1 }
            Self.checkAgreement(arguments)
        }
        // The pool is rich in well-formed lines: a fast path that refused everything would pass
        // the agreement trivially.
        #expect(accepted >= 6, "only \(accepted) of 120 random command lines took the fast path")
    }

    /// End to end: the same output and exit code through the fast path and through the parser
    /// (`--` before the file sends the same command line to the parser).
    @Test func sameOutputAndExitCodeThroughEitherPath() throws {
        let problem = "Validation/problems/robertson.json"
        for options in [[], ["--format", "csv", "--stepper", "bsimp"], ["--observables", "--epsrel", "1e-6"]] {
            let fast = try LindynRun.run(["solve"] + options + [problem])
            let parser = try LindynRun.run(["solve"] + options + ["--", problem])
            #expect(fast.status == 0 && parser.status == 0, "\(options): \(fast.stderr) \(parser.stderr)")
            #expect(fast.stdout == parser.stdout && fast.stderr == parser.stderr, "\(options)")
        }
        let bad = #"{"system": {"variables": ["x"], "equations": ["-k*x"], "initial": [1]}, "time": {"end": 1}}"#
        let fast = try LindynRun.run(["solve", "-"], stdin: bad)
        let parser = try LindynRun.run(["solve", "--", "-"], stdin: bad)
        #expect(fast.status == 65 && parser.status == 65)
        #expect(fast.stdout == parser.stdout && fast.stderr == parser.stderr, "\(fast.stderr) against \(parser.stderr)")
        let missing = try LindynRun.run(["solve", "no-such-file.json"])
        let missingParser = try LindynRun.run(["solve", "--", "no-such-file.json"])
        #expect(missing.status == 64 && missingParser.status == 64)
        #expect(missing.stderr == missingParser.stderr)
    }
}
