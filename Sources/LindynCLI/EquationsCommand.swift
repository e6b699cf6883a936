import ArgumentParser
import LindynExpr
import LindynModels
import LindynReport

/// `lindyn equations FILE`: the right-hand sides and Jacobian Lindyn derived, as text or LaTeX.
public struct EquationsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "equations",
        abstract: "Print the ODE right-hand sides and the symbolic Jacobian of a system or loss problem (the gradient flow -grad L / tau for a loss).")

    @Argument(help: "Problem file (JSON) with a system or a loss, or - for standard input.", completion: .file(extensions: ["json"]))
    public var file: String

    @Flag(name: .long, help: "Print LaTeX instead of plain text.")
    public var latex = false

    /// The formats `equations` prints: a table of equations has no CSV form.
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case table, json }

    @Option(name: .long, help: "Output format: table (text lines) or json.")
    public var format: Format = .table

    @Flag(name: .customLong("allow-large"), help: ArgumentHelp(allowLargeHelp))
    public var allowLarge = false

    public init() {}

    public func run() throws {
        let problem = try loadProblem(file, allowLarge: allowLarge)
        let compiled: CompiledDynamics
        switch problem.dynamics {
        case let system as ExpressionSystem: compiled = system.compiled
        case let loss as LossFlow: compiled = loss.compiled
        default:
            printError("\(file): equations are printed for system and loss problems; built-in models are documented in Notes/")
            throw ExitCode(65)
        }
        func show(_ e: SymbolicExpression) -> String { latex ? e.latex : e.description }
        let names = latex ? compiled.variables.map { SymbolicExpression.variable($0).latex } : compiled.variables
        let entries = try guarded(file) { try compiled.jacobianEntries() }
        if format == .json {
            var object = JSONObject()
            object["variables"] = .array(compiled.variables.map { .string($0) })
            object["right_hand_sides"] = .array(compiled.rightHandSides.map { .string(show($0)) })
            let jacobian = try guarded(file) { try compiled.jacobian() }
            object["jacobian"] = .array(jacobian.map { .array($0.map { .string(show($0)) }) })
            object["observables"] = .object(JSONObject(zip(compiled.observableNames, compiled.observables).map { ($0, JSONValue.string(show($1))) }))
            object["provenance"] = InputLog.shared.provenance().jsonValue
            emit(JSONValue.object(object).serialized(.pretty) + "\n")
            return
        }
        var lines: [String] = []
        for (name, f) in zip(names, compiled.rightHandSides) {
            lines.append(latex ? "\\frac{d \(name)}{dt} = \(show(f))" : "d\(name)/dt = \(show(f))")
        }
        lines.append("")
        for (i, j, e) in entries {
            lines.append(latex ? "\\frac{\\partial f_{\(names[i])}}{\\partial \(names[j])} = \(show(e))" : "d f_\(names[i]) / d \(names[j]) = \(show(e))")
        }
        if !compiled.observables.isEmpty {
            lines.append("")
            for (name, e) in zip(compiled.observableNames, compiled.observables) { lines.append("\(name) = \(show(e))") }
        }
        emit(lines.joined(separator: "\n") + "\n")
    }
}
