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
        discussion: """
            The observables are drawn when the problem has them (the mode strengths of a network), else the state variables. \
            A failed method is drawn as far as it got and reported; the exit code is then 2. \
            With --from DIR, the figures of a saved validation run are drawn again from its journal, without recomputing.
            """)

    @Argument(help: "Problem file (JSON), or - for standard input.", completion: .file(extensions: ["json"]))
    public var file: String?

    @Option(name: .long, help: "The figure to write: .svg, or .png or .pdf (made with rsvg-convert). With --from, a directory (default DIR/plots).")
    public var out: String?

    @Option(name: .long, help: "Redraw the figures of the validation run saved in this directory (its journal.jsonl).", completion: .directory)
    public var from: String?

    @Option(name: .customLong("figure-formats"), help: "With --from: formats written beside each SVG, comma-separated: png, pdf.")
    public var figureFormats: String?

    @Option(name: .long, help: "GSL stepper for the integration, overriding the file.", completion: .list(Stepper.allCases.map(\.rawValue)))
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

    /// `--from DIR`: the saved run's figures, drawn again.
    func redraw(_ directory: String) throws {
        let journal = (directory as NSString).appendingPathComponent(Validation.journalName)
        guard let data = FileManager.default.contents(atPath: journal) else {
            printError("--from \(directory): no \(Validation.journalName) there; give the output directory of lindyn validate or demo")
            throw ExitCode(64)
        }
        InputLog.shared.record(path: journal, contents: data)
        let formats = try parseFigureFormats(figureFormats)
        let target = try out.map { try prepareOutputDirectory($0) }
        let files: [URL]
        do {
            files = try Validation.redrawFigures(from: URL(fileURLWithPath: directory), into: target, formats: formats, provenance: InputLog.shared.provenance())
        } catch {
            printError("--from \(directory): \(error)")
            throw ExitCode(65)
        }
        emit("wrote \(files.count) figure files into \((target ?? URL(fileURLWithPath: directory).appendingPathComponent("plots")).path)/\n")
    }

    public mutating func validate() throws {
        try validateStepperName(stepper)
        if from != nil {
            guard file == nil else { throw ValidationError("give either a problem file or --from DIR, not both") }
            return
        }
        guard file != nil else { throw ValidationError("give a problem file, or --from DIR to redraw a saved validation run") }
        guard let out else { throw ValidationError("--out names the figure to write (.svg, .png or .pdf)") }
        guard [".svg", ".png", ".pdf"].contains(where: { out.hasSuffix($0) }) else {
            throw ValidationError("--out must name an .svg, .png or .pdf file, got '\(out)'")
        }
        if figureFormats != nil { throw ValidationError("--figure-formats applies with --from; for one figure, name it .png or .pdf in --out") }
    }

    public func run() throws {
        if let from {
            try redraw(from)
            return
        }
        let file = file!
        let out = out!
        let raster = FigureExport.Format(rawValue: URL(fileURLWithPath: out).pathExtension.lowercased())
        if raster != nil, FigureExport.converter == nil {
            printError(FigureExport.missingConverterMessage)
            throw ExitCode(64)
        }
        var problem = try loadProblem(file, allowLarge: allowLarge)
        problem.limits = .forRun(allowLarge: allowLarge)
        if let stepper, let s = Stepper(rawValue: stepper) { problem.solver.stepper = s }
        let dynamics = problem.dynamics
        if !noDescent, dynamics.tau != nil {
            // Refuse a descent beyond the limits before the integration runs.
            _ = try guarded(file) { try Simulation.checkedDescentEpochs(problem.time, runs: problem.descent.runs, limits: problem.limits) }
        }
        var failures: [String] = []
        // Curves come from dense output: the integration and the closed form at the problem's
        // output times plus 400 evenly spaced ones, so a sparse problem draws smoothly; the
        // descent keeps its own epochs.
        var curves = problem
        curves.time.outputTimes = Array(Set(problem.time.outputTimes + ODESolver.evenlySpacedTimes(
            start: problem.time.start, end: problem.time.end, points: 400))).sorted()
        curves.solver.output = .dense
        let flow = try guarded(file) { try Simulation.integrate(curves) }
        if !flow.succeeded { failures.append("integration \(flow.status): \(flow.message ?? "") (t reached \(flow.tReached))") }
        var formula: RunResult? = nil
        if dynamics is ScalarModel || dynamics is ChainModel || dynamics is ModeModel || dynamics is NetworkModel {
            formula = try? Formula.evaluate(curves, requireLearned: false)
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
            descent: descent.map { TrajectoryCurves(label: TrajectorySet.descentLabel(problem), result: $0, columns: names) },
            testScale: TrajectorySet.dropoutKeep(dynamics))
        let gradientFlow = dynamics.tau != nil
        let description = problem.document["description"].flatMap { if case .string(let s) = $0 { return s } else { return nil } }
        let plot = ValidationPlots.trajectoryPlot(
            set, title: title ?? (file == "-" ? nil : URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent),
            xLabel: gradientFlow ? "Epoch (t)" : "t", yLabel: gradientFlow ? "Mode strength" : "State", logX: logX, logY: logY)
        let url = URL(fileURLWithPath: out)
        do {
            if let raster {
                let svg = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-plot-\(UUID().uuidString).svg")
                defer { try? FileManager.default.removeItem(at: svg) }
                try plot.write(to: svg, metadata: InputLog.shared.provenance().svgMetadata)
                try FigureExport.convert(svg, to: url, format: raster)
            } else {
                try plot.write(to: url, metadata: InputLog.shared.provenance().svgMetadata)
            }
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
