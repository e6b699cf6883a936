import ArgumentParser
import LindynModels

/// `lindyn formula FILE`: the closed form of a built-in model at the output times.
public struct FormulaCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "formula",
        abstract: "Evaluate the closed-form solution of a built-in model at the output times, with derived quantities (fixed_point, half_time, time_to_learn, dropout_time_bound, gd_stability_limit).",
        discussion: "A model without a closed form for the given settings is refused with exit 65 and the reason, never answered with a wrong number.")

    @Argument(help: "Problem file (JSON) with a model, or - for standard input.")
    public var file: String

    @OptionGroup public var common: CommonOptions

    public init() {}

    public func run() throws {
        let problem = try loadProblem(file, common)
        let result = try guarded(file) { try Formula.evaluate(problem) }
        let code = result.print(common.format)
        if code != 0 { throw ExitCode(code) }
    }
}
