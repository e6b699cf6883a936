/// The one error type of `LindynTheory`.
///
/// Every throwing function in the module throws `TheoryError` (typed throws). Each case names
/// the offending parameter and its value, and `description` says how to fix the call. Programmer
/// errors that cannot come from user input (for example an internal bracket that failed to
/// contain a root) are preconditions instead.
public enum TheoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter is outside its domain (`requirement` states the domain, e.g. "> 0").
    case invalidParameter(name: String, value: Double, requirement: String)
    /// The target state cannot be reached by the flow from the given start in finite time.
    case unreachable(from: Double, to: Double, reason: String)
    /// The quantity asked for is not defined for these parameters (e.g. a half time when the
    /// mode decays to zero).
    case undefined(quantity: String, reason: String)
    /// A numerical procedure (quadrature or root bracketing) did not reach its tolerance.
    case notConverged(procedure: String, detail: String)

    /// One sentence naming the parameter or quantity and what is wrong with it.
    public var description: String {
        switch self {
        case let .invalidParameter(name, value, requirement):
            return "invalid parameter '\(name)' = \(value): it must be \(requirement)"
        case let .unreachable(from, to, reason):
            return "target \(to) is not reachable from \(from) in finite time: \(reason)"
        case let .undefined(quantity, reason):
            return "\(quantity) is undefined: \(reason)"
        case let .notConverged(procedure, detail):
            return "\(procedure) did not converge: \(detail)"
        }
    }
}

// MARK: - Validation helpers (internal)

@inline(__always)
func _requireFinite(_ value: Double, _ name: String) throws(TheoryError) {
    guard value.isFinite else {
        throw .invalidParameter(name: name, value: value, requirement: "finite")
    }
}

@inline(__always)
func _requirePositive(_ value: Double, _ name: String) throws(TheoryError) {
    guard value.isFinite, value > 0 else {
        throw .invalidParameter(name: name, value: value, requirement: "finite and > 0")
    }
}

@inline(__always)
func _requireNonNegative(_ value: Double, _ name: String) throws(TheoryError) {
    guard value.isFinite, value >= 0 else {
        throw .invalidParameter(name: name, value: value, requirement: "finite and >= 0")
    }
}

@inline(__always)
func _requireTime(_ value: Double, _ name: String) throws(TheoryError) {
    guard !value.isNaN, value >= 0 else {
        throw .invalidParameter(name: name, value: value, requirement: ">= 0 (+infinity allowed)")
    }
}

@inline(__always)
func _requireProbability(_ value: Double, _ name: String) throws(TheoryError) {
    guard value.isFinite, value > 0, value <= 1 else {
        throw .invalidParameter(name: name, value: value, requirement: "in (0, 1]")
    }
}
