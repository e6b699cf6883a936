import Foundation

/// A symbolic real-valued expression: the right-hand sides, losses and closed forms of Lindyn.
///
/// The representation is n-ary: sums and products hold lists of operands, subtraction is a
/// sum with a term multiplied by -1, and division is a product with a factor raised to a
/// negative power. Values built by the operators, by ``parse(_:)``, ``substituting(_:)``,
/// ``simplified()`` and ``derivative(_:)`` keep sums and products flat (no sum directly
/// inside a sum, no product directly inside a product).
///
/// Equality (`==`) is structural. Two expressions that are mathematically equal compare
/// equal after ``simplified()`` in the common cases (like terms and powers collected,
/// operands in a canonical order), but `==` is never an approximate or semantic comparison.
///
/// There are no built-in constants: `pi` and `e` are ordinary variables that must be bound.
///
/// Foundation (macOS 15+, and swift-corelibs on Linux) also declares a type `Expression`, so
/// a file importing both Foundation and LindynExpr must write `LindynExpr.Expression`, use
/// the alias ``SymbolicExpression``, or declare `typealias Expression = LindynExpr.Expression`
/// once in its module (a module's own declarations shadow imported ones).
public indirect enum Expression: Hashable, Sendable {
    /// A numeric literal.
    case number(Double)
    /// A named variable or parameter.
    case variable(String)
    /// `t0 + t1 + ...`, evaluated left to right.
    case sum([Expression])
    /// `f0 * f1 * ...`. Factors that are powers with a negative numeric exponent form the
    /// denominator: the value is (product of the other factors, left to right) divided by
    /// (product of the denominator factors with positive exponents, left to right).
    case product([Expression])
    /// `base ^ exponent`.
    case power(Expression, Expression)
    /// An elementary function applied to one argument.
    case function(Function, Expression)

    /// The elementary functions of the expression language.
    ///
    /// The raw value is the name used in expression text, e.g. `Function(rawValue: "tanh")`.
    public enum Function: String, CaseIterable, Hashable, Sendable {
        /// The exponential `e^x`.
        case exp
        /// The natural logarithm (`x > 0`).
        case log
        /// The non-negative square root (`x >= 0`).
        case sqrt
        /// Sine (radians).
        case sin
        /// Cosine (radians).
        case cos
        /// Tangent (radians).
        case tan
        /// Inverse tangent, in `(-pi/2, pi/2)`.
        case atan
        /// Hyperbolic tangent.
        case tanh
        /// Hyperbolic sine.
        case sinh
        /// Hyperbolic cosine.
        case cosh
        /// Inverse hyperbolic sine.
        case asinh
        /// Inverse hyperbolic tangent (`|x| < 1`).
        case atanh
        /// Absolute value (its derivative is `x/|x|`, undefined at 0).
        case abs
    }
}

/// An unambiguous name for ``Expression`` in files that also import Foundation.
public typealias SymbolicExpression = Expression

// MARK: - Builders

