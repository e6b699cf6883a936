import ArgumentParser

/// `lindyn stiffness` (being built).
public struct StiffnessCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "stiffness", abstract: "(not yet available)")
    public init() {}
    public func run() throws {
        printError("stiffness is not available yet")
        throw ExitCode(64)
    }
}
