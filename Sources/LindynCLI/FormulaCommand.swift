import ArgumentParser
import LindynModels

/// `lindyn formula FILE`: the closed form of a built-in model at the output times.
public struct FormulaCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "formula",
        abstract: "Evaluate the closed-form solution of a built-in model at the output times, with derived quantities (fixed_point, half_time, time_to_learn, dropout_time_bound, gd_stability_limit).",
        discussion: "A model without a closed form for the given settings is refused with exit 65 and the reason, never answered with a wrong number.")

    @Argument(help: "Problem file (JSON) with a model, or - for standard input.", completion: .file(extensions: ["json"]))
    public var file: String

    @OptionGroup public var common: TrajectoryOutputOptions

    public init() {}

    public mutating func validate() throws {
        try common.refuseSolverOptions(command: "formula", reason: "the closed form is evaluated directly, without an integrator")
    }

    public func run() throws {
        let problem = try loadProblem(file)
        var result = try guarded(file) { try Formula.evaluate(problem) }
        if common.observables {
            let names = problem.dynamics.observableNames.isEmpty ? problem.dynamics.stateNames : problem.dynamics.observableNames
            result = result.keeping(names)
        }
        let code = result.print(common.format)
        if code != 0 { throw ExitCode(code) }
    }
}
