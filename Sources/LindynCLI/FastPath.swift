/// Requests answered before the argument parser is set up.
///
/// Building the parser's view of every subcommand (reflection over each command's properties,
/// type lookups by mangled name, protocol-conformance scans of the whole static binary) is most
/// of the process time of a call that only asks for the version; `lindyn --version` alone is
/// therefore answered here, with exactly the text ArgumentParser prints for it.
public enum FastPath {
    /// Handles `arguments` (the whole command line, program name first) when it is one of the
    /// fast-path requests, and returns true; returns false, having done nothing, otherwise.
    public static func handle(_ arguments: [String]) -> Bool {
        guard arguments.count == 2, arguments[1] == "--version" else { return false }
        emit(versionLine + "\n")
        return true
    }
}
