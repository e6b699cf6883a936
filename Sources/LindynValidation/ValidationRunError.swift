import Foundation
import LindynIntegrator
import LindynModels
import LindynReport
import LindynTheory

/// The one error type of LindynValidation's compound entry points (``Validation/run(_:options:)``,
/// ``Validation/merge(_:into:plots:allowPartial:provenance:)``, the figures and the stiffness
/// analysis): the error of the layer that failed, kept whole, so a caller can tell an I/O
/// failure from a refused input or a failed computation and read its fields.
///
/// `description` is the wrapped error's own, so a message reads the same however it is caught.
/// The command line maps ``file(_:)`` and ``outputDirectory(_:)`` to exit codes 74 (the file
/// system) or 65 (an unreadable journal or input, an incomplete set of shards) and the rest to 2.
public enum ValidationRunError: Error, CustomStringConvertible {
    /// A file could not be read or written, or what it holds is unreadable (a journal, JSON, an
    /// input over the size limit).
    case file(ReportError)
    /// The output directory cannot be used (another run holds it, a foreign entry, an incomplete
    /// set of shards to merge).
    case outputDirectory(OutputDirectoryError)
    /// An input refused, naming the field (a grid or problem field, a builder's argument).
    case input(InputError)
    /// A closed form or theory value undefined for its parameters.
    case theory(TheoryError)
    /// A decomposition (eigenvalues, SVD) failed.
    case linearAlgebra(LinearAlgebra.Failure)
    /// A generalisation figure could not be made (a run that failed, an unreadable data file).
    case figure(GeneralisationFigureError)
    /// The dynamics' own right-hand side or Jacobian threw (the original error).
    case function(any Error)
    /// Foundation refused a file-system or coding operation (its own error).
    case system(any Error)

    /// The wrapped error's description.
    public var description: String {
        switch self {
        case .file(let e): "\(e)"
        case .outputDirectory(let e): "\(e)"
        case .input(let e): "\(e)"
        case .theory(let e): "\(e)"
        case .linearAlgebra(let e): "\(e)"
        case .figure(let e): "\(e)"
        case .function(let e): "\(e)"
        case .system(let e): "\(e)"
        }
    }

    /// The typed form of an error from the module's internals (which throw the layers' own
    /// types); a `ValidationRunError` is kept as it is, an error of another kind is Foundation's.
    static func from(_ error: any Error) -> ValidationRunError {
        switch error {
        case let e as ValidationRunError: e
        case let e as ReportError: .file(e)
        case let e as OutputDirectoryError: .outputDirectory(e)
        case let e as InputError: .input(e)
        case let e as TheoryError: .theory(e)
        case let e as LinearAlgebra.Failure: .linearAlgebra(e)
        case let e as GeneralisationFigureError: .figure(e)
        default: .system(error)
        }
    }

    /// Runs `body`, typing what it throws.
    static func typed<T>(_ body: () throws -> T) throws(ValidationRunError) -> T {
        do { return try body() } catch { throw from(error) }
    }
}

extension Validation {
    /// Runs `grids` (in order) into `options.outputDirectory`.
    ///
    /// The directory is locked for the run (a second run on it fails with
    /// ``OutputDirectoryError/busy(directory:holder:)``). Points are journaled, and the tables
    /// written, in a staging directory inside it; the previous results stay in place, whole,
    /// until the new set is complete and switched in. With `resume`, the journal of an unfinished
    /// run (or else the directory's current journal) is continued; corrupt journal lines are
    /// dropped with a warning and their points run again.
    ///
    /// A point whose methods fail numerically is a result (its status in the tables), not an
    /// error.
    /// - Throws: ``ValidationRunError/outputDirectory(_:)`` when the directory is busy or holds a
    ///   foreign entry; ``ValidationRunError/file(_:)`` when a file cannot be written or the
    ///   journal does not read back.
    public static func run(_ grids: [ValidationGrid], options: ValidationOptions) throws(ValidationRunError) -> ValidationSummary {
        try ValidationRunError.typed { try runGrids(grids, options: options) }
    }

    /// Joins the journals of shard runs (each directory holds a `journal.jsonl` and `run.json`)
    /// and writes the tables and plots of the whole run into `output`.
    ///
    /// The directories must be one complete run of one version of the grids (see
    /// ``checkShards(_:)``), unless `allowPartial`, which merges what there is and marks the
    /// README, the summary and every table (their captions, so also the JSON files) as partial,
    /// naming what is missing. A point present in several journals keeps its last record.
    /// - Throws: ``ValidationRunError/outputDirectory(_:)`` with
    ///   ``OutputDirectoryError/incompleteShards(_:)`` for an incomplete set (without
    ///   `allowPartial`), or when `output` is busy; ``ValidationRunError/file(_:)`` when a
    ///   journal cannot be read or a file written.
    public static func merge(
        _ directories: [URL], into output: URL, plots: Bool = true, allowPartial: Bool = false, provenance: Provenance = .current()
    ) throws(ValidationRunError) -> ValidationSummary {
        try ValidationRunError.typed { try mergeShards(directories, into: output, plots: plots, allowPartial: allowPartial, provenance: provenance) }
    }

    /// Writes every table (CSV, Markdown, LaTeX, JSON; each file atomically), the figures and a
    /// README for `results`, sorted by grid order and point.
    /// With a `manifest`, also writes `run.json` (listing the files of the set, and the
    /// directory's `journal.jsonl` if there is one); a manifest's `partial` reasons mark the
    /// README, the summary and every table's caption as partial. `provenance` goes into
    /// `provenance.json`, the README and every figure.
    /// `latexColumns` picks the columns of the `.tex` tables (see ``PaperTables``).
    /// - Throws: ``ValidationRunError/file(_:)`` when a file cannot be written.
    public static func write(
        _ results: [PointResult], to directory: URL, plots: Bool, manifest: RunManifest? = nil, provenance: Provenance = .current(),
        latexColumns: [String: [String]] = [:], figureFormats: [FigureExport.Format] = []
    ) throws(ValidationRunError) -> ValidationSummary {
        try ValidationRunError.typed {
            try writeTables(
                results, to: directory, plots: plots, manifest: manifest, provenance: provenance, latexColumns: latexColumns,
                figureFormats: figureFormats)
        }
    }
}
