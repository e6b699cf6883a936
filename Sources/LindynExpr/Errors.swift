/// A syntax error in an expression, with the 0-based position (in characters) where it was
/// found and what the parser expected there.
public struct ExpressionParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 0-based offset, in characters (extended grapheme clusters), into the parsed text.
    public let position: Int
    /// What would have been accepted at `position`, e.g. `"')'"` or `"an operand"`.
    public let expected: String
    /// What was found instead, e.g. `"end of input"` or `"'#'"`.
    public let found: String

    /// An error at `position` (characters from 0).
    public init(position: Int, expected: String, found: String) {
        self.position = position
        self.expected = expected
        self.found = found
    }

    /// For example `at position 7: expected ')' but found end of input`.
    public var description: String {
        "at position \(position): expected \(expected) but found \(found)"
    }
}

/// An expression could not be evaluated or compiled: a variable has no value, or a function
/// name is not one of the language's functions.
public struct ExpressionEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why a name could not be resolved.
    public enum Reason: Sendable, Hashable {
        /// A variable of the expression is not bound (or not among a program's inputs).
        case unknownVariable
        /// A function name is not one of ``Expression/Function``.
        case unknownFunction
    }

    /// Whether a variable or a function name failed.
    public let reason: Reason
    /// The name that could not be resolved.
    public let name: String
    /// The names that were available (bound variables or program inputs), sorted.
    public let available: [String]

    /// An error for `name`, listing the `available` names in the message.
    public init(reason: Reason, name: String, available: [String]) {
        self.reason = reason
        self.name = name
        self.available = available
    }

    /// One sentence naming the unresolved name and listing the known ones, e.g.
    /// `unknown variable 'k': it has no value (known names: a, b)`.
    public var description: String {
        switch reason {
        case .unknownVariable:
            let known = available.isEmpty ? "none" : available.joined(separator: ", ")
            return "unknown variable '\(name)': it has no value (known names: \(known))"
        case .unknownFunction:
            let known = Expression.Function.allCases.map(\.rawValue).joined(separator: " ")
            return "unknown function '\(name)' (known functions: \(known))"
        }
    }
}
