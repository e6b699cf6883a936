import ArgumentParser

/// `lindyn formula` (being built).
public struct FormulaCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "formula", abstract: "(not yet available)")
    public init() {}
    public func run() throws {
        printError("formula is not available yet")
        throw ExitCode(64)
    }
}
