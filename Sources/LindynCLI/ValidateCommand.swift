import ArgumentParser
import Foundation
import LindynModels
import LindynReport
import LindynValidation

/// `lindyn validate FILE... --out DIR` and `lindyn validate merge DIR... --out DIR`.
public struct ValidateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Run validation grids: compare integrator, descent and closed form at every point; write error, stiffness and work-precision tables and plots.",
        subcommands: [ValidateRunCommand.self, ValidateMergeCommand.self],
        defaultSubcommand: ValidateRunCommand.self)

    public init() {}
}

/// Reads grid files (a directory stands for the `.json` files in it, sorted by name). Bad files
/// exit 65 naming the field.
func loadGrids(_ paths: [String], limits: CostLimits = .standard) throws -> [ValidationGrid] {
    var files: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files += names.filter { $0.hasSuffix(".json") }.sorted().map { (path as NSString).appendingPathComponent($0) }
        } else {
            files.append(path)
        }
    }
    guard !files.isEmpty else {
        printError("no grid files given")
        throw ExitCode(64)
    }
    var grids: [ValidationGrid] = []
    for file in files {
        let document = try readDocument(file)
        let name = file == "-" ? "stdin" : URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        do {
            let grid = try ValidationGrid.parse(document, defaultName: name, limits: limits)
            if grids.contains(where: { $0.name == grid.name }) {
                printError("\(file): a grid named '\(grid.name)' was given twice; grid names must be distinct")
                throw ExitCode(65)
            }
            grids.append(grid)
        } catch let error as ProblemFileError {
            printError("\(file): \(error)")
            throw ExitCode(65)
        }
    }
    return grids
}

/// The exit code of an error from a validation run or merge: 74 for files that cannot be written
/// or a directory held by another run, 65 for unreadable or incomplete inputs (journals, shard
/// sets), 2 otherwise.
func validationExitCode(_ error: any Error) -> Int32 {
    // The library wraps the layer's error; the code depends on that error.
    let layer: any Error
    switch error as? ValidationRunError {
    case .file(let e)?: layer = e
    case .outputDirectory(let e)?: layer = e
    default: layer = error
    }
    switch layer {
    case ReportError.fileOperation, OutputDirectoryError.busy, OutputDirectoryError.foreignEntry: return 74
    case ReportError.invalidJournal, ReportError.journalColumnsMismatch, ReportError.inputTooLarge, ReportError.invalidJSON,
        OutputDirectoryError.incompleteShards:
        return 65
    default: return 2
    }
}

/// Prints the summary and turns failures into exit code 1.
func finishValidation(_ summary: ValidationSummary, directory: URL) throws {
    for w in summary.warnings { printWarning(w) }
    emit(summary.text(directory: directory))
    if !summary.passed { throw ExitCode(1) }
}

/// Reads `--figure-formats png,pdf`; refuses unknown formats, and PNG or PDF without rsvg-convert
/// (exit 64, saying how to install it).
func parseFigureFormats(_ text: String?) throws -> [FigureExport.Format] {
    guard let text else { return [] }
    var formats: [FigureExport.Format] = []
    for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where word != "svg" {
        guard let format = FigureExport.Format(rawValue: word) else {
            printError("--figure-formats: unknown format '\(word)'; choose from svg, png, pdf")
            throw ExitCode(64)
        }
        formats.append(format)
    }
    if !formats.isEmpty, FigureExport.converter == nil {
        printError(FigureExport.missingConverterMessage)
        throw ExitCode(64)
    }
    return formats
}

/// Reads `--columns TABLE=COLUMN,...` options; an unknown table or column is a usage error
/// naming it and listing the choices.
func parseLatexColumns(_ specs: [String], parameterPaths: Set<String>) throws -> [String: [String]] {
    var out: [String: [String]] = [:]
    for spec in specs {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, PaperTables.tableNames.contains(parts[0]) else {
            throw ValidationError("--columns expects TABLE=COLUMN,... with TABLE one of \(PaperTables.tableNames.joined(separator: ", ")); got '\(spec)'")
        }
        let names = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("--columns \(parts[0])= names no columns; give at least one") }
        let available = PaperTables.availableColumns(parts[0])
        for name in names where !(available.contains(name) || name == "parameters" || parameterPaths.contains(name)) {
            throw ValidationError("--columns: \(parts[0]) has no column '\(name)'; choose from parameters (the grid parameter columns), \(available.filter { $0 != "parameters" }.joined(separator: ", "))")
        }
        out[parts[0]] = names
    }
    return out
}

