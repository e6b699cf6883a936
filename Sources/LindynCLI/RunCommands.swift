import ArgumentParser
import Foundation
import LindynIntegrator
import LindynModels
import LindynValidation

/// `lindyn solve FILE`: integrate the problem's ODE with a GSL stepper.
public struct SolveCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Integrate a problem's ODE (system, loss or model) with a GSL odeiv2 stepper.")

    @Argument(help: "Problem file (JSON), or - for standard input.", completion: .file(extensions: ["json"]))
    public var file: String

    @OptionGroup public var common: CommonOptions

    public init() {}

    public func run() throws {
        try Self.run(SolveSettings(self))
    }

    /// The whole command, from its settings as plain values (the parser's command and
    /// `FastPath` both end here).
    static func run(_ settings: SolveSettings) throws {
        let file = settings.file
        var problem = try loadProblem(file, allowLarge: settings.allowLarge) { settings.apply(to: &$0) }
        problem.limits = .forRun(allowLarge: settings.allowLarge)
        var result = try guarded(file) { try Simulation.integrate(problem) }
        let invariants = InvariantChecks.measure(problem, result)
        if settings.observables { result = result.keeping(problem.dynamics.observableNames.isEmpty ? problem.dynamics.stateNames : problem.dynamics.observableNames) }
        for drift in invariants where drift.toleranceUnits > InvariantChecks.warningMultiple {
            printError(
                "warning: the conserved quantity \(drift.name) drifted by \(drift.relativeDrift) relative (\(drift.toleranceUnits) tolerance units, above \(InvariantChecks.warningMultiple)) at t = \(drift.at): the integration may be silently wrong; tighten epsabs/epsrel or change the stepper")
        }
        let code = result.print(settings.format, invariants: invariants)
        if code != 0 { throw ExitCode(code) }
    }
}

/// What `lindyn solve` takes from its command line, as plain values: building these needs none
/// of the argument parser's property wrappers (whose set-up is a large part of a small solve's
/// start-up), so `FastPath` fills them in directly.
package struct SolveSettings: Equatable, Sendable {
    package var file: String
    package var format: OutputFormat = .table
    package var stepper: String?
    package var epsabs: Double?
    package var epsrel: Double?
    package var observables = false
    package var allowLarge = false

    package init(file: String) { self.file = file }

    /// The settings of a parsed command.
    package init(_ command: SolveCommand) {
        file = command.file
        format = command.common.format
        stepper = command.common.stepper
        epsabs = command.common.epsabs
        epsrel = command.common.epsrel
        observables = command.common.observables
        allowLarge = command.common.allowLarge
    }

    /// The overrides of the problem's solver settings, as ``CommonOptions/apply(to:)`` does.
    func apply(to options: inout SolverOptions) {
        if let stepper, let s = Stepper(rawValue: stepper) { options.stepper = s }
        if let epsabs { options.absoluteTolerance = epsabs }
        if let epsrel { options.relativeTolerance = epsrel }
    }
}

/// `lindyn descend FILE`: full-batch gradient descent, t = epoch.
public struct DescendCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "descend",
        abstract: "Run discrete full-batch gradient descent (learning rate 1/tau) on a loss or model problem; t counts epochs.")

    @Argument(help: "Problem file (JSON), or - for standard input.", completion: .file(extensions: ["json"]))
    public var file: String

    @OptionGroup public var common: TrajectoryOutputOptions

    @Option(name: .long, help: "Runs to average (Monte-Carlo dropout), overriding descent.runs.")
    public var runs: Int?

    @Flag(name: .customLong("monte-carlo"), help: "Resample dropout masks every epoch instead of descending the expected loss.")
    public var monteCarlo = false

    @Flag(name: .long, help: "Report progress on standard error (shown by default when it is a terminal and the descent is long).")
    public var progress = false

    @OptionGroup public var size: SizeLimitOptions

    public init() {}

    public mutating func validate() throws {
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1") }
        try common.refuseSolverOptions(command: "descend", reason: "gradient descent takes discrete steps of learning rate 1/tau and runs no integrator")
    }

    public func run() throws {
        var problem = try loadProblem(file, allowLarge: size.allowLarge)
        problem.limits = size.limits
        if let runs { problem.descent.runs = runs }
        if monteCarlo { problem.descent.monteCarlo = true }
        let reporter = DescentProgress(forced: progress)
        var result = try guarded(file) { try Simulation.descend(problem, progress: reporter.report) }
        reporter.finish()
        if common.observables {
            // The descent's observables are the flow's (u, u1..ur); a mode model's state u is one.
            let names = problem.dynamics.observableNames.isEmpty ? problem.dynamics.stateNames : problem.dynamics.observableNames
            result = result.keeping(names)
        }
        let code = result.print(common.format)
        if code != 0 { throw ExitCode(code) }
    }
}

/// Progress of a long descent on standard error: a redrawn line on a terminal (for descents of
/// at least 10^6 epochs over all runs), or one line per 10% when `--progress` is given.
final class DescentProgress {
    let terminal = isatty(STDERR_FILENO) == 1
    let forced: Bool
    private var shown = -1
    private var drawn = false

    init(forced: Bool) { self.forced = forced }

    func report(_ done: Int, _ total: Int) {
        guard total > 0, forced || (terminal && total >= 1_000_000) else { return }
        let percent = Int(Double(done) / Double(total) * 100)
        let step = terminal ? 1 : 10
        guard percent / step != shown / step else { return }
        shown = percent
        let line = "descent: \(percent)% (\(done) of \(total) epochs)"
        FileHandle.standardError.write(Data((terminal ? "\r" + line : line + "\n").utf8))
        drawn = terminal
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
