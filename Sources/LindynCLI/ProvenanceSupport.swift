import ArgumentParser
import Foundation
import LindynBuildInfo
import LindynModels
import LindynReport
import LindynValidation

/// The input files this process has read and the seeds they set, for its provenance record.
final class InputLog: @unchecked Sendable {
    static let shared = InputLog()
    private let lock = NSLock()
    private var inputs: [Provenance.Input] = []
    private var seeds: [String: UInt64] = [:]
    /// When the command started.
    let started = Date()
    /// The command line to record, when it is not this process's (`lindyn repeat`).
    var arguments: [String]? {
        get { lock.lock(); defer { lock.unlock() }; return recordedArguments }
        set { lock.lock(); defer { lock.unlock() }; recordedArguments = newValue }
    }
    private var recordedArguments: [String]?

    /// Records a file read from `path`, and the `seed` members of its JSON.
    func record(path: String, contents: Data) {
        let found = (try? JSONValue.parse(String(decoding: contents, as: UTF8.self))).map { seedMembers(of: $0) } ?? []
        lock.lock()
        defer { lock.unlock() }
        inputs.append(Provenance.Input(path: path, contents: contents))
        for (name, value) in found { seeds[prefixed(name, path: path)] = value }
    }

    /// Records a seed that a run uses by default (not written in any file).
    func recordSeed(_ name: String, _ value: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        if seeds[name] == nil { seeds[name] = value }
    }

    /// With several input files, a seed's name says which file set it.
    private func prefixed(_ name: String, path: String) -> String {
        inputs.count > 1 ? "\(path):\(name)" : name
    }

    /// The provenance of this process so far.
    func provenance() -> Provenance {
        lock.lock()
        defer { lock.unlock() }
        var record = Provenance.current(inputs: inputs, seeds: seeds, date: started)
        if let recordedArguments { record.arguments = recordedArguments }
        return record
    }
}

/// Adds `"provenance"` (this process's record) as the last member of the JSON object `text`,
/// keeping its layout (pretty when the text spans lines). Text that is not an object is returned
/// unchanged.
func withProvenance(_ text: String) -> String {
    guard case .object(var object)? = try? JSONValue.parse(text) else { return text }
    object["provenance"] = InputLog.shared.provenance().jsonValue
    let pretty = text.trimmingCharacters(in: .whitespacesAndNewlines).contains("\n")
    return JSONValue.object(object).serialized(pretty ? .pretty : .compact) + (text.hasSuffix("\n") ? "\n" : "")
}

/// `lindyn version`: the version, commit, libraries, compiler and build configuration.
public struct VersionCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print Lindyn's version, the source commit, the GSL and OpenBLAS versions, the Swift version and the build configuration.")

    @Flag(name: .long, help: "Print a JSON object instead of text.")
    public var json = false

    public init() {}

    public func run() throws {
        let libraries = Provenance.linkedLibraries
        if json {
            let object: JSONObject = [
                "version": .string(BuildInfo.version), "commit": .string(BuildInfo.commit),
                "gsl": .string(libraries["gsl"] ?? ""), "openblas": .string(libraries["openblas"] ?? ""),
                "openblas_config": .string(libraries["openblas_config"] ?? ""),
                "swift": .string(BuildInfo.swiftVersion), "build_configuration": .string(BuildInfo.configuration),
            ]
            emit(JSONValue.object(object).serialized(.pretty) + "\n")
        } else {
            emit("""
                lindyn \(BuildInfo.version)
                commit \(BuildInfo.commit)
                GSL \(libraries["gsl"] ?? "?"), OpenBLAS \(libraries["openblas_config"] ?? "?")
                Swift \(BuildInfo.swiftVersion), \(BuildInfo.configuration) build

                """)
        }
    }
}

/// The one-line version of `lindyn --version`.
let versionLine = "\(BuildInfo.version) (commit \(BuildInfo.commit))"

