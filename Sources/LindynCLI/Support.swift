import ArgumentParser
import Foundation
import LindynIntegrator
import LindynModels
import LindynValidation
import LindynReport

/// Output formats of the table-printing commands.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, csv
}

/// `--format`, `--stepper`, `--epsabs`, `--epsrel`: shared by the commands that run a problem.
///
/// `lindyn solve` reads these through `SolveSettings` (RunCommands.swift), which `FastPath` also
/// fills: an option added here must be added there and to the fast path's list (or left to the
/// parser by the fast path).
public struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json or csv.")
    public var format: OutputFormat = .table

    @Option(name: .long, help: "GSL stepper, overriding the file: \(Stepper.allNames).", completion: .list(Stepper.allCases.map(\.rawValue)))
    public var stepper: String?

    @Option(name: .long, help: "Absolute tolerance (GSL epsabs), overriding the file.")
    public var epsabs: Double?

    @Option(name: .long, help: "Relative tolerance (GSL epsrel), overriding the file.")
    public var epsrel: Double?

    public init() {}

    public mutating func validate() throws {
        try Self.validate(stepper: stepper, epsabs: epsabs, epsrel: epsrel)
    }

    /// The checks of ``validate()`` on plain values (shared with `FastPath`).
    static func validate(stepper: String?, epsabs: Double?, epsrel: Double?) throws {
        try validateStepperName(stepper)
        for (name, value) in [("--epsabs", epsabs), ("--epsrel", epsrel)] {
            if let value, !(value.isFinite && value > 0) {
                throw ValidationError("\(name) must be a positive number, got \(value)")
            }
        }
    }

    @Flag(name: .long, help: "Print only t and the observables (mode strengths), not every state variable or weight.")
    public var observables = false

    @Flag(name: .customLong("allow-large"), help: ArgumentHelp(allowLargeHelp))
    public var allowLarge = false

    /// Applies the overrides to solver settings.
    public func apply(to options: inout SolverOptions) {
        if let stepper, let s = Stepper(rawValue: stepper) { options.stepper = s }
        if let epsabs { options.absoluteTolerance = epsabs }
        if let epsrel { options.relativeTolerance = epsrel }
    }
}

/// Help of `--allow-large`, on every command that reads problem files.
let allowLargeHelp = "Accept expressions, systems and Jacobians beyond the size limits (see README, Limits)."

/// Applies `--allow-large` to every problem this process loads.
func applySizeLimits(allowLarge: Bool) {
    ExpressionLimits.setProcessLimits(allowLarge ? .unlimited : .standard)
}

/// Refuses an unknown `--stepper` name (exit 64), listing the accepted ones.
func validateStepperName(_ name: String?) throws {
    if let name, Stepper(rawValue: name) == nil {
        throw ValidationError("unknown stepper '\(name)'; expected one of \(Stepper.allNames)")
    }
}

/// Reads a JSON input file (`-` for standard input). A missing file is a usage error (64); one
/// that cannot be read is an I/O error (74); a malformed one, or one larger than
/// ``FileIO/inputLimit`` (64 MiB), is a bad input file (65).
func readDocument(_ path: String) throws -> InputJSON {
    let text: String
    if path == "-" {
        text = String(decoding: try readStandardInput(), as: UTF8.self)
    } else {
        guard FileManager.default.fileExists(atPath: path) else {
            printError("\(path): no such file")
            throw ExitCode(64)
        }
        let data: Data
        do {
            data = try readFileCapped(URL(fileURLWithPath: path))
        } catch {
            printError("\(path): \(error)")
            if case .inputTooLarge = error { throw ExitCode(65) }
            throw ExitCode(74)
        }
        text = String(decoding: data, as: UTF8.self)
    }
    InputLog.shared.record(path: path, contents: Data(text.utf8))
    do {
        return try InputJSON.parse(text)
    } catch {
        printError("\(path): \(error)")
        throw ExitCode(65)
    }
}

