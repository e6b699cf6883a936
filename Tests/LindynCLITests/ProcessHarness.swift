import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `lindyn` process ended.
struct Outcome: CustomStringConvertible {
    var status: Int32
    /// Ended by a signal (`status` is then the signal number).
    var signaled: Bool
    /// Still running at the deadline (then killed).
    var timedOut: Bool
    var stdout: String
    var stderr: String
    var seconds: Double

    var description: String {
        "\(signaled ? "signal" : "exit") \(status)\(timedOut ? " (timed out)" : "") after \(String(format: "%.2f", seconds)) s; stderr: \(stderr.prefix(400))"
    }
}

/// A `lindyn` process started in the background, with its output in files (so that nothing
/// blocks on a full pipe), which a test can signal and wait for with a deadline.
final class Launched {
    let process = Process()
    private let outURL: URL, errURL: URL
    private let started = Date()

    /// Starts `lindyn arguments` in `directory`. `redirection` is shell text applied to the
    /// process (`>&-`, `> /dev/full`, `<&-`, `< /dev/zero`); `stdin` is fed from a file.
    init(_ arguments: [String], stdin: String? = nil, redirection: String? = nil, environment: [String: String] = [:], in directory: URL? = nil) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        outURL = scratch.appendingPathComponent("out")
        errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let lindyn = LindynRun.executable().path
        if let redirection {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec \"$0\" \"$@\" \(redirection)", lindyn] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: lindyn)
            process.arguments = arguments
        }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = directory ?? LindynRun.repositoryRoot
        if redirection?.contains(">") != true { process.standardOutput = try FileHandle(forWritingTo: outURL) }
        process.standardError = try FileHandle(forWritingTo: errURL)
        if redirection?.contains("<") != true {
            if let stdin {
                let inURL = scratch.appendingPathComponent("in")
                try stdin.write(to: inURL, atomically: true, encoding: .utf8)
                process.standardInput = try FileHandle(forReadingFrom: inURL)
            } else {
                process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            }
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ number: Int32) { if process.isRunning { kill(process.processIdentifier, number) } }

    /// Waits up to `timeout` seconds, then kills the process (and reports it as timed out).
    func wait(timeout: Double) -> Outcome {
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(started) > timeout {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        let out = (try? Data(contentsOf: outURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let err = (try? Data(contentsOf: errURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        try? FileManager.default.removeItem(at: outURL.deletingLastPathComponent())
        return Outcome(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal, timedOut: timedOut,
            stdout: out, stderr: err, seconds: Date().timeIntervalSince(started))
    }

    /// Runs to the end (with a deadline).
    static func run(_ arguments: [String], stdin: String? = nil, redirection: String? = nil, environment: [String: String] = [:],
                    in directory: URL? = nil, timeout: Double = 60) throws -> Outcome {
        try Launched(arguments, stdin: stdin, redirection: redirection, environment: environment, in: directory).wait(timeout: timeout)
    }
}

/// The exit codes the command line documents (README, `lindyn --help`).
let documentedExitCodes: Set<Int32> = [0, 1, 2, 64, 65, 74]

/// The regular files of an output directory, by relative path, except the lock file and the
/// staging directory: what a reader of the results sees.
func resultFiles(_ directory: URL) -> [String: Data] {
    var files: [String: Data] = [:]
    let base = directory.standardizedFileURL.path + "/"
    guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return files }
    while let relative = walker.nextObject() as? String {
        if relative == ".lindyn.lock" || relative.hasPrefix(".lindyn-staging") { continue }
        var isDirectory: ObjCBool = false
        let path = base + relative
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[relative] = FileManager.default.contents(atPath: path) ?? Data()
        }
    }
    return files
}

/// A table in CSV without its wall-time column `seconds` (which differs from run to run).
func csvWithoutSeconds(_ url: URL) -> String {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let header = lines.first, header.hasSuffix(",seconds") else { return text }
    return lines.map { line in line.isEmpty ? line : String(line[..<(line.lastIndex(of: ",") ?? line.endIndex)]) }.joined(separator: "\n")
}

/// A deterministic generator (SplitMix64) so that a failing case reproduces from its seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
