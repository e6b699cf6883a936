import ArgumentParser

/// `lindyn validate` (being built).
public struct ValidateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "validate", abstract: "(not yet available)")
    public init() {}
    public func run() throws {
        printError("validate is not available yet")
        throw ExitCode(64)
    }
}
