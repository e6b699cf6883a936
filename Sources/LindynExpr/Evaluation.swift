import Foundation

// The numeric semantics shared by `Expression.evaluate`, constant folding in `simplified()`
// and `CompiledProgram`: every operation goes through these kernels, in the same order,
// so the three agree to the last bit.

@inline(__always)
func _applyFunction(_ f: Expression.Function, _ x: Double) -> Double {
    switch f {
    case .exp: return Foundation.exp(x)
    case .log: return Foundation.log(x)
    case .sqrt: return x.squareRoot()
    case .sin: return Foundation.sin(x)
    case .cos: return Foundation.cos(x)
    case .tan: return Foundation.tan(x)
    case .atan: return Foundation.atan(x)
    case .tanh: return Foundation.tanh(x)
    case .sinh: return Foundation.sinh(x)
    case .cosh: return Foundation.cosh(x)
    case .asinh: return Foundation.asinh(x)
    case .atanh: return Foundation.atanh(x)
    case .abs: return Swift.abs(x)
    }
}

/// `x^m` for a constant exponent m >= 0: small integer and one-half exponents use
/// multiplication or the square root (faster, and as accurate as `pow`), others `pow`.
/// `x^0` is `x - x + 1`: 1 where x is a number, NaN where x is not (C's `pow(NaN, 0)` is 1,
/// which would turn an undefined base into a value).
@inline(__always)
func _powerConstant(_ x: Double, _ m: Double) -> Double {
    switch m {
    case 0: return x - x + 1
    case 1: return x
    case 2: return x * x
    case 3: return x * x * x
    case 0.5: return x.squareRoot()
    default: return Foundation.pow(x, m)
    }
}

/// `x^n` for a constant exponent n: negative exponents are `1 / x^(-n)`.
@inline(__always)
func _powerNumber(_ x: Double, _ n: Double) -> Double {
    n < 0 && n.isFinite ? 1 / _powerConstant(x, -n) : _powerConstant(x, n)
}

extension Expression {
    /// The value of the expression with the given variable values.
    ///
    /// Sums add left to right; products multiply their numerator factors left to right and
    /// divide by the product of their denominator factors (see ``Expression/product(_:)``);
    /// `x^2` and `x^3` are products, `x^0.5` is `sqrt`, other powers use `pow`. A compiled
    /// program of the same expression gives exactly the same value.
    ///
    /// - Throws: ``ExpressionEvaluationError`` naming the first variable without a value.
    public func evaluate(_ bindings: [String: Double]) throws(ExpressionEvaluationError) -> Double {
        switch self {
        case .number(let v):
            return v
        case .variable(let name):
            guard let v = bindings[name] else {
                throw ExpressionEvaluationError(
                    reason: .unknownVariable, name: name, available: bindings.keys.sorted())
            }
            return v
        case .sum(let terms):
            guard let first = terms.first else { return 0 }
            var acc = try first.evaluate(bindings)
            for term in terms.dropFirst() { acc = acc + (try term.evaluate(bindings)) }
            return acc
        case .product(let factors):
            var numerator: Double? = nil
            var denominator: Double? = nil
            for factor in factors {
                if let (base, m) = factor._denominator {
                    let v = _powerConstant(try base.evaluate(bindings), m)
                    denominator = denominator.map { $0 * v } ?? v
                } else {
                    let v = try factor.evaluate(bindings)
                    numerator = numerator.map { $0 * v } ?? v
                }
            }
            switch (numerator, denominator) {
            case (let n?, let d?): return n / d
            case (let n?, nil): return n
            case (nil, let d?): return 1 / d
            case (nil, nil): return 1
            }
        case .power(let base, .number(let n)):
            return _powerNumber(try base.evaluate(bindings), n)
        case .power(let base, let exponent):
            return Foundation.pow(try base.evaluate(bindings), try exponent.evaluate(bindings))
        case .function(let f, let x):
            return _applyFunction(f, try x.evaluate(bindings))
        }
    }
}
