import ArgumentParser
import Foundation
import LindynModels
import LindynReport
import LindynCheck
import LindynValidation

/// `lindyn check FILE`: checks a candidate closed form against the dynamics across a parameter grid.
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a candidate closed form against a loss, a system or a data-backed model across a grid of parameters.",
        discussion: """
            The check file gives the dynamics (a loss, a system, or a model: a regression or a network with a \
            data block), a candidate closed form, a grid of parameters and a time grid. At each grid point: (1) the candidate at the start against the initial state or observable; \
            (2) the symbolic residual d/dt candidate - f(candidate), proved zero or not (when the candidate gives \
            the whole state); (3) the numeric residual along the time grid, scaled by the size of the rate; \
            (4) the candidate against the integrated trajectory (rk8pd, epsrel 1e-12, with the integrator's own \
            error estimate); (5) for a loss, against gradient descent with learning rate 1/tau, with the flow's own \
            lag shown beside it. A point passes when checks 1, 3 and 4 are within the tolerance (and descent, when \
            descent_tolerance is given).

            Model checks: the model's fields may be expressions in the grid's parameters (samples, seed, noise), \
            and the model is built at each point on its own finite data set. The candidate is a closed form for \
            any of its observables (train_error, test_error, a mode strength or a weight) in t, the parameters and \
            the data set's quantities (N, P, alpha, label_power, ...), optionally as a per-mode term summed over \
            the modes (mode_term, mode_sum). It is checked against the initial value, the integrated flow on that \
            data set and, where the model has one, the exact formula (formula_error), and passes when all three \
            are within the tolerance; the residual and descent do not apply. Examples: Validation/checks/regression-errors.json, teacher-network-errors.json.

            Exit codes: 0 all pass; 1 a point fails or the candidate is undefined \
            somewhere; 2 an integration failed; 65 a bad check file. See Notes/derivation-checker.md.
            """)

    @Argument(help: "Check file (JSON), or - for standard input.", completion: .file(extensions: ["json"]))
    public var file: String

    @Option(name: .long, help: "Output format: table, json or csv.")
    public var format: OutputFormat = .table

    @OptionGroup(title: "Reference integration (check 4)") public var solver: SolverOverrideOptions

    @Flag(name: .long, help: .hidden) var observables = false

    @Option(name: .long, help: "Tolerance of checks 1, 3 and 4 (and of a model check's formula), overriding the file.")
    public var tolerance: Double?

    @Flag(name: .customLong("allow-large"), help: ArgumentHelp(allowLargeHelp))
    public var allowLarge = false

    public init() {}

    public mutating func validate() throws {
        if let tolerance, !(tolerance.isFinite && tolerance > 0) {
            throw ValidationError("--tolerance must be a positive number, got \(tolerance)")
        }
        if observables {
            throw ValidationError("--observables does not apply to check: it prints one row per grid point, not a trajectory; the candidate's columns are the ones compared")
        }
    }

    public func run() throws {
        applySizeLimits(allowLarge: allowLarge)
        let document = try readDocument(file)
        let report = try guarded(file) { () throws -> CheckReport in
            var check = try DerivationCheck.load(document)
            if let tolerance { check.tolerance = tolerance }
            if !solver.isEmpty {
                var options = check.solver ?? check.defaultSolverOptions
                solver.apply(to: &options)
                check.solver = options
                if solver.epsabs != nil { check.solverAbsoluteToleranceGiven = true }
            }
            return try check.run()
        }
        switch format {
        case .json: emit(withProvenance(report.json()))
        case .csv: emit(report.table.csv() + csvSecondBlock(report.notes.map { ("note", .missing, $0) } + [("summary", .text(report.summary), "")]))
        case .table: emit(report.text())
        }
        if report.exitCode != 0 {
            printError(report.summary)
            throw ExitCode(report.exitCode)
        }
    }
}