extension Expression: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// The literal as a ``number(_:)``: `let two: Expression = 2`.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// The literal as a ``number(_:)``: `let half: Expression = 0.5`.
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension Expression {
    /// The terms of `self` when it is used as an operand of a sum.
    var _terms: [Expression] {
        if case .sum(let terms) = self { return terms }
        return [self]
    }

    /// The factors of `self` when it is used as an operand of a product.
    var _factors: [Expression] {
        if case .product(let factors) = self { return factors }
        return [self]
    }

    /// A sum of the given terms, flattening nested sums; a single term is returned as is
    /// and no terms give 0. No other simplification.
    public static func sum(of terms: [Expression]) -> Expression {
        let flat = terms.flatMap(\._terms)
        switch flat.count {
        case 0: return .number(0)
        case 1: return flat[0]
        default: return .sum(flat)
        }
    }

    /// A product of the given factors, flattening nested products; a single factor is
    /// returned as is and no factors give 1. No other simplification.
    public static func product(of factors: [Expression]) -> Expression {
        let flat = factors.flatMap(\._factors)
        switch flat.count {
        case 0: return .number(1)
        case 1: return flat[0]
        default: return .product(flat)
        }
    }

    /// `-x`: negates a number, flips the sign of a product's leading numeric coefficient
    /// (dropping a coefficient that becomes 1 when another non-numeric factor follows),
    /// and otherwise multiplies by -1. Negation is exact in floating point, so the value
    /// is always exactly minus the value of `x`.
    public static func negated(_ x: Expression) -> Expression {
        switch x {
        case .number(let v):
            return .number(-v)
        case .product(let factors):
            if case .number(let c) = factors.first {
                let rest = Array(factors.dropFirst())
                if c == -1, let next = rest.first, !next._isNumber, !next._isDenominatorFactor {
                    return rest.count == 1 ? rest[0] : .product(rest)
                }
                return .product([.number(-c)] + rest)
            }
            return .product([.number(-1)] + factors)
        default:
            return .product([.number(-1), x])
        }
    }

    /// `1/x` as a factor: a power with a numeric exponent gets the opposite exponent,
    /// anything else is raised to -1.
    static func _reciprocal(_ x: Expression) -> Expression {
        if case .power(let base, .number(let n)) = x {
            return n == -1 ? base : .power(base, .number(-n))
        }
        return .power(x, .number(-1))
    }

    /// `base ^ exponent`, unsimplified.
    public static func pow(_ base: Expression, _ exponent: Expression) -> Expression {
        .power(base, exponent)
    }

    /// `f(argument)`, unsimplified.
    public static func apply(_ function: Function, _ argument: Expression) -> Expression {
        .function(function, argument)
    }

    /// `exp(x)`, unsimplified (``Function/exp``).
    public static func exp(_ x: Expression) -> Expression { .function(.exp, x) }
    /// `log(x)`, unsimplified (``Function/log``).
    public static func log(_ x: Expression) -> Expression { .function(.log, x) }
    /// `sqrt(x)`, unsimplified (``Function/sqrt``).
    public static func sqrt(_ x: Expression) -> Expression { .function(.sqrt, x) }
    /// `sin(x)`, unsimplified (``Function/sin``).
    public static func sin(_ x: Expression) -> Expression { .function(.sin, x) }
    /// `cos(x)`, unsimplified (``Function/cos``).
    public static func cos(_ x: Expression) -> Expression { .function(.cos, x) }
    /// `tan(x)`, unsimplified (``Function/tan``).
    public static func tan(_ x: Expression) -> Expression { .function(.tan, x) }
    /// `atan(x)`, unsimplified (``Function/atan``).
    public static func atan(_ x: Expression) -> Expression { .function(.atan, x) }
    /// `tanh(x)`, unsimplified (``Function/tanh``).
    public static func tanh(_ x: Expression) -> Expression { .function(.tanh, x) }
    /// `sinh(x)`, unsimplified (``Function/sinh``).
    public static func sinh(_ x: Expression) -> Expression { .function(.sinh, x) }
    /// `cosh(x)`, unsimplified (``Function/cosh``).
    public static func cosh(_ x: Expression) -> Expression { .function(.cosh, x) }
    /// `asinh(x)`, unsimplified (``Function/asinh``).
    public static func asinh(_ x: Expression) -> Expression { .function(.asinh, x) }
    /// `atanh(x)`, unsimplified (``Function/atanh``).
    public static func atanh(_ x: Expression) -> Expression { .function(.atanh, x) }
    /// `abs(x)`, unsimplified (``Function/abs``).
    public static func abs(_ x: Expression) -> Expression { .function(.abs, x) }

    /// The sum `lhs + rhs`, flattened (``sum(of:)``); not simplified.
    public static func + (lhs: Expression, rhs: Expression) -> Expression {
        sum(of: [lhs, rhs])
    }

    /// The difference, as the sum of `lhs` and ``negated(_:)`` `rhs`; not simplified.
    public static func - (lhs: Expression, rhs: Expression) -> Expression {
        sum(of: [lhs, negated(rhs)])
    }

    /// The negation ``negated(_:)``.
    public static prefix func - (x: Expression) -> Expression {
        negated(x)
    }

    /// The product `lhs * rhs`, flattened (``product(of:)``); not simplified.
    public static func * (lhs: Expression, rhs: Expression) -> Expression {
        product(of: [lhs, rhs])
    }

    /// The quotient, as a product with `rhs` in the denominator (a factor with a negative
    /// exponent); not simplified.
    public static func / (lhs: Expression, rhs: Expression) -> Expression {
        product(of: lhs._factors + [_reciprocal(rhs)])
    }

    /// `lhs = lhs + rhs`.
    public static func += (lhs: inout Expression, rhs: Expression) { lhs = lhs + rhs }
    /// `lhs = lhs - rhs`.
    public static func -= (lhs: inout Expression, rhs: Expression) { lhs = lhs - rhs }
    /// `lhs = lhs * rhs`.
    public static func *= (lhs: inout Expression, rhs: Expression) { lhs = lhs * rhs }
    /// `lhs = lhs / rhs`.
    public static func /= (lhs: inout Expression, rhs: Expression) { lhs = lhs / rhs }
}

