import ArgumentParser

/// The `lindyn` command: one subcommand per job (see `lindyn help <command>`).
public struct LindynCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lindyn",
        abstract: "Learning dynamics of linear networks: integrate gradient flows with GSL, evaluate closed forms, run gradient descent, and compare them.",
        discussion: """
            Conventions: the loss carries a factor 1/2, tau = 1/learning rate, and t counts full-batch epochs.
            Exit codes: 0 success; 1 a check or validation found a disagreement; 2 the numerical method failed \
            (partial rows are still printed); 64 bad command-line usage; 65 a bad input file (the message names the field; \
            also an input larger than 64 MiB); 74 an I/O error: a file or standard input/output could not be read or written, \
            or the output directory is held by another run; 69 (cluster) Slurm's tools are missing or refused a job; \
            130 and 143 interrupted by SIGINT or SIGTERM.
            """,
        version: versionLine,
        subcommands: [
            SolveCommand.self, FormulaCommand.self, DescendCommand.self, CheckCommand.self, StiffnessCommand.self,
            ValidateCommand.self, ClusterCommand.self, DemoCommand.self, EquationsCommand.self, PlotCommand.self, VersionCommand.self, RepeatCommand.self,
        ]
    )

    public init() {}
}
