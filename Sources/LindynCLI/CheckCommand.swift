import ArgumentParser

/// `lindyn check` (being built).
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "check", abstract: "(not yet available)")
    public init() {}
    public func run() throws {
        printError("check is not available yet")
        throw ExitCode(64)
    }
}
