import ArgumentParser
import Foundation
import LindynIntegrator
import LindynModels
import LindynReport
import LindynValidation

/// `lindyn plot FILE --out FIGURE.svg`: the integrator, gradient descent and closed form of one
/// problem on one figure.
public struct PlotCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw one problem's trajectories as an SVG figure: closed-form lines (where one exists), gradient-descent points (for gradient flows) and the ODE integration dotted.",
        discussion: "The observables are drawn when the problem has them (the mode strengths of a network), else the state variables. A failed method is drawn as far as it got and reported; the exit code is then 2.")

    @Argument(help: "Problem file (JSON), or - for standard input.")
    public var file: String

    @Option(name: .long, help: "The SVG file to write.")
    public var out: String

    @Option(name: .long, help: "GSL stepper for the integration, overriding the file.")
    public var stepper: String?

    @Flag(name: .customLong("log-x"), help: "Logarithmic time axis.")
    public var logX = false

    @Flag(name: .customLong("log-y"), help: "Logarithmic value axis.")
    public var logY = false

    @Flag(name: .customLong("no-descent"), help: "Leave gradient descent out.")
    public var noDescent = false

    @Option(name: .long, help: "Figure title (default: the file's description, or its name).")
    public var title: String?

    @Flag(name: .customLong("allow-large"), help: ArgumentHelp(allowLargeHelp))
    public var allowLarge = false

    public init() {}

    public mutating func validate() throws {
        try validateStepperName(stepper)
        guard out.hasSuffix(".svg") else { throw ValidationError("--out must name an .svg file, got '\(out)'") }
    }

    public func run() throws {
        var problem = try loadProblem(file, allowLarge: allowLarge)
        if let stepper, let s = Stepper(rawValue: stepper) { problem.solver.stepper = s }
        let dynamics = problem.dynamics
        var failures: [String] = []
        let flow = try guarded(file) { try Simulation.integrate(problem) }
        if !flow.succeeded { failures.append("integration \(flow.status): \(flow.message ?? "") (t reached \(flow.tReached))") }
        var formula: RunResult? = nil
        if dynamics is ScalarModel || dynamics is ChainModel || dynamics is ModeModel || dynamics is NetworkModel {
            formula = try? Formula.evaluate(problem, requireLearned: false)
        }
        var descent: RunResult? = nil
        if !noDescent, dynamics.tau != nil {
            descent = try guarded(file) { try Simulation.descend(problem) }
            if let d = descent, !d.succeeded { failures.append("descent \(d.status): \(d.message ?? "")") }
        }
        let names = Array((formula?.columns.dropFirst().map { $0 } ?? (dynamics.observableNames.isEmpty ? dynamics.stateNames : dynamics.observableNames)).prefix(10))
        let set = TrajectorySet(
            theory: formula.map { TrajectoryCurves(label: "theory", result: $0, columns: names) },
            integrator: TrajectoryCurves(label: "ODE \(problem.solver.stepper.rawValue)", result: flow, columns: names),
            descent: descent.map {
                let monteCarlo = problem.descent.monteCarlo && dynamics.hasDropout
                return TrajectoryCurves(label: monteCarlo ? "GD, \(problem.descent.runs) Monte-Carlo runs" : "GD", result: $0, columns: names)
            })
        let gradientFlow = dynamics.tau != nil
        let description = problem.document["description"].flatMap { if case .string(let s) = $0 { return s } else { return nil } }
        let plot = ValidationPlots.trajectoryPlot(
            set, title: title ?? (file == "-" ? nil : URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent),
            xLabel: gradientFlow ? "Epoch (t)" : "t", yLabel: gradientFlow ? "Mode strength" : "State", logX: logX, logY: logY)
        let url = URL(fileURLWithPath: out)
        do {
            try plot.write(to: url, metadata: InputLog.shared.provenance().svgMetadata)
        } catch {
            printError("--out \(out): \(error)")
            throw ExitCode(64)
        }
        var summary = "wrote \(out): \(names.joined(separator: ", ")) from the \(problem.solver.stepper.rawValue) integration"
        if formula != nil { summary += ", the closed form" }
        if descent != nil { summary += " and gradient descent" }
        if let formula {
            let worst = names.compactMap { name -> Double? in
                guard let a = flow.column(name), let b = formula.column(name) else { return nil }
                let scale = b.map(abs).max() ?? 1
                return zip(a, b).map { abs($0 - $1) }.max().map { $0 / max(scale, .leastNormalMagnitude) }
            }.max()
            if let worst { summary += "; integration against closed form: max |difference| / max|u| = \(worst)" }
        }
        if let description, title == nil { summary += "\n(\(description))" }
        emit(summary + "\n")
        for f in failures { printError(f) }
        if !failures.isEmpty { throw ExitCode(2) }
    }
}
