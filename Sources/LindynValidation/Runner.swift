import Foundation
import LindynIntegrator
import LindynModels
import LindynReport

/// How `lindyn validate` runs.
public struct ValidationOptions: Sendable {
    /// The directory the tables, figures, journal and `run.json` are written to (created if
    /// missing; locked while the run lasts).
    public var outputDirectory: URL
    /// Keep the journal's finished points and run only the others.
    public var resume: Bool
    /// Run only shard `index` (1-based) of `count`: the points whose position in the run
    /// (all grids, in order) is index - 1 modulo count.
    public var shard: (index: Int, count: Int)?
    /// Draw the SVG figures.
    public var plots: Bool
    /// A progress bar on standard error (only drawn when it is a terminal).
    public var progress: Bool
    /// Concurrent points (default: the machine's active cores).
    public var workers: Int?
    /// On SIGINT or SIGTERM, print one line saying what was kept and how to resume, then exit
    /// (status 128 + the signal number). For the command line; off by default.
    public var handlesSignals: Bool
    /// The record of this run, written as `provenance.json`, into the journal's header and into
    /// every figure (default: this process, without input files).
    public var provenance: Provenance
    /// The columns of each `.tex` table, by table name (`errors`, `stiffness`, `work-precision`,
    /// `summary`); `parameters` stands for the grid's parameter columns. Tables not named keep
    /// ``PaperTables/defaultColumns``.
    public var latexColumns: [String: [String]] = [:]
    /// Formats written beside each SVG figure (PNG, PDF; needs rsvg-convert).
    public var figureFormats: [FigureExport.Format] = []

    /// Options with the defaults of `lindyn validate` (provenance of this process).
    public init(outputDirectory: URL, resume: Bool = false, shard: (index: Int, count: Int)? = nil, plots: Bool = true, progress: Bool = true, workers: Int? = nil, handlesSignals: Bool = false, provenance: Provenance? = nil) {
        self.handlesSignals = handlesSignals
        self.provenance = provenance ?? .current()
        self.outputDirectory = outputDirectory
        self.resume = resume
        self.shard = shard
        self.plots = plots
        self.progress = progress
        self.workers = workers
    }
}

/// The outcome of a run: counts, the worst rows, and the files written.
public struct ValidationSummary: Sendable {
    /// Rows of steppers listed in `compare.known_inaccurate` that missed the rule (not failures).
    public var knownFailRows: Int
    /// Rows whose method gave up where the grid allows it (not failures).
    public var gaveUpRows: Int
    /// Number of grids run.
    public var grids: Int
    /// Number of points run (resumed ones included).
    public var points: Int
    /// The points that failed, as `grid #index (parameters)`; empty when the run passed.
    public var failedPoints: [String]
    /// Points taken from the journal of an earlier run (`resume`).
    public var resumedPoints: Int
    /// Rows of the error table: one per compared method run.
    public var comparisons: Int
    /// Method, the worst error_ratio, and where.
    public var worst: [(method: String, ratio: Double, scaled: Double, at: String)]
    /// Points whose stiffness verdict is `stiff` (rule in `Notes/stiffness.md`).
    public var stiffPoints: Int
    /// The files written (tables, figures, README, journal, manifest).
    public var files: [URL]
    /// Wall time of the run, in seconds.
    public var seconds: Double
    /// Recoverable problems met on the way (corrupt journal lines skipped), one sentence each.
    public var warnings: [String] = []
    /// Why the tables are not one complete run (a merge accepted with `--allow-partial`).
    public var partial: [String] = []

    /// True when no point failed (known failures and allowed give-ups do not count).
    public var passed: Bool { failedPoints.isEmpty }

