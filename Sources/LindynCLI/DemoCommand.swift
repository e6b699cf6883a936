import ArgumentParser

/// `lindyn demo` (being built).
public struct DemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "demo", abstract: "(not yet available)")
    public init() {}
    public func run() throws {
        printError("demo is not available yet")
        throw ExitCode(64)
    }
}
