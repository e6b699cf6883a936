/// A library call refused one of its arguments before doing any work: the argument named (as
/// the Swift call spells it, with a dotted path into a structured argument, e.g. `widths` or
/// `initialization.scale`) and a sentence saying what is expected.
///
/// Builders and initialisers throw it where a bad value would otherwise trap (an index out of
/// range, a failed precondition) or produce a model that cannot be integrated.
public struct ArgumentError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The argument at fault, e.g. `widths`, `singularValues`, `initialization.weights`.
    public let argument: String
    /// What is wrong and what is expected, in one sentence.
    public let message: String

    /// An error naming `argument`.
    public init(argument: String, message: String) {
        self.argument = argument
        self.message = message
    }

    /// `argument: message`.
    public var description: String { "\(argument): \(message)" }
}
