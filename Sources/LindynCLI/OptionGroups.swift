import ArgumentParser
import LindynIntegrator

/// `--stepper`, `--epsabs`, `--epsrel`: the overrides of the settings of an integration.
public struct SolverOverrideOptions: ParsableArguments {
    @Option(name: .long, help: "GSL stepper, overriding the file: \(Stepper.allNames).")
    public var stepper: String?

    @Option(name: .long, help: "Absolute tolerance (GSL epsabs), overriding the file.")
    public var epsabs: Double?

    @Option(name: .long, help: "Relative tolerance (GSL epsrel), overriding the file.")
    public var epsrel: Double?

    public init() {}

    public mutating func validate() throws {
        try validateStepperName(stepper)
        for (name, value) in [("--epsabs", epsabs), ("--epsrel", epsrel)] {
            if let value, !(value.isFinite && value > 0) {
                throw ValidationError("\(name) must be a positive number, got \(value)")
            }
        }
    }

    /// True when any override is given.
    public var isEmpty: Bool { stepper == nil && epsabs == nil && epsrel == nil }

    /// Applies the overrides to solver settings.
    public func apply(to options: inout SolverOptions) {
        if let stepper, let s = Stepper(rawValue: stepper) { options.stepper = s }
        if let epsabs { options.absoluteTolerance = epsabs }
        if let epsrel { options.relativeTolerance = epsrel }
    }
}

/// `--format` and `--observables` of the commands that print a trajectory without integrating
/// (`formula`, `descend`), and the integrator options they refuse: accepting `--stepper` and then
/// ignoring it would suggest a setting that does not act.
public struct TrajectoryOutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json or csv.")
    public var format: OutputFormat = .table

    @Flag(name: .long, help: "Print only t and the observables (mode strengths), not every state variable or weight.")
    public var observables = false

    @Option(name: .long, help: .hidden) var stepper: String?
    @Option(name: .long, help: .hidden) var epsabs: Double?
    @Option(name: .long, help: .hidden) var epsrel: Double?

    public init() {}

    /// Refuses `--stepper`, `--epsabs` and `--epsrel` (exit 64) for `command`, saying why.
    func refuseSolverOptions(command: String, reason: String) throws {
        let given = [("--stepper", stepper != nil), ("--epsabs", epsabs != nil), ("--epsrel", epsrel != nil)].filter(\.1).map(\.0)
        if let first = given.first {
            throw ValidationError("\(first) does not apply to \(command): \(reason); use lindyn solve for an integration")
        }
    }
}
