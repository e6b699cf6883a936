import Foundation
import Testing

/// The help texts scripts and users read: every command of the contract is listed, and the
/// shared options are documented where they apply.
@Suite struct HelpTests {
    @Test func rootHelpListsEveryCommand() throws {
        let r = try LindynRun.run(["--help"])
        #expect(r.status == 0)
        // The commands of the command-line contract, plus the additions.
        for command in ["solve", "formula", "descend", "check", "stiffness", "validate", "demo", "equations", "plot"] {
            #expect(r.stdout.contains("\n  \(command) "), "lindyn --help does not list \(command)")
        }
        #expect(r.stdout.contains("Exit codes: 0 success; 1 a check or validation found a disagreement; 2 the"))
    }

    @Test(arguments: ["solve", "check"])
    func integratingCommandsDocumentTheSolverOptions(command: String) throws {
        let r = try LindynRun.run([command, "--help"])
        #expect(r.status == 0)
        for option in ["--format <format>", "--stepper <stepper>", "--epsabs <epsabs>", "--epsrel <epsrel>", "<file>"] {
            #expect(r.stdout.contains(option), "\(command) --help lacks \(option)")
        }
    }

    /// formula and descend run no integrator: their help does not offer the solver options, and
    /// giving one is a usage error that says why, not a setting silently ignored.
    @Test(arguments: ["formula", "descend"], ["--stepper rk4", "--epsabs 1e-3", "--epsrel 1e-3"])
    func nonIntegratingCommandsRefuseSolverOptions(command: String, option: String) throws {
        let help = try LindynRun.run([command, "--help"])
        #expect(help.stdout.contains("--format <format>"))
        #expect(!help.stdout.contains("--stepper") && !help.stdout.contains("--epsabs") && !help.stdout.contains("--epsrel"))
        let r = try LindynRun.run([command, "Validation/problems/saxe-mode.json"] + option.split(separator: " ").map(String.init))
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(option.prefix { $0 != " " }) does not apply to \(command)"), "\(r.stderr)")
    }

    @Test func optionsThatCannotActAreRefused() throws {
        let check = try LindynRun.run(["check", "Validation/checks/saxe-mode.json", "--observables"])
        #expect(check.status == 64)
        #expect(check.stderr.contains("--observables does not apply to check"))
        let equations = try LindynRun.run(["equations", "Validation/problems/weight-decay-loss.json", "--format", "csv"])
        #expect(equations.status == 64)
        #expect(equations.stderr.contains("'csv' is invalid for '--format <format>'"))
    }

    /// Every command's help, as a golden text (80 columns). After changing a command's options
    /// or help, regenerate with `LINDYN_UPDATE_GOLDEN=1 swift test --filter helpMatchesGolden`
    /// and review the diff.
    @Test(arguments: [
        [], ["solve"], ["formula"], ["descend"], ["check"], ["stiffness"], ["validate"], ["validate", "run"],
        ["validate", "merge"], ["demo"], ["equations"], ["plot"], ["version"], ["repeat"],
        ["cluster"], ["cluster", "submit"], ["cluster", "status"], ["cluster", "resubmit"],
    ])
    func helpMatchesGolden(command: [String]) throws {
        let r = try LindynRun.run(command + ["--help"], environment: ["COLUMNS": "80"])
        #expect(r.status == 0)
        let name = command.isEmpty ? "lindyn" : command.joined(separator: "-")
        let golden = LindynRun.repositoryRoot.appendingPathComponent("Tests/Golden/help/\(name).txt")
        if ProcessInfo.processInfo.environment["LINDYN_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try r.stdout.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(r.stdout == expected, "lindyn \(command.joined(separator: " ")) --help differs from Tests/Golden/help/\(name).txt; if the change is intended, regenerate with LINDYN_UPDATE_GOLDEN=1 swift test --filter helpMatchesGolden")
    }
}