public struct ValidateRunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run validation grids (the default subcommand: `lindyn validate FILE... --out DIR`).",
        discussion: """
            Every point runs in parallel over the machine's cores; each finished point is appended to the journal, \
            so an interrupted run continues with --resume. The new tables are written beside the old ones and switched \
            in only when complete, so a failed or interrupted run leaves the previous results whole. One run at a time \
            holds DIR (a second one exits 74 naming the holder). --shard k/n runs every n-th point (a job array on a \
            cluster); `lindyn validate merge` joins the shards' directories. Exit 1 when any point fails; 74 when a \
            file cannot be written; 130 or 143 after SIGINT or SIGTERM (what was kept is printed).
            """)

    @Argument(help: "Grid files (JSON), or directories of them.", completion: .file(extensions: ["json"]))
    public var files: [String]

    @Option(name: .long, help: "Output directory for the tables, plots and journal.", completion: .directory)
    public var out: String

    @Flag(name: .long, help: "Keep the points already in DIR/journal.jsonl and run only the rest.")
    public var resume = false

    @Option(name: .long, help: "Run one shard, k/n (1 <= k <= n).")
    public var shard: String?

    @Flag(name: .customLong("no-plots"), help: "Write the tables only.")
    public var noPlots = false

    @Option(name: .long, help: ArgumentHelp(
        "Columns of a LaTeX table, TABLE=COLUMN,COLUMN,... (repeatable).",
        discussion: "TABLE is errors, stiffness, work-precision or summary; COLUMN a column of its CSV, or parameters for the grid's parameter columns.",
        valueName: "table=columns"))
    public var columns: [String] = []

    @Option(name: .customLong("figure-formats"), help: "Formats written beside each SVG figure, comma-separated: png, pdf (needs rsvg-convert).")
    public var figureFormats: String?

    @Flag(name: .long, help: "A quick run: each axis keeps its first and last value, two steppers, the tightest tolerance.")
    public var quick = false

    @Option(name: .long, help: "Points run at once (default: SLURM_CPUS_PER_TASK inside a Slurm job, else the number of cores).")
    public var workers: Int?

    @Flag(name: .customLong("allow-large"), help: ArgumentHelp(allowLargeHelp))
    public var allowLarge = false

    public init() {}

    func parsedShard() throws -> (Int, Int)? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, k >= 1, k <= n else {
            throw ValidationError("--shard expects k/n with 1 <= k <= n, got '\(shard)'")
        }
        return (k, n)
    }

    public mutating func validate() throws {
        _ = try parsedShard()
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    public func run() throws {
        applySizeLimits(allowLarge: allowLarge)
        var grids = try loadGrids(files, limits: .forRun(allowLarge: allowLarge))
        if quick { grids = grids.map { $0.reduced() } }
        let directory = try prepareOutputDirectory(out)
        let latexColumns: [String: [String]]
        do {
            latexColumns = try parseLatexColumns(columns, parameterPaths: Set(grids.flatMap { $0.axes.flatMap(\.paths) }))
        } catch let error as ValidationError {
            printError(error.message)
            throw ExitCode(64)
        }
        var options = ValidationOptions(
            outputDirectory: directory, resume: resume, shard: try parsedShard().map { (index: $0.0, count: $0.1) },
            plots: !noPlots, workers: workers ?? slurmCPUsPerTask(), handlesSignals: true, provenance: InputLog.shared.provenance())
        options.latexColumns = latexColumns
        options.figureFormats = try parseFigureFormats(figureFormats)
        let summary: ValidationSummary
        do {
            summary = try Validation.run(grids, options: options)
        } catch {
            printError("\(error)")
            throw ExitCode(validationExitCode(error))
        }
        try finishValidation(summary, directory: directory)
    }
}

/// The cores Slurm gave each task (`SLURM_CPUS_PER_TASK`), when running inside a Slurm job.
func slurmCPUsPerTask() -> Int? {
    guard let text = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"], let n = Int(text), n >= 1 else { return nil }
    return min(n, 4096)
}

public struct ValidateMergeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the output directories of sharded runs (their journals) into one set of tables and plots.",
        discussion: """
            The directories must be one complete run: every shard 1..n of the same n, each finished, all of the same \
            version of the grids (the fingerprints in their run.json). Otherwise merge refuses (exit 65) naming what \
            is missing or mismatched, unless --allow-partial, which merges what there is and marks the README, the \
            summary and every table as partial.
            """)

    @Argument(help: "Output directories of `lindyn validate --shard k/n` runs (or their journal.jsonl files).", completion: .directory)
    public var directories: [String]

    @Option(name: .long, help: "Output directory for the merged tables, plots and journal.", completion: .directory)
    public var out: String

    @Flag(name: .customLong("no-plots"), help: "Write the tables only.")
    public var noPlots = false

    @Flag(name: .customLong("allow-partial"), help: "Merge an incomplete or mismatched set anyway, marking the tables as partial.")
    public var allowPartial = false

    public init() {}

    public func run() throws {
        for d in directories where !FileManager.default.fileExists(atPath: d) {
            printError("\(d): no such directory")
            throw ExitCode(64)
        }
        // The shards' journals are the merge's inputs.
        for d in directories {
            let journal = d.hasSuffix(Validation.journalName) ? d : (d as NSString).appendingPathComponent(Validation.journalName)
            if let data = FileManager.default.contents(atPath: journal) { InputLog.shared.record(path: journal, contents: data) }
        }
        let directory = try prepareOutputDirectory(out)
        let summary: ValidationSummary
        do {
            summary = try Validation.merge(directories.map { URL(fileURLWithPath: $0) }, into: directory, plots: !noPlots, allowPartial: allowPartial, provenance: InputLog.shared.provenance())
        } catch {
            printError("\(error)")
            throw ExitCode(validationExitCode(error))
        }
        try finishValidation(summary, directory: directory)
    }
}
