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

    @Test(arguments: ["solve", "formula", "descend"])
    func runCommandsDocumentTheSharedOptions(command: String) throws {
        let r = try LindynRun.run([command, "--help"])
        #expect(r.status == 0)
        for option in ["--format <format>", "--stepper <stepper>", "--epsabs <epsabs>", "--epsrel <epsrel>", "<file>"] {
            #expect(r.stdout.contains(option), "\(command) --help lacks \(option)")
        }
    }
}