    /// The summary printed on standard output.
    public func text(directory: URL) -> String {
        var out = "Validation: \(points) point\(points == 1 ? "" : "s") in \(grids) grid\(grids == 1 ? "" : "s"), \(comparisons) comparisons"
        out += resumedPoints > 0 ? " (\(resumedPoints) resumed from the journal)" : ""
        out += String(format: ", %.1f s.\n", seconds)
        out += "Points passed: \(points - failedPoints.count); failed: \(failedPoints.count).\n"
        for f in failedPoints.prefix(10) { out += "  FAILED \(f)\n" }
        if failedPoints.count > 10 { out += "  ... and \(failedPoints.count - 10) more (see errors.md)\n" }
        if !worst.isEmpty {
            out += "Worst of each method (error_ratio: 1 is the pass limit; scaled error = max|x - r| / max|r|; known_fail rows excluded):\n"
            for w in worst {
                out += "  \(w.method.padding(toLength: 10, withPad: " ", startingAt: 0)) ratio \(shortNumber(w.ratio)), scaled error \(shortNumber(w.scaled)) at \(w.at)\n"
            }
        }
        if knownFailRows + gaveUpRows > 0 {
            out += "Not counted as failures: \(knownFailRows) known_fail rows (steppers the grid lists as known_inaccurate) and \(gaveUpRows) gave_up rows (allowed method failures, e.g. explicit steppers on stiff problems); see errors.md.\n"
        }
        out += "Stiff points: \(stiffPoints) of \(points) (rule in stiffness.md).\n"
        if !partial.isEmpty { out += "PARTIAL RESULTS, not one complete run: \(partial.joined(separator: "; ")).\n" }
        out += "Tables and plots in \(directory.path)/ (start with README.md).\n"
        return out
    }
}

/// Runs validation grids, journals each finished point, and writes the tables and plots.
public enum Validation {
    /// The journal's file name in the output directory: one JSON line per finished point, the
    /// record `resume` continues from.
    public static let journalName = "journal.jsonl"

