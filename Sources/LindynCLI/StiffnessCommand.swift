import ArgumentParser
import Foundation
import LindynIntegrator
import LindynModels
import LindynReport
import LindynValidation

/// `lindyn stiffness FILE`: Jacobian spectra along the trajectory and explicit-versus-implicit
/// step counts.
public struct StiffnessCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stiffness",
        abstract: "Jacobian eigenvalue analysis along a problem's trajectory, and explicit-versus-implicit step counts with a stiff / not stiff verdict.",
        discussion: """
            Gradient flows (loss and model problems) have a symmetric Jacobian J = -Hessian/tau and use the symmetric \
            eigensolver; plain systems use the general one. Eigenvalues with |Re lambda| <= cutoff * max|lambda| are null \
            directions; the restricted stiffness ratio is max/min |Re lambda| over the decaying ones. The verdict: stiff when \
            the explicit stepper needs at least --ratio times the implicit stepper's steps, or runs out of steps (--max-steps).
            """)

    @Argument(help: "Problem file (JSON), or - for standard input.", completion: .file(extensions: ["json"]))
    public var file: String

    @Option(name: .long, help: "Output format: table, json or csv.")
    public var format: OutputFormat = .table

    @Option(name: .long, help: "Points along the trajectory (the start and evenly spaced times up to the end).")
    public var samples: Int = 11

    @Option(name: .long, help: "Explicit stepper of the step-count comparison.", completion: .list(Stepper.allCases.filter { !$0.isImplicit }.map(\.rawValue)))
    public var explicit: String = "rk4"

    @Option(name: .long, help: "Implicit stepper of the step-count comparison.", completion: .list(Stepper.allCases.filter(\.isImplicit).map(\.rawValue)))
    public var implicit: String = "rk4imp"

    @Option(name: .long, help: "Absolute and relative tolerance of the step-count runs.")
    public var tolerance: Double = 1e-6

    @Option(name: .customLong("max-steps"), help: "Step cap of the explicit run (reaching it counts as giving up).")
    public var maxSteps: Int = 200_000

    @Option(name: .long, help: "Relative cut-off below which an eigenvalue counts as null.")
    public var cutoff: Double = 1e-6

    @Option(name: .long, help: "Step ratio from which the problem counts as stiff.")
    public var ratio: Double = 10

    @Flag(name: .customLong("allow-large"), help: ArgumentHelp(allowLargeHelp))
    public var allowLarge = false

    public init() {}

    public mutating func validate() throws {
        guard let e = Stepper(rawValue: explicit), !e.isImplicit else { throw ValidationError("--explicit expects an explicit stepper (rk2 rk4 rkf45 rkck rk8pd msadams), got '\(explicit)'") }
        guard let i = Stepper(rawValue: implicit), i.isImplicit else { throw ValidationError("--implicit expects an implicit stepper (rk1imp rk2imp rk4imp bsimp msbdf), got '\(implicit)'") }
        guard samples >= 2 else { throw ValidationError("--samples must be at least 2") }
        let limits = CostLimits.forRun(allowLarge: allowLarge)
        guard samples <= limits.stiffnessSamples else {
            throw ValidationError("--samples must be at most \(limits.stiffnessSamples)\(allowLarge ? "" : " (pass --allow-large to raise the limit)"), got \(samples)")
        }
        guard tolerance > 0, tolerance.isFinite, cutoff > 0, cutoff < 1, ratio > 1, maxSteps >= 1 else {
            throw ValidationError("--tolerance must be positive, --cutoff in (0, 1), --ratio above 1 and --max-steps at least 1")
        }
    }

    public func run() throws {
        applySizeLimits(allowLarge: allowLarge)
        let document = try readDocument(file)
        let problem: Problem
        do {
            problem = try Problem.load(document)
        } catch {
            printError("\(file): \(error)")
            throw ExitCode(65)
        }
        let dimension = problem.dynamics.stateNames.count
        guard dimension <= StiffnessAnalysis.maximumDimension else {
            let field = problem.dynamics is NetworkModel ? "model.widths" : problem.dynamics.kind
            printError("\(file): \(field): the problem has \(dimension) state variables; the stiffness analysis computes every eigenvalue of the dense Jacobian and handles at most \(StiffnessAnalysis.maximumDimension); use a narrower network")
            throw ExitCode(65)
        }
        let settings = StiffnessSettings(
            explicitStepper: Stepper(rawValue: explicit)!, implicitStepper: Stepper(rawValue: implicit)!,
            tolerance: Tolerance(absolute: tolerance, relative: tolerance), maxSteps: maxSteps, cutoff: cutoff, ratio: ratio)
        let report = StiffnessAnalysis.analyse(problem, settings: settings, samples: samples)
        let table = StiffnessTrajectoryTable.table(report)
        let summary = StiffnessTrajectoryTable.summary(report)
        switch format {
        case .json:
            var trailing = JSONObject()
            for (k, v) in summary { trailing[k] = v }
            trailing["provenance"] = InputLog.shared.provenance().jsonValue
            emit(table.json(leading: ["status": report.samples.isEmpty ? "failure" : "success"], trailing: trailing, layout: .compact) + "\n")
        case .csv:
            // The summary and the verdict, which the table view prints below the table.
            emit(table.csv() + csvSecondBlock(csvRows(flattening: summary)))
        case .table:
            var text = table.text()
            text += "\n" + StiffnessTrajectoryTable.summaryText(report)
            emit(text)
        }
        if report.samples.isEmpty {
            printError("no Jacobian spectrum could be computed: \(report.notes.joined(separator: "; "))")
            throw ExitCode(2)
        }
        // The contract's numerical failure: neither stepper reached the end (the spectra stop
        // where they did), or a spectrum is not finite.
        if report.explicit.status != .finished(.success) && report.implicit.status != .finished(.success) {
            printError("both steppers failed (\(report.explicit.stepper.rawValue): \(report.explicit.status), \(report.implicit.stepper.rawValue): \(report.implicit.status)); the spectra end where the trajectory did")
            throw ExitCode(2)
        }
        if let bad = report.samples.first(where: { !$0.maxAbs.isFinite }) {
            printError("the Jacobian spectrum is not finite at t = \(bad.t)")
            throw ExitCode(2)
        }
    }
}
