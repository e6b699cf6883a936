import ArgumentParser

public struct LindynCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lindyn",
        abstract: "Learning dynamics of linear networks: integrate, evaluate closed forms, descend, validate."
    )
    public init() {}
}
