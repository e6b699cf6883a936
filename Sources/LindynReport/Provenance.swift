import Foundation
import LindynBuildInfo

/// Where a result came from, recorded beside it so that a reader can tell which build, command and
/// inputs made it, and run it again (`lindyn repeat`).
///
/// Every JSON output of the command line carries one as `"provenance"`; a validation run writes it
/// as `provenance.json` beside its tables, in its journal's header and in each SVG's `<metadata>`.
public struct Provenance: Sendable, Hashable {
    /// An input file read by the run: its path as given, and the SHA-256 of its bytes.
    public struct Input: Sendable, Hashable {
        /// The path as given on the command line (`-` for standard input).
        public var path: String
        /// SHA-256 of the bytes read, 64 lowercase hex digits (`sha256sum` prints the same).
        public var sha256: String
        /// The number of bytes read.
        public var bytes: Int

        /// An input record from its fields.
        public init(path: String, sha256: String, bytes: Int) {
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
        }

        /// The record of `data`, read from `path`.
        public init(path: String, contents data: Data) {
            self.init(path: path, sha256: sha256Hex(data), bytes: data.count)
        }
    }

    /// Lindyn's version (`BuildInfo.version` in LindynBuildInfo).
    public var version: String
    /// The source commit of the build (`BuildInfo.commit` in LindynBuildInfo).
    public var commit: String
    /// `debug` or `release`.
    public var configuration: String
    /// The Swift compiler version of the build.
    public var swiftVersion: String
    /// Versions of the numerical libraries, by name (`gsl`, `openblas`).
    public var libraries: [String: String]
    /// The command line, program name first.
    public var arguments: [String]
    /// The working directory the command ran in (relative input paths are relative to it).
    public var workingDirectory: String
    /// The input files, in the order they were read.
    public var inputs: [Input]
    /// The random seeds the run used, by where they were set (`descent.seed`, `model.init.seed`).
    public var seeds: [String: UInt64]
    /// When the run started, ISO 8601 in UTC.
    public var date: String
    /// The host name.
    public var host: String
    /// The cores the operating system made available.
    public var cores: Int

    /// A record; by default this build and this process (arguments, working directory, date,
    /// host and core count), without inputs or seeds.
    public init(
        version: String = BuildInfo.version, commit: String = BuildInfo.commit,
        configuration: String = BuildInfo.configuration, swiftVersion: String = BuildInfo.swiftVersion,
        libraries: [String: String] = [:], arguments: [String] = CommandLine.arguments,
        workingDirectory: String = FileManager.default.currentDirectoryPath, inputs: [Input] = [],
        seeds: [String: UInt64] = [:], date: Date = Date(), host: String = ProcessInfo.processInfo.hostName,
        cores: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.version = version
        self.commit = commit
        self.configuration = configuration
        self.swiftVersion = swiftVersion
        self.libraries = libraries
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.inputs = inputs
        self.seeds = seeds
        self.date = Provenance.isoDate(date)
        self.host = host
        self.cores = cores
    }

    /// `date` as ISO 8601 in UTC, to the second (`2026-12-01T10:12:58Z`).
    public static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The record as a JSON object (keys in snake_case, seeds and libraries sorted by name).
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "lindyn_version": .string(version), "commit": .string(commit), "build_configuration": .string(configuration),
            "swift_version": .string(swiftVersion),
        ]
        object["libraries"] = .object(JSONObject(libraries.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        object["command_line"] = .array(arguments.map { .string($0) })
        object["working_directory"] = .string(workingDirectory)
        object["inputs"] = .array(inputs.map { ["path": .string($0.path), "sha256": .string($0.sha256), "bytes": .integer($0.bytes)] })
        object["seeds"] = .object(JSONObject(seeds.sorted { $0.key < $1.key }.map {
            ($0.key, Int(exactly: $0.value).map(JSONValue.integer) ?? .string(String($0.value)))
        }))
        object["date"] = .string(date)
        object["host"] = .string(host)
        object["cores"] = .integer(cores)
        return .object(object)
    }

    /// Reads a record written by ``jsonValue``; `nil` when `value` is not one.
    public init?(json value: JSONValue) {
        guard let version = value["lindyn_version"]?.stringValue, let arguments = value["command_line"]?.arrayValue?.compactMap(\.stringValue),
            !arguments.isEmpty
        else { return nil }
        self.version = version
        self.commit = value["commit"]?.stringValue ?? "unknown"
        self.configuration = value["build_configuration"]?.stringValue ?? ""
        self.swiftVersion = value["swift_version"]?.stringValue ?? ""
        var libraries: [String: String] = [:]
        if case .object(let o)? = value["libraries"] { for (k, v) in o { libraries[k] = v.stringValue ?? "" } }
        self.libraries = libraries
        self.arguments = arguments
        self.workingDirectory = value["working_directory"]?.stringValue ?? FileManager.default.currentDirectoryPath
        self.inputs = (value["inputs"]?.arrayValue ?? []).compactMap { i in
            guard let path = i["path"]?.stringValue, let hash = i["sha256"]?.stringValue else { return nil }
            var bytes = 0
            if case .integer(let b)? = i["bytes"] { bytes = b }
            return Input(path: path, sha256: hash, bytes: bytes)
        }
        var seeds: [String: UInt64] = [:]
        if case .object(let o)? = value["seeds"] {
            for (k, v) in o {
                if let s = v.stringValue, let n = UInt64(s) { seeds[k] = n } else if case .integer(let n) = v, n >= 0 { seeds[k] = UInt64(n) }
            }
        }
        self.seeds = seeds
        self.date = value["date"]?.stringValue ?? ""
        self.host = value["host"]?.stringValue ?? ""
        var cores = 0
        if case .integer(let c)? = value["cores"] { cores = c }
        self.cores = cores
    }

    /// The command line as one shell line, each argument quoted where the shell would split or
    /// expand it.
    public var shellCommand: String {
        arguments.map(Provenance.shellQuoted).joined(separator: " ")
    }

    /// `argument` quoted for a POSIX shell when it needs to be.
    public static func shellQuoted(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// One line for a README: version, commit, command, date and host.
    public var summaryLine: String {
        "lindyn \(version) (commit \(commit), \(configuration) build), `\(shellCommand)` in \(workingDirectory), \(date) on \(host) (\(cores) cores)"
    }

    /// The record as the text of an SVG `<metadata>` element (JSON, XML-escaped).
    public var svgMetadata: String { jsonValue.serialized(.compact) }
}
