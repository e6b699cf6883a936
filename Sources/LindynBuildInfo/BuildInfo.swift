/// What this build of Lindyn is: its version, the source commit it was built from, the compiler
/// and the build configuration. The version is written here and nowhere else in the sources
/// (`CITATION.cff` and `CHANGELOG.md` restate it; a test keeps them in step).
public enum BuildInfo {
    /// The release version, semantic versioning.
    public static let version = "0.1.0"

    /// The git commit of the sources (40 hex digits), followed by `-dirty` when tracked files
    /// had uncommitted changes; from a `git archive` tarball the commit it was made from; else
    /// `unknown`. Recorded before each build by `Scripts/build-info.sh`.
    public static var commit: String { generatedCommit }

    /// `debug` or `release`.
    public static var configuration: String {
        #if DEBUG
            return "debug"
        #else
            return "release"
        #endif
    }

    /// The Swift compiler's version, major and minor (`6.3`).
    public static var swiftVersion: String {
        #if compiler(>=7.0)
            return "7.0 or later"
        #elseif compiler(>=6.3)
            return "6.3"
        #elseif compiler(>=6.2)
            return "6.2"
        #elseif compiler(>=6.1)
            return "6.1"
        #else
            return "6.0"
        #endif
    }
}