/// `base ^ exponent` for expressions, unsimplified (overloads `Foundation.pow`).
public func pow(_ base: Expression, _ exponent: Expression) -> Expression {
    .power(base, exponent)
}

// MARK: - Structure queries

extension Expression {
    var _isNumber: Bool {
        if case .number = self { return true }
        return false
    }

    var _numberValue: Double? {
        if case .number(let v) = self { return v }
        return nil
    }

    var _hasNumericExponent: Bool {
        if case .power(_, .number) = self { return true }
        return false
    }

    /// A factor that belongs to a product's denominator: a power with a finite negative
    /// numeric exponent. Returns the base and the (positive) exponent of the denominator.
    var _denominator: (base: Expression, exponent: Double)? {
        if case .power(let base, .number(let n)) = self, n < 0, n.isFinite {
            return (base, -n)
        }
        return nil
    }

    /// A denominator factor that prints as `/base` or `/base^m` (and parses back to itself
    /// through `/`): every denominator factor except `(c^k)^-1`, which `/` would turn into
    /// `c^-k`.
    var _isDenominatorFactor: Bool {
        guard let (base, m) = _denominator else { return false }
        return !(m == 1 && base._hasNumericExponent)
    }

    /// The names of the variables that occur in the expression.
    public var freeVariables: Set<String> {
        var names = Set<String>()
        _collectVariables(into: &names)
        return names
    }

    func _collectVariables(into names: inout Set<String>) {
        switch self {
        case .number: break
        case .variable(let name): names.insert(name)
        case .sum(let xs), .product(let xs): for x in xs { x._collectVariables(into: &names) }
        case .power(let b, let e):
            b._collectVariables(into: &names)
            e._collectVariables(into: &names)
        case .function(_, let x): x._collectVariables(into: &names)
        }
    }

    /// Whether the variable `name` occurs in the expression.
    public func contains(variable name: String) -> Bool {
        switch self {
        case .number: return false
        case .variable(let v): return v == name
        case .sum(let xs), .product(let xs): return xs.contains { $0.contains(variable: name) }
        case .power(let b, let e): return b.contains(variable: name) || e.contains(variable: name)
        case .function(_, let x): return x.contains(variable: name)
        }
    }

    /// The number of nodes in the expression tree.
    public var nodeCount: Int {
        switch self {
        case .number, .variable: return 1
        case .sum(let xs), .product(let xs): return xs.reduce(1) { $0 + $1.nodeCount }
        case .power(let b, let e): return 1 + b.nodeCount + e.nodeCount
        case .function(_, let x): return 1 + x.nodeCount
        }
    }

    /// Replaces variables by expressions (simultaneously; replacements are not themselves
    /// substituted into). Sums and products stay flat; nothing else is simplified.
    public func substituting(_ map: [String: Expression]) -> Expression {
        if map.isEmpty { return self }
        switch self {
        case .number: return self
        case .variable(let name): return map[name] ?? self
        case .sum(let xs): return .sum(of: xs.map { $0.substituting(map) })
        case .product(let xs): return .product(of: xs.map { $0.substituting(map) })
        case .power(let b, let e): return .power(b.substituting(map), e.substituting(map))
        case .function(let f, let x): return .function(f, x.substituting(map))
        }
    }
}