/// Creates the output directory (and its parents) and checks that it can be written, before
/// any work starts. An empty path is a usage error (64); a directory that cannot be created or
/// written is an I/O error (74) naming it.
func prepareOutputDirectory(_ path: String, option: String = "--out") throws -> URL {
    guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
        printError("\(option) is empty; give the directory to write into (use \(option) . for the current directory)")
        throw ExitCode(64)
    }
    let directory = URL(fileURLWithPath: path)
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // No probe file (a kill could leave it behind): ask for write and search permission,
        // which also fails on a read-only file system.
        if access(directory.path, W_OK | X_OK) != 0 {
            throw ReportError.fileOperation(path: directory.path, operation: "write into", reason: FileIO.message(errno))
        }
    } catch {
        printError("\(option) \(path): cannot create or write this directory (\((error as? ReportError).map { "\($0)" } ?? error.localizedDescription)); choose a writable location")
        throw ExitCode(74)
    }
    return directory
}

/// Loads a problem file and applies the command-line overrides; refusals exit 65 naming the field.
func loadProblem(_ path: String, _ common: CommonOptions? = nil, allowLarge: Bool = false) throws -> Problem {
    try loadProblem(path, allowLarge: allowLarge || common?.allowLarge == true) { common?.apply(to: &$0) }
}

/// As ``loadProblem(_:_:allowLarge:)``, with the solver overrides given as a function.
func loadProblem(_ path: String, allowLarge: Bool, applying overrides: (inout SolverOptions) -> Void) throws -> Problem {
    applySizeLimits(allowLarge: allowLarge)
    let document = try readDocument(path)
    do {
        var problem = try Problem.load(document)
        overrides(&problem.solver)
        InputLog.shared.recordSeed("descent.seed", problem.descent.seed)
        return problem
    } catch {
        printError("\(path): \(error)")
        throw ExitCode(65)
    }
}

/// Runs `body`, turning the errors a problem can raise into exit codes: a refused input (a
/// problem-file field, a solver setting or a model value: ``InputError``) is a bad input file (65).
func guarded<T>(_ path: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as InputError {
        printError("\(path): \(error)")
        throw ExitCode(65)
    }
}

extension RunResult {
    /// The same result with only `t` and the named columns.
    func keeping(_ names: [String]) -> RunResult {
        let keep = [0] + names.compactMap { columns.firstIndex(of: $0) }.filter { $0 != 0 }
        var r = self
        r.columns = keep.map { columns[$0] }
        r.rows = rows.map { row in keep.map { row[$0] } }
        return r
    }

    /// The table of rows, as the output contract prints it.
    var table: Table {
        Table(columns: columns, rows: rows.map { $0.map { Cell.number($0) } })
    }