/// `lindyn repeat RECORD`: runs again the command a provenance record describes.
public struct RepeatCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "repeat",
        abstract: "Run again the command recorded in a provenance record (a run's provenance.json, its directory, or a JSON output of lindyn).",
        discussion: """
            The recorded input files must still hold what they held (their SHA-256 is compared; a changed or missing \
            file is refused with exit 65). Relative paths are taken from the recorded working directory when it exists, \
            else from the current one. A command that wrote into --out needs a new --out here, so the original results \
            stay for comparison. A different Lindyn version or commit is reported on standard error but does not stop the run.
            """)

    @Argument(help: "provenance.json, a directory holding one, or a JSON output of lindyn with a \"provenance\" member.", completion: .file())
    public var record: String

    @Option(name: .long, help: "Output directory or file replacing the recorded --out.")
    public var out: String?

    public init() {}

    /// Reads the record, checks its inputs, and returns the arguments to run and the directory to run them in.
    func plan() throws -> (arguments: [String], directory: String, provenance: Provenance) {
        var path = record
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            path = (path as NSString).appendingPathComponent(Provenance.fileName)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("\(path): no such file; give a provenance.json, the directory holding it, or a JSON output of lindyn")
            throw ExitCode(64)
        }
        guard let value = try? JSONValue.parse(String(decoding: data, as: UTF8.self)),
            let provenance = Provenance(json: value["provenance"] ?? value)
        else {
            printError("\(path): not a provenance record (expected lindyn_version and command_line, or a \"provenance\" member holding them)")
            throw ExitCode(65)
        }
        var arguments = Array(provenance.arguments.dropFirst())
        if arguments.first == "repeat" {
            printError("\(path): the record is of a `lindyn repeat` run; repeat the record it repeated")
            throw ExitCode(65)
        }
        let manager = FileManager.default
        var wd = manager.currentDirectoryPath
        if manager.fileExists(atPath: provenance.workingDirectory, isDirectory: &isDirectory), isDirectory.boolValue {
            wd = provenance.workingDirectory
        }
        for input in provenance.inputs {
            if input.path == "-" {
                printError("\(path): the run read standard input, which was not kept; save it to a file and run the command on it")
                throw ExitCode(65)
            }
            let full = input.path.hasPrefix("/") ? input.path : (wd as NSString).appendingPathComponent(input.path)
            guard let contents = manager.contents(atPath: full) else {
                printError("\(input.path): the recorded input is missing (looked in \(wd)); restore it or run from the directory that holds it")
                throw ExitCode(65)
            }
            let hash = sha256Hex(contents)
            if hash != input.sha256 {
                printError("\(input.path): the input changed since the run (SHA-256 \(hash), recorded \(input.sha256)); restore the recorded version to repeat the run")
                throw ExitCode(65)
            }
        }
        // The recorded output, replaced by --out (made absolute: the run happens in `wd`).
        let outIndex = arguments.firstIndex { $0 == "--out" || $0.hasPrefix("--out=") }
        if let outIndex {
            guard let out else {
                printError("the recorded command wrote into --out; give a new --out so the original results stay for comparison")
                throw ExitCode(64)
            }
            let absolute = out.hasPrefix("/") ? out : (manager.currentDirectoryPath as NSString).appendingPathComponent(out)
            if arguments[outIndex] == "--out", outIndex + 1 < arguments.count {
                arguments[outIndex + 1] = absolute
            } else {
                arguments[outIndex] = "--out=" + absolute
            }
        } else if out != nil {
            printError("the recorded command (\(arguments.first ?? "")) has no --out; its output goes to standard output")
            throw ExitCode(64)
        }
        return (arguments, wd, provenance)
    }

    public func run() throws {
        let (arguments, directory, provenance) = try plan()
        if provenance.version != BuildInfo.version || provenance.commit != BuildInfo.commit {
            FileHandle.standardError.write(Data("lindyn repeat: recorded with lindyn \(provenance.version) (commit \(provenance.commit)); this is \(versionLine)\n".utf8))
        }
        guard FileManager.default.changeCurrentDirectoryPath(directory) else {
            printError("cannot change to the directory \(directory)")
            throw ExitCode(74)
        }
        InputLog.shared.arguments = [CommandLine.arguments.first ?? "lindyn"] + arguments
        var command = try LindynCommand.parseAsRoot(arguments)
        try command.run()
    }
}
