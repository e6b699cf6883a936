import Foundation

/// Limits on the size of expression-backed problems (systems and losses), so that symbolic work
/// and memory stay bounded: an input over a limit is refused (exit 65 naming the field and the
/// limit) instead of running for minutes or exhausting memory. `--allow-large` lifts them.
///
/// Symbolic work is near-linear in the size of the expressions (parsing, simplification,
/// compilation); the Jacobian is only derived for a stepper or analysis that needs it, and only
/// for the variables that occur in each equation, but its size can still grow as the product of
/// an equation's size and its number of variables (the derivative of a product of k factors has
/// k terms of k factors), so it has its own limit, checked on an estimate before it is derived.
public struct ExpressionLimits: Sendable, Hashable {
    /// Characters in one expression string (checked before parsing).
    public var expressionCharacters: Int
    /// Nodes (numbers, names and operations) in one expression, and in all the equations of a
    /// system together.
    public var expressionNodes: Int
    /// Variables of a system, weights of a loss.
    public var variables: Int
    /// Nodes of a symbolic Jacobian (an estimate made before it is derived).
    public var jacobianNodes: Int

    /// Limits with the given sizes.
    public init(expressionCharacters: Int, expressionNodes: Int, variables: Int, jacobianNodes: Int) {
        self.expressionCharacters = expressionCharacters
        self.expressionNodes = expressionNodes
        self.variables = variables
        self.jacobianNodes = jacobianNodes
    }

    /// The default limits (README, "Limits").
    public static let standard = ExpressionLimits(
        expressionCharacters: 4_000_000, expressionNodes: 1_000_000, variables: 20_000, jacobianNodes: 4_000_000)

    /// No limits (`--allow-large`).
    public static let unlimited = ExpressionLimits(
        expressionCharacters: .max, expressionNodes: .max, variables: .max, jacobianNodes: .max)

    /// The limits in force while loading problems: those bound by ``withLimits(_:_:)`` on this
    /// task, else the process-wide ones (``standard`` unless set by ``setProcessLimits(_:)``).
    public static var current: ExpressionLimits { _bound ?? _processLimits.value }

    /// Sets the process-wide limits (the command line's `--allow-large`); they apply on every
    /// thread, including the workers of a validation run.
    public static func setProcessLimits(_ limits: ExpressionLimits) {
        _processLimits.value = limits
    }

    /// Runs `body` with `limits` in force on this task (for tests and embedding programs).
    public static func withLimits<T>(_ limits: ExpressionLimits, _ body: () throws -> T) rethrows -> T {
        try $_bound.withValue(limits, operation: body)
    }

    @TaskLocal static var _bound: ExpressionLimits?
    static let howToLift = "--allow-large lifts the limits"
}

/// The process-wide limits, behind a lock.
final class _ProcessLimits: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = ExpressionLimits.standard
    var value: ExpressionLimits {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

let _processLimits = _ProcessLimits()
