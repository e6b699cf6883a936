// Where expressions are defined: the facts that keep the simplifier's rewrites sound.
//
// A rewrite may drop a subexpression, or change which points an expression is defined at,
// only when that cannot turn an undefined value (NaN: log of a negative number, 0/0, a
// fractional power of a negative number) into a number. Three queries decide this:
//
// - `_isDefinedEverywhere(e)`: e has a real value for every real value of its variables
//   (overflow to infinity is not a domain question: exp(x) is defined everywhere);
// - `_sign(e)`: what is known about e's value wherever it is defined (non-zero, non-negative);
// - `_requirement(n)`: what a power x^n needs of its base beyond the base being defined
//   (n a negative integer: x != 0; n fractional: x >= 0; n fractional and negative: x > 0).
//
// The queries are syntactic and conservative: "unknown" only ever keeps a subexpression.
//
// Derivatives are simplified under assumptions: the derivative of f is only claimed where f
// is defined, so every subexpression of f is defined there and the conditions f imposes
// (log(u): u > 0, u^-1: u != 0, sqrt(u): u >= 0, ...) hold. `x*log(x)` differentiates to
// `log(x) + 1`, not `log(x) + x/x`, because log(x) already excludes x = 0.

/// What is known about an expression's value wherever it is defined, or what a power needs of
/// its base.
struct _Sign: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let nonzero = _Sign(rawValue: 1)
    static let nonnegative = _Sign(rawValue: 2)
    /// Only in requirements: an exponent that is not a number (x^a with a symbolic a), which
    /// is only safe to rewrite for a positive base.
    static let general = _Sign(rawValue: 4)
    static let positive: _Sign = [.nonzero, .nonnegative]
}

/// Facts that hold wherever a given expression is defined (see the file comment).
struct _Assumptions: Sendable {
    /// Subexpressions known to be defined.
    var defined: Set<Expression> = []
    /// Known signs of subexpressions.
    var signs: [Expression: _Sign] = [:]

    /// The facts implied by `e` being defined (e simplified).
    init(definedness e: Expression) {
        visit(e)
    }

    private mutating func visit(_ e: Expression) {
        guard defined.insert(e).inserted else { return }
        switch e {
        case .number, .variable:
            break
        case .sum(let xs), .product(let xs):
            for x in xs { visit(x) }
        case .power(let b, let n):
            require(b, Expression._requirement(n).subtracting(.general))
            visit(b)
            visit(n)
        case .function(let f, let u):
            switch f {
            case .log: require(u, .positive)
            case .sqrt: require(u, .nonnegative)
            default: break
            }
            visit(u)
        }
    }

    private mutating func require(_ e: Expression, _ s: _Sign) {
        guard !s.isEmpty else { return }
        signs[e, default: []].formUnion(s)
        guard s.contains(.nonzero) else { return }
        // A non-zero product has non-zero factors; a non-zero power a non-zero base.
        switch e {
        case .product(let fs): for f in fs { require(f, .nonzero) }
        case .power(let b, .number(let n)) where n > 0: require(b, .nonzero)
        default: break
        }
    }
}

extension Expression {
    /// Facts assumed while simplifying a derivative (nil: none; plain `simplified()`).
    @TaskLocal static var _assumed: _Assumptions?

    /// What x^exponent needs of x beyond x being defined.
    static func _requirement(_ exponent: Expression) -> _Sign {
        guard case .number(let n) = exponent else { return [.general] }
        if _isInteger(n) { return n < 0 ? .nonzero : [] }
        return n < 0 ? .positive : .nonnegative
    }

    /// Whether replacing the powers x^a_1 * ... * x^a_k of one base x, whose requirements
    /// together are `needs`, by the single power x^sum keeps the set of points where the
    /// product is defined.
    static func _mergeKeepsDomain(_ base: Expression, needs: _Sign, sum: Expression) -> Bool {
        let result = _requirement(sum)
        if needs.contains(.general) || result.contains(.general) {
            return _sign(base).isSuperset(of: .positive)
        }
        let missing = needs.subtracting(result)
        return missing.isEmpty || _sign(base).isSuperset(of: missing)
    }

    /// What is known about the value of `e` wherever it is defined.
    static func _sign(_ e: Expression) -> _Sign {
        var s = _structuralSign(e)
        if s != .positive, let known = _assumed?.signs[e] { s.formUnion(known) }
        return s
    }

    static func _structuralSign(_ e: Expression) -> _Sign {
        switch e {
        case .number(let v):
            if v > 0 { return .positive }
            if v == 0 { return .nonnegative }
            return v < 0 ? .nonzero : []
        case .variable:
            return []
        case .function(let f, let u):
            switch f {
            case .exp, .cosh: return .positive
            case .sqrt, .abs: return _sign(u).intersection(.nonzero).union(.nonnegative)
            // Odd, increasing functions that vanish only at 0 keep the sign of their argument.
            case .sinh, .tanh, .atan, .asinh, .atanh: return _sign(u)
            case .log, .sin, .cos, .tan: return []
            }
        case .power(let b, .number(let n)):
            let sb = _sign(b)
            if _isInteger(n) {
                let even = n.truncatingRemainder(dividingBy: 2) == 0
                var s = even ? sb.intersection(.nonzero).union(.nonnegative) : sb
                if n < 0 { s.insert(.nonzero) }
                return s
            }
            // pow of a non-negative base with a fractional exponent is non-negative.
            return n < 0 ? .positive : sb.intersection(.nonzero).union(.nonnegative)
        case .power(let b, _):
            return _sign(b).isSuperset(of: .positive) ? .positive : []
        case .product(let fs):
            var s = _Sign.positive
            for f in fs {
                s.formIntersection(_sign(f))
                if s.isEmpty { break }
            }
            return s
        case .sum(let ts):
            var allNonnegative = true
            var somePositive = false
            for t in ts {
                let st = _sign(t)
                if !st.contains(.nonnegative) {
                    allNonnegative = false
                    break
                }
                if st.contains(.nonzero) { somePositive = true }
            }
            guard allNonnegative else { return [] }
            return somePositive ? .positive : .nonnegative
        }
    }

    /// Whether `e` has a real value at every real value of its variables (or, under
    /// assumptions, wherever the assumed expression is defined).
    static func _isDefinedEverywhere(_ e: Expression) -> Bool {
        if let assumed = _assumed, assumed.defined.contains(e) { return true }
        switch e {
        case .number(let v):
            return v.isFinite
        case .variable:
            return true
        case .sum(let xs), .product(let xs):
            return xs.allSatisfy(_isDefinedEverywhere)
        case .power(let b, let n):
            guard _isDefinedEverywhere(b) else { return false }
            let need = _requirement(n)
            if need.contains(.general) { return _isDefinedEverywhere(n) && _sign(b).isSuperset(of: .positive) }
            return need.isEmpty || _sign(b).isSuperset(of: need)
        case .function(let f, let u):
            guard _isDefinedEverywhere(u) else { return false }
            switch f {
            case .exp, .sin, .cos, .atan, .tanh, .sinh, .cosh, .asinh, .abs: return true
            case .log: return _sign(u).isSuperset(of: .positive)
            case .sqrt: return _sign(u).contains(.nonnegative)
            case .tan, .atanh: return false
            }
        }
    }

    /// The factors of a product whose coefficient is 0 that must stay to keep its domain:
    /// those not defined everywhere (`0*log(y)` is NaN for y <= 0, while `0*x` is 0).
    static func _domainCarriers(_ factors: [Expression]) -> [Expression] {
        factors.filter { !_isDefinedEverywhere($0) }
    }
}