    /// The output contract's JSON object: status, message, columns, rows, t_reached, stats, then
    /// derived quantities and notes where present.
    func json(invariants: [InvariantDrift] = []) -> String {
        var leading: JSONObject = ["status": .string(status.rawValue)]
        if let message { leading["message"] = .string(message) }
        var trailing: JSONObject = ["t_reached": .number(tReached)]
        var stats = JSONObject()
        if let s = statistics {
            stats["stepper"] = .string(s.stepper.rawValue)
            stats["accepted_steps"] = .integer(s.acceptedSteps)
            stats["attempted_steps"] = .integer(s.attemptedSteps)
            stats["rejected_steps"] = .integer(s.rejectedSteps)
            stats["rhs_evaluations"] = .integer(s.rhsEvaluations)
            stats["jacobian_evaluations"] = .integer(s.jacobianEvaluations)
            if s.interpolationEvaluations > 0 { stats["interpolation_evaluations"] = .integer(s.interpolationEvaluations) }
            if s.interpolationErrorRatio > 0 { stats["interpolation_error_ratio"] = .number(s.interpolationErrorRatio) }
        }
        if let d = descent {
            stats["epochs"] = .integer(d.epochs)
            stats["runs"] = .integer(d.runs)
            stats["monte_carlo"] = .bool(d.monteCarlo)
            trailing["learning_rate"] = .number(d.learningRate)
        }
        trailing["stats"] = .object(stats)
        if !derived.isEmpty {
            trailing["derived"] = .object(JSONObject(derived.map { ($0.name, Cell.number($0.value).jsonValue) }))
        }
        if !notes.isEmpty { trailing["notes"] = .array(notes.map { .string($0) }) }
        if !events.isEmpty {
            trailing["events"] = .array(events.map { e in
                .object([
                    "name": .string(e.spec.name), "observable": .string(e.spec.observable), "level": .number(e.spec.level),
                    "direction": .string(e.spec.direction.rawValue), "t": e.time.map { .number($0) } ?? .null,
                    "located_by": .string(e.method),
                ])
            })
        }
        if !invariants.isEmpty {
            trailing["invariants"] = .array(invariants.map { d in
                .object([
                    "name": .string(d.name), "relative_drift": Cell.number(d.relativeDrift).jsonValue,
                    "tolerance_units": Cell.number(d.toleranceUnits).jsonValue, "at": Cell.number(d.at).jsonValue,
                ])
            })
        }
        trailing["provenance"] = InputLog.shared.provenance().jsonValue
        return table.json(leading: leading, trailing: trailing, layout: .compact) + "\n"
    }

    /// Prints the result in the chosen format and returns the exit code: 0 on success, 2 when
    /// the numerical method failed (the rows reached are still printed).
    func print(_ format: OutputFormat, invariants: [InvariantDrift] = []) -> Int32 {
        switch format {
        case .json:
            emit(json(invariants: invariants))
        case .csv:
            // The table view's derived quantities, events and notes follow as a second block
            // (an event's value is its time, empty when it did not occur).
            let eventRows: [(quantity: String, value: Cell, note: String)] = events.map { e in
                ("event." + e.spec.name, e.time.map { Cell.number($0) } ?? .missing,
                 "\(e.spec.observable) \(e.spec.direction.rawValue) through \(e.spec.level); \(e.time == nil ? "did not occur; " : "")located by \(e.method)")
            }
            emit(table.csv() + csvSecondBlock(derived.map { ($0.name, .number($0.value), $0.note) } + eventRows + notes.map { ("note", .missing, $0) }))
        case .table:
            var text = table.text()
            if let s = statistics {
                text += "\nstepper \(s.stepper.rawValue): \(s.acceptedSteps) accepted, \(s.rejectedSteps) rejected steps; \(s.rhsEvaluations) f and \(s.jacobianEvaluations) Jacobian evaluations\n"
            }
            if let d = descent {
                text += "\ngradient descent: \(d.epochs) epochs at learning rate \(d.learningRate)\(d.runs > 1 ? ", mean of \(d.runs) runs" : "")\(d.monteCarlo ? " (Monte-Carlo dropout)" : "")\n"
            }
            if !derived.isEmpty {
                text += "\n" + derived.map { "\($0.name) = \($0.value)\($0.note.isEmpty ? "" : "  (\($0.note))")" }.joined(separator: "\n") + "\n"
            }
            if !events.isEmpty {
                text += "\n" + events.map { e in
                    let what = "event \(e.spec.name) (\(e.spec.observable) \(e.spec.direction.rawValue) through \(e.spec.level))"
                    return e.time.map { "\(what): t = \($0)  (\(e.method))" } ?? "\(what): did not occur (\(e.method))"
                }.joined(separator: "\n") + "\n"
            }
            for note in notes { text += "note: \(note)\n" }
            for d in invariants {
                text += "invariant \(d.name): worst drift \(d.relativeDrift) relative, \(d.toleranceUnits) tolerance units, at t = \(d.at)\n"
            }
            emit(text)
        }
        if !succeeded {
            printError("\(status): \(message ?? "the numerical method failed") (t reached \(tReached))")
            return 2
        }
        return 0
    }
}
