import ArgumentParser
import LindynIntegrator
import LindynReport

/// `--stepper`, `--epsabs`, `--epsrel`: the overrides of the settings of an integration.
public struct SolverOverrideOptions: ParsableArguments {
    @Option(name: .long, help: "GSL stepper, overriding the file: \(Stepper.allNames).", completion: .list(Stepper.allCases.map(\.rawValue)))
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

/// The second CSV block of `--format csv`: what the table view prints below its table (derived
/// quantities, summaries, verdicts, notes) as `quantity,value,note` rows, so that no part of the
/// result is dropped. It follows the first table after one empty line; see the README.
func csvSecondBlock(_ rows: [(quantity: String, value: Cell, note: String)]) -> String {
    guard !rows.isEmpty else { return "" }
    let table = Table(columns: ["quantity", "value", "note"], rows: rows.map { [.text($0.quantity), $0.value, $0.note.isEmpty ? .missing : .text($0.note)] })
    return "\n" + table.csv()
}

/// `pairs` flattened to second-block rows: nested objects as dotted names, each element of an
/// array as its own row under the array's name.
func csvRows(flattening pairs: [(String, JSONValue)]) -> [(quantity: String, value: Cell, note: String)] {
    var out: [(quantity: String, value: Cell, note: String)] = []
    func add(_ name: String, _ value: JSONValue) {
        switch value {
        case .object(let object): for (k, v) in object { add(name + "." + k, v) }
        case .array(let elements): for v in elements { add(name, v) }
        case .null: out.append((name, .missing, ""))
        case .bool(let b): out.append((name, .bool(b), ""))
        case .integer(let i): out.append((name, .integer(i), ""))
        case .number(let x): out.append((name, .number(x), ""))
        case .string(let s):
            // Non-finite numbers arrive as their CSV words; keep them numeric.
            if let x = ["NaN": Double.nan, "inf": .infinity, "-inf": -.infinity][s] { out.append((name, .number(x), "")) } else { out.append((name, .text(s), "")) }
        }
    }
    for (k, v) in pairs { add(k, v) }
    return out
}