    /// Runs `grids` (in order) into `options.outputDirectory`.
    ///
    /// The directory is locked for the run (a second run on it fails with
    /// ``OutputDirectoryError/busy(directory:holder:)``). Points are journaled, and the tables
    /// written, in a staging directory inside it; the previous results stay in place, whole,
    /// until the new set is complete and switched in. With `resume`, the journal of an unfinished
    /// run (or else the directory's current journal) is continued; corrupt journal lines are
    /// dropped with a warning and their points run again.
    static func runGrids(_ grids: [ValidationGrid], options: ValidationOptions) throws -> ValidationSummary {
        let started = PointRunner.now()
        let directory = options.outputDirectory
        let out = try OutputDirectory(directory)
        defer { out.release() }
        try out.prepareStaging(fresh: !options.resume)
        let journalURL = out.staging.appendingPathComponent(journalName)
        if options.resume, !FileManager.default.fileExists(atPath: journalURL.path) {
            let previous = directory.appendingPathComponent(journalName)
            if FileManager.default.fileExists(atPath: previous.path) {
                try writeAtomically(try readFileCapped(previous, limit: .max), to: journalURL)
            }
        }
        let journal = try RowJournal(url: journalURL, columns: PointCodec.journalColumns, jsonColumns: PointCodec.jsonColumns, header: ["provenance": options.provenance.jsonValue])
        var warnings: [String] = []
        if !journal.droppedLines.isEmpty {
            warnings.append(corruptLinesWarning(journal.droppedLines, in: journalURL, consequence: "their points ran again"))
        }
        // Points of this run (and shard).
        var tasks: [(grid: Int, point: Int)] = []
        var position = 0
        for (g, grid) in grids.enumerated() {
            for p in 0..<grid.pointCount {
                defer { position += 1 }
                if let shard = options.shard, position % shard.count != shard.index - 1 { continue }
                tasks.append((g, p))
            }
        }
        let wanted = Set(tasks.map { "\(grids[$0.grid].name)#\($0.point)#\(grids[$0.grid].fingerprint)" })
        var done = Set<String>()
        for row in journal.resumedRows {
            guard row.count == 4, case .text(let g) = row[0], case .integer(let i) = row[1], case .text(let f) = row[2] else { continue }
            let key = "\(g)#\(i)#\(f)"
            if wanted.contains(key), PointCodec.point(fromJournalRow: row) != nil { done.insert(key) }
        }
        let pending = tasks.filter { !done.contains("\(grids[$0.grid].name)#\($0.point)#\(grids[$0.grid].fingerprint)") }
        let progress = ProgressBar(total: tasks.count, already: tasks.count - pending.count, enabled: options.progress)
        let interrupts = options.handlesSignals
            ? InterruptHandler(journal: journal, total: tasks.count, kept: tasks.count - pending.count, directory: directory) : nil
        defer { interrupts?.stop() }
        let failure = FirstError()
        let workers = max(1, options.workers ?? ProcessInfo.processInfo.activeProcessorCount)
        // One OpenBLAS thread per point when points run in parallel: the workers already use
        // the cores, and a second BLAS thread per product would only oversubscribe them.
        let blasThreads = LinearAlgebra.blasThreads
        if workers > 1 { LinearAlgebra.blasThreads = 1 }
        defer { LinearAlgebra.blasThreads = blasThreads }
        let queue = WorkQueue(count: pending.count)
        let finished = FinishedPoints(count: pending.count)
        let dispatch = Self.dispatchOrder(pending.map { grids[$0.grid].pointCount })
        DispatchQueue.concurrentPerform(iterations: min(workers, max(1, pending.count))) { _ in
            while failure.error == nil, let next = queue.next() {
                let k = dispatch[next]
                let task = pending[k]
                let grid = grids[task.grid]
                let result = PointRunner.run(grid, gridOrder: task.grid, index: task.point)
                do {
                    try journal.append(encodedRow: PointCodec.encodedJournalRow(result))
                    finished.keep(result, at: k)
                    interrupts?.pointKept()
                } catch {
                    failure.record(error)
                }
                progress.tick("\(grid.name) #\(task.point)")
            }
        }
        progress.finish()
        journal.close()
        if let error = failure.error { throw error }
        // Every row of the journal must have reached the file intact (checksums only: the rows
        // of this run are in memory, exactly as journaled, since the journal keeps every bit).
        let check = try RowJournal.verify(journalURL)
        if let line = check.corruptLines.first {
            throw ReportError.invalidJournal(path: journalURL.path, line: line, reason: "a row written by this run does not read back (the disk or another writer changed it)")
        }
        guard check.rows == journal.resumedRows.count + pending.count else {
            throw ReportError.invalidJournal(
                path: journalURL.path, line: check.rows + 1,
                reason: "the journal holds \(check.rows) rows where this run left \(journal.resumedRows.count + pending.count) (another writer changed it)")
        }
        // Results of this run, in grid and point order: the resumed rows, then this run's points.
        var results: [String: PointResult] = [:]
        for row in journal.resumedRows {
            guard let r = PointCodec.point(fromJournalRow: row) else { continue }
            let key = "\(r.grid)#\(r.index)#\(r.fingerprint)"
            if wanted.contains(key) { results[key] = r }
        }
        for r in finished.results {
            let key = "\(r.grid)#\(r.index)#\(r.fingerprint)"
            if wanted.contains(key) { results[key] = r }
        }
        var ordered = Array(results.values)
        // The journal may come from another file order: take the order of this run.
        let order = Dictionary(grids.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for k in ordered.indices { ordered[k].gridOrder = order[ordered[k].grid] ?? ordered[k].gridOrder }
        var summary = try write(ordered, to: out.staging, plots: options.plots, manifest: RunManifest(grids, shard: options.shard), provenance: options.provenance,
                                latexColumns: options.latexColumns, figureFormats: options.figureFormats)
        try out.commit(summary.files.map { relativePath($0, in: out.staging) })
        summary.files = summary.files.map { directory.appendingPathComponent(relativePath($0, in: out.staging)) }
        summary.resumedPoints = tasks.count - pending.count
        summary.warnings = warnings
        summary.seconds = PointRunner.now() - started
        return summary
    }

    static func relativePath(_ file: URL, in directory: URL) -> String {
        let base = directory.standardizedFileURL.path + "/"
        let path = file.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : file.lastPathComponent
    }

    static func corruptLinesWarning(_ lines: [Int], in url: URL, consequence: String) -> String {
        let shown = lines.prefix(5).map(String.init).joined(separator: ", ") + (lines.count > 5 ? ", ..." : "")
        return "\(url.path): skipped \(lines.count) corrupt line\(lines.count == 1 ? "" : "s") (line\(lines.count == 1 ? "" : "s") \(shown): unreadable or checksum mismatch); \(consequence)"
    }

    /// Joins the journals of shard runs (each directory holds a `journal.jsonl` and `run.json`)
    /// and writes the tables and plots of the whole run into `output`.
    ///
    /// The directories must be one complete run of one version of the grids (see
    /// ``checkShards(_:)``); otherwise this throws ``OutputDirectoryError/incompleteShards(_:)``,
    /// unless `allowPartial`, which merges what there is and marks the README, the summary and
    /// every table (their captions, so also the JSON files) as partial, naming what is missing.
    /// A point present in several journals keeps its last record.
    static func mergeShards(_ directories: [URL], into output: URL, plots: Bool, allowPartial: Bool, provenance: Provenance) throws -> ValidationSummary {
        let started = PointRunner.now()
        let check = checkShards(directories)
        if !check.isComplete, !allowPartial { throw OutputDirectoryError.incompleteShards(check.problems) }
        var results: [String: PointResult] = [:]
        var warnings: [String] = []
        var grids: [RunManifest.GridEntry] = []
        for shard in check.shards {
            let url = shard.directory.appendingPathComponent(journalName)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let contents = try RowJournal.read(url)
            if !contents.corruptLines.isEmpty {
                warnings.append(corruptLinesWarning(contents.corruptLines, in: url, consequence: "their points are missing from the merge"))
            }
            for g in shard.manifest?.grids ?? [] where !grids.contains(where: { $0.name == g.name }) { grids.append(g) }
            let current = shard.manifest.map { m in Dictionary(m.grids.map { ($0.name, $0.fingerprint) }, uniquingKeysWith: { a, _ in a }) }
            for row in contents.rows {
                guard let r = PointCodec.point(fromJournalRow: row) else { continue }
                // Rows of an older version of a grid, kept by a resumed journal, are not this run's.
                if let current, current[r.grid] != r.fingerprint { continue }
                results["\(r.grid)#\(r.index)"] = r
            }
        }
        var problems = check.problems
        if !warnings.isEmpty, !allowPartial { throw OutputDirectoryError.incompleteShards(warnings) }
        problems += warnings
        let out = try OutputDirectory(output)
        defer { out.release() }
        try out.prepareStaging(fresh: true)
        // The merged journal, so that the merged directory can itself be resumed or merged.
        let journal = try RowJournal(url: out.staging.appendingPathComponent(journalName), columns: PointCodec.journalColumns, jsonColumns: PointCodec.jsonColumns, header: ["provenance": provenance.jsonValue])
        let sorted = results.values.sorted { ($0.gridOrder, $0.grid, $0.index) < ($1.gridOrder, $1.grid, $1.index) }
        for r in sorted { try journal.append(encodedRow: PointCodec.encodedJournalRow(r)) }
        journal.close()
        var summary = try write(sorted, to: out.staging, plots: plots, manifest: RunManifest(grids: grids, shard: nil, partial: problems), provenance: provenance)
        try out.commit(summary.files.map { relativePath($0, in: out.staging) })
        summary.files = summary.files.map { output.appendingPathComponent(relativePath($0, in: out.staging)) }
        summary.warnings = warnings
        summary.seconds = PointRunner.now() - started
        return summary
    }

    /// Writes every table (CSV, Markdown, LaTeX, JSON; each file atomically), the figures and a
    /// README for `results`, sorted by grid order and point.
    /// With a `manifest`, also writes `run.json` (listing the files of the set, and the
    /// directory's `journal.jsonl` if there is one); a manifest's `partial` reasons mark the
    /// README, the summary and every table's caption as partial. `provenance` goes into
    /// `provenance.json`, the README and every figure.
    /// `latexColumns` picks the columns of the `.tex` tables (see ``PaperTables``).
    static func writeTables(_ unsorted: [PointResult], to directory: URL, plots: Bool, manifest: RunManifest?, provenance: Provenance,
                            latexColumns: [String: [String]], figureFormats: [FigureExport.Format]) throws -> ValidationSummary {
        let results = unsorted.sorted { ($0.gridOrder, $0.grid, $0.index) < ($1.gridOrder, $1.grid, $1.index) }
        let partial = manifest?.partial ?? []
        let errorRows = results.flatMap(\.errorRows)
        let parameterNames = ParameterColumns.names(results)
        // Each point's parameter cells, made once for its rows of every table.
        let parameterCells = results.map { ParameterColumns.cells($0, names: parameterNames) }
        var errors = ParameterColumns.inserting(
            into: ErrorTable.table(errorRows), rowCells: results.indices.flatMap { k in repeatElement(parameterCells[k], count: results[k].errorRows.count) },
            names: parameterNames)
        var stiffness = ParameterColumns.inserting(into: StiffnessTable.table(results.map(\.stiffnessRow)), rowCells: parameterCells, names: parameterNames)
        var work = WorkPrecisionTable.table(fromErrorRows: errorRows)
        var summaryTable = SummaryTable.table(results)
        if !partial.isEmpty {
            let note = "PARTIAL RESULTS, not one complete run: " + partial.joined(separator: "; ") + "."
            for k in 0..<4 {
                func mark(_ t: inout Table) { t.caption = note + (t.caption.map { " " + $0 } ?? "") }
                switch k {
                case 0: mark(&errors)
                case 1: mark(&stiffness)
                case 2: mark(&work)
                default: mark(&summaryTable)
                }
            }
        }
        // Every table, figure and the provenance at once (``writeConcurrently(_:)``); the files
        // are listed in the same order as they would be written one after another.
        let full: [TableFormat] = [.csv, .markdown, .json]
        let (errorTable, stiffnessTable, workTable, summaryTableCopy) = (errors, stiffness, work, summaryTable)
        var jobs: [@Sendable () throws -> [URL]] = []
        for (table, base) in [(errorTable, "errors"), (stiffnessTable, "stiffness"), (workTable, "work-precision"), (summaryTableCopy, "summary")] {
            // Each number converted once for the three formats.
            let numbers = table.numberTexts()
            for format in full {
                jobs.append {
                    let url = directory.appendingPathComponent(base + "." + format.fileExtension)
                    try writeAtomically(bytes: table.renderedBytes(as: format, numbers: numbers), to: url)
                    return [url]
                }
            }
        }
        let generalisation = results.filter { $0.generalisationRow != nil }
        if !generalisation.isEmpty {
            var table = ParameterColumns.inserting(
                into: GeneralisationTable.table(generalisation.map { $0.generalisationRow! }), owners: generalisation, names: ParameterColumns.names(generalisation))
            if !partial.isEmpty { table.caption = "PARTIAL RESULTS, not one complete run: " + partial.joined(separator: "; ") + ". " + (table.caption ?? "") }
            let generalisationTable = table
            for format in full {
                jobs.append {
                    let url = directory.appendingPathComponent("generalisation." + format.fileExtension)
                    try writeAtomically(bytes: generalisationTable.renderedBytes(as: format), to: url)
                    return [url]
                }
            }
        }
        // LaTeX for a paper: chosen columns, one table per grid (PaperTables).
        let note = partial.isEmpty ? nil : "PARTIAL RESULTS, not one complete run: " + partial.joined(separator: "; ") + "."
        jobs.append {
            let latex = PaperTables.latex(
                results: results, errors: errorTable, stiffness: stiffnessTable, work: workTable, summary: summaryTableCopy, columns: latexColumns, note: note)
            return try writeConcurrently(PaperTables.tableNames.map { name in
                { @Sendable in
                    let url = directory.appendingPathComponent(name + ".tex")
                    try writeAtomically(latex[name] ?? "", to: url)
                    return [url]
                }
            })
        }
        let figuresAt = jobs.count
        jobs.append {
            plots ? try ValidationPlots.writeAll(results, errorTable: errorTable, workTable: workTable, to: directory.appendingPathComponent("plots"), metadata: provenance.svgMetadata) : []
        }
        let provenanceURL = directory.appendingPathComponent(Provenance.fileName)
        jobs.append {
            try writeAtomically(provenance.jsonValue.serialized(.pretty) + "\n", to: provenanceURL)
            return []
        }
        let written = try writeConcurrently(jobs, keepingEach: true)
        var files = Array(written[..<figuresAt].joined())
        let figures = written[figuresAt]
        files += figures
        files += try exportFigures(figures, formats: figureFormats)
        var worst: [(String, Double, Double, String)] = []
        for method in ["integrator", "descent", "formula", "large_n", "aligned_law"] {
            let rows = errorRows.filter { $0[ErrorColumn.method] == .text(method) && $0[ErrorColumn.status] != .text("known_fail") }
            guard let w = rows.max(by: { ($0[ErrorColumn.error_ratio].doubleValue ?? -1) < ($1[ErrorColumn.error_ratio].doubleValue ?? -1) }),
                let ratio = w[ErrorColumn.error_ratio].doubleValue else { continue }
            var at = "\(text(w[ErrorColumn.grid])) #\(text(w[ErrorColumn.point])) (\(text(w[ErrorColumn.parameters]))"
            if method == "integrator" { at += "; \(text(w[ErrorColumn.stepper])) at epsabs \(text(w[ErrorColumn.epsabs]))" }
            at += ")"
            worst.append((method, ratio, w[ErrorColumn.max_scaled_error].doubleValue ?? .nan, at))
        }
        let failed = results.filter { !$0.passed }.map { r -> String in
            let bad = r.errorRows.filter { if case .text(let s) = $0[ErrorColumn.status] { return ErrorTable.failingStatuses.contains(s) } else { return false } }
            let what = bad.prefix(3).map { row -> String in
                var s = "\(text(row[ErrorColumn.method]))"
                if case .text(let st) = row[ErrorColumn.stepper] { s += " \(st)" }
                if let a = row[ErrorColumn.epsabs].doubleValue { s += " \(a)" }
                s += ": \(text(row[ErrorColumn.status]))"
                if let ratio = row[ErrorColumn.error_ratio].doubleValue { s += " (ratio \(shortNumber(ratio)))" }
                if case .text(let m) = row[ErrorColumn.message] { s += " \(m.prefix(120))" }
                return s
            }.joined(separator: "; ")
            return "\(r.grid) #\(r.index) [\(r.parameters.map { "\($0.0)=\($0.1)" }.joined(separator: "; "))]: \(what)"
        }
        let vk = StiffnessTable.index("verdict")
        let stiff = results.filter { $0.stiffnessRow[vk] == .text("stiff") }.count
        let knownFail = errorRows.filter { $0[ErrorColumn.status] == .text("known_fail") }.count
        let gaveUp = errorRows.filter { $0[ErrorColumn.status] == .text("gave_up") }.count
        var summary = ValidationSummary(
            knownFailRows: knownFail, gaveUpRows: gaveUp, grids: Set(results.map(\.grid)).count, points: results.count, failedPoints: failed, resumedPoints: 0,
            comparisons: errorRows.count, worst: worst, stiffPoints: stiff, files: files, seconds: 0)
        summary.partial = partial
        summary.files.append(provenanceURL)
        let readme = directory.appendingPathComponent("README.md")
        try writeAtomically(Readme.text(summary: summary, summaryTable: summaryTable, figures: figures, directory: directory, provenance: provenance), to: readme)
        summary.files.append(readme)
        if var manifest {
            let journal = directory.appendingPathComponent(journalName)
            if FileManager.default.fileExists(atPath: journal.path) { summary.files.append(journal) }
            let url = directory.appendingPathComponent(RunManifest.fileName)
            manifest.files = (summary.files + [url]).map { relativePath($0, in: directory) }
            try writeAtomically(manifest.json.serialized(.pretty) + "\n", to: url)
            summary.files.append(url)
        }
        return summary
    }

    /// Runs `jobs` at once, each on a thread of its own, and returns the files each wrote, in job
    /// order; the first error in job order is rethrown after every job has finished. Rendering
    /// runs on every core, and the flushes to disk of ``writeAtomically(_:to:)`` (each waits for
    /// the device) overlap instead of queuing one behind the other; durability is unchanged, as
    /// every file is still flushed before it is renamed into the staging directory, and the set
    /// is switched in only after all of them.
    static func writeConcurrently(_ jobs: [@Sendable () throws -> [URL]]) throws -> [URL] {
        Array(try writeConcurrently(jobs, keepingEach: true).joined())
    }

    static func writeConcurrently(_ jobs: [@Sendable () throws -> [URL]], keepingEach: Bool) throws -> [[URL]] {
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var slots: [Result<[URL], any Error>?]
            init(_ n: Int) { slots = Array(repeating: nil, count: n) }
            func set(_ k: Int, _ r: Result<[URL], any Error>) {
                lock.lock()
                slots[k] = r
                lock.unlock()
            }
        }
        let outcomes = Outcomes(jobs.count)
        let group = DispatchGroup()
        for (k, job) in jobs.enumerated() {
            group.enter()
            let thread = Thread {
                outcomes.set(k, Result { try job() })
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return try outcomes.slots.map { try $0!.get() }
    }

    static func text(_ c: Cell) -> String {
        switch c {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .number(let x): return shortNumber(x)
        case .bool(let b): return String(b)
        case .missing: return ""
        }
    }
}

/// Per-grid totals.
enum SummaryTable {
    static func table(_ results: [PointResult]) -> Table {
        var table = Table(
            columns: ["grid", "points", "passed", "failed", "worst_integrator_scaled_error", "worst_descent_scaled_error",
                      "max_descent_lag", "worst_formula_scaled_error", "formula_checked", "stiff_points", "description"],
            title: "Summary by grid",
            caption: "Scaled error: max |x - r| / max|r|. formula_checked: points where the closed form was evaluated and compared with the tight integration.")
        var order: [String] = []
        var groups: [String: [PointResult]] = [:]
        for r in results {
            if groups[r.grid] == nil { order.append(r.grid) }
            groups[r.grid, default: []].append(r)
        }
        let e = ErrorTable.index
        for name in order {
            let g = groups[name]!
            let rows = g.flatMap(\.errorRows)
            func worst(_ method: String, _ column: String = "max_scaled_error", abs useAbs: Bool = false) -> Cell {
                let k = e(column)
                let v = rows.filter { $0[ErrorColumn.method] == .text(method) }.compactMap { $0[k].doubleValue }.map { useAbs ? Swift.abs($0) : $0 }
                return v.max().map { .number($0) } ?? .missing
            }
            let available = rows.filter { $0[ErrorColumn.method] == .text("formula") && $0[ErrorColumn.max_scaled_error].doubleValue != nil }.count
            let verdict = StiffnessTable.index("verdict")
            let stiff = g.filter { $0.stiffnessRow[verdict] == .text("stiff") }.count
            let failed = g.filter { !$0.passed }.count
            table.append([
                .text(name), .integer(g.count), .integer(g.count - failed), .integer(failed), worst("integrator"), worst("descent"),
                worst("descent", "descent_lag", abs: true), worst("formula"), .integer(available), .integer(stiff), .text(g.first?.gridDescription ?? ""),
            ])
        }
        return table
    }
}

extension Validation {
    /// The order in which the workers take the pending points (indices into them), given each
    /// point's grid size: the points of the smallest grids first, in run order within a size.
    /// Small grids are where the expensive points are (a stiff or wide problem is given a few
    /// points, a cheap one many), so they start early and the cheap points fill the end of the
    /// run, where two workers would otherwise wait on one long point. Results, tables and the
    /// journal's contents do not depend on this order; only the order of rows in the journal does.
    static func dispatchOrder(_ gridSizes: [Int]) -> [Int] {
        gridSizes.indices.sorted { (gridSizes[$0], $0) < (gridSizes[$1], $1) }
    }
}

/// Hands out task indices to the workers, in order.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    init(count: Int) { self.count = count }
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}

/// The points finished by the workers, by task index.
final class FinishedPoints: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [PointResult?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func keep(_ result: PointResult, at k: Int) {
        lock.lock()
        defer { lock.unlock() }
        slots[k] = result
    }
    var results: [PointResult] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

/// The first error raised by a worker.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: (any Error)?
    func record(_ e: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if error == nil { error = e }
    }
}

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var done: Int
    private let enabled: Bool

    init(total: Int, already: Int, enabled: Bool) {
        self.total = total
        self.done = already
        self.enabled = enabled && isatty(STDERR_FILENO) == 1 && total > 0
        draw("")
    }

    func tick(_ label: String) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        draw(label)
    }

    private func draw(_ label: String) {
        guard enabled else { return }
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\r[\(bar)] \(done)/\(total) points  \(label.prefix(30))".padding(toLength: 80, withPad: " ", startingAt: 0)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
