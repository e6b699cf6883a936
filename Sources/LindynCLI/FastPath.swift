import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Requests answered before the argument parser is set up.
///
/// Building the parser's view of every subcommand (reflection over each command's properties,
/// type lookups by mangled name, protocol-conformance scans of the whole static binary) is most
/// of the process time of a call that only asks for the version, and most of the user time of a
/// small solve. Two shapes are therefore handled here:
///
/// - `lindyn --version` alone, with exactly the text ArgumentParser prints for it;
/// - `lindyn solve FILE` with any of `--format`, `--stepper`, `--epsabs`, `--epsrel` (as
///   `--name value` or `--name=value`), `--observables` and `--allow-large`, each at most once,
///   in any order, FILE being a path or `-` for standard input: the settings of the
///   ``SolveCommand`` the parser would build are filled in directly (no property wrapper of
///   the parser is set up) and run by the same code.
///
/// Anything else (help, a repeated or unknown option, a value the parser would refuse or that
/// starts with `-`, a second file, a failed validation) is left to the
/// parser, so errors, help text and exit codes are the parser's own.
public enum FastPath {
    /// Handles `arguments` (the whole command line, program name first) when it is one of the
    /// fast-path requests, and returns true; returns false, having done nothing, otherwise.
    public static func handle(_ arguments: [String]) -> Bool {
        if arguments.count == 2, arguments[1] == "--version" {
            emit(versionLine + "\n")
            return true
        }
        guard let settings = solveSettings(arguments) else { return false }
        do {
            try SolveCommand.run(settings)
        } catch let code as ExitCode {
            // What `LindynCommand.exit(withError:)` does for an ExitCode: no message, that status.
            exit(code.rawValue)
        } catch {
            LindynCommand.exit(withError: error)
        }
        return true
    }

    /// The settings of the validated ``SolveCommand`` the argument parser would build from
    /// `arguments` (program name first), when they have the plain shape described above; nil,
    /// for the parser to handle, otherwise.
    package static func solveSettings(_ arguments: [String]) -> SolveSettings? {
        guard arguments.count >= 3, arguments[1] == "solve" else { return nil }
        var file: String?
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var k = 2
        while k < arguments.count {
            let token = arguments[k]
            k += 1
            guard token.hasPrefix("-") && token != "-" else {
                // A second positional, or the word the parser may read as a request for help.
                guard file == nil, token != "help" else { return nil }
                file = token
                continue
            }
            var name = token
            var value: String?
            if let equals = token.firstIndex(of: "=") {
                name = String(token[..<equals])
                value = String(token[token.index(after: equals)...])
            }
            switch name {
            case "--format", "--stepper", "--epsabs", "--epsrel":
                if value == nil {
                    guard k < arguments.count, !arguments[k].hasPrefix("-") else { return nil }
                    value = arguments[k]
                    k += 1
                }
                guard values[name] == nil, let value else { return nil }
                values[name] = value
            case "--observables", "--allow-large":
                guard value == nil, flags.insert(name).inserted else { return nil }
            default:
                return nil
            }
        }
        guard let file else { return nil }
        var settings = SolveSettings(file: file)
        if let text = values["--format"] {
            guard let format = OutputFormat(argument: text) else { return nil }
            settings.format = format
        }
        settings.stepper = values["--stepper"]
        if let text = values["--epsabs"] {
            guard let x = Double(argument: text) else { return nil }
            settings.epsabs = x
        }
        if let text = values["--epsrel"] {
            guard let x = Double(argument: text) else { return nil }
            settings.epsrel = x
        }
        settings.observables = flags.contains("--observables")
        settings.allowLarge = flags.contains("--allow-large")
        // The parser's validation of the command (`CommonOptions.validate`; `SolveCommand` has
        // none of its own); a refusal is left to the parser, which reports it.
        guard (try? CommonOptions.validate(stepper: settings.stepper, epsabs: settings.epsabs, epsrel: settings.epsrel)) != nil
        else { return nil }
        return settings
    }
}
