// Simplification to a canonical form.
//
// `simplified()` rebuilds the tree bottom-up through four smart constructors (`_add`, `_mul`,
// `_pow`, `_call`) that assume simplified operands and return simplified results, so each
// node is visited once and the work is polynomial in the size of the tree. The canonical form:
//
// - sums are flat, have one numeric constant (last, omitted when 0) and collect like terms
//   (`2*x + 3*x` -> `5*x`, `x - x` -> 0); terms are sorted by their non-numeric part; a
//   numeric multiple of a sum is distributed over it (`-(x - y)` -> `y - x`);
// - products are flat, have one numeric coefficient (first, omitted when 1; 0 makes the
//   product 0), collect powers of equal bases (`x*x^2` -> `x^3`, `x/x` -> 1); the numerator
//   factors come first, then the denominator factors (negative numeric exponents), each
//   group sorted by base then exponent;
// - powers: `x^0` -> 1, `x^1` -> x, `1^x` -> 1, `0^c` -> 0 for c > 0, numeric powers folded,
//   `(x^a)^n` -> `x^(a*n)` and `(x*y)^n` -> `x^n*y^n` for integer n (valid for all x, y);
// - functions of numbers are folded; `log(exp(x))` -> x, `abs(abs(x))` -> `abs(x)`.
//
// Constants are folded with the same kernels as `evaluate`, and only when the result is
// finite (so `1/0`, `log(-1)` and `(-8)^(1/3)` stay symbolic). Like every computer-algebra
// simplifier, `x/x` -> 1 and `x^0` -> 1 ignore the point x = 0.

extension Expression {
    /// An equal expression in canonical form (see the rules above). Idempotent:
    /// `e.simplified().simplified() == e.simplified()`.
    public func simplified() -> Expression {
        switch self {
        case .number, .variable: return self
        case .sum(let terms): return Self._add(terms.map { $0.simplified() })
        case .product(let factors): return Self._mul(factors.map { $0.simplified() })
        case .power(let b, let e): return Self._pow(b.simplified(), e.simplified())
        case .function(let f, let x): return Self._call(f, x.simplified())
        }
    }

    // MARK: Smart constructors (simplified operands in, simplified result out)

    /// Splits a simplified term into its numeric coefficient and the remaining factors.
    static func _splitCoefficient(_ term: Expression) -> (Double, [Expression]) {
        switch term {
        case .number(let v):
            return (v, [])
        case .product(let factors):
            if case .number(let c) = factors[0] { return (c, Array(factors.dropFirst())) }
            return (1, factors)
        default:
            return (1, [term])
        }
    }

    static func _term(_ coefficient: Double, _ rest: [Expression]) -> Expression {
        if rest.isEmpty { return .number(coefficient) }
        if coefficient == 1 { return rest.count == 1 ? rest[0] : .product(rest) }
        return .product([.number(coefficient)] + rest)
    }

    static func _add(_ operands: [Expression]) -> Expression {
        var constant = 0.0
        var rests: [[Expression]] = []
        var coefficients: [Double] = []
        var index: [[Expression]: Int] = [:]
        // A numeric multiple of a sum is distributed (`x - 2*(x - y)` -> `2*y - x`), so that like
        // terms inside and outside it are collected.
        let flat = operands.lazy.flatMap(\._terms).flatMap { term -> [Expression] in
            let (c, rest) = _splitCoefficient(term)
            guard rest.count == 1, case .sum(let inner) = rest[0] else { return [term] }
            return inner.map { t in
                let (ct, rt) = _splitCoefficient(t)
                return _term(c * ct, rt)
            }
        }
        for term in flat {
            let (c, rest) = _splitCoefficient(term)
            if rest.isEmpty {
                constant += c
            } else if let i = index[rest] {
                coefficients[i] += c
            } else {
                index[rest] = rests.count
                rests.append(rest)
                coefficients.append(c)
            }
        }
        var terms: [(rest: [Expression], coefficient: Double)] = []
        for (rest, c) in zip(rests, coefficients) where c != 0 {
            terms.append((rest, c))
        }
        terms.sort { _compareFactorLists($0.rest, $1.rest) < 0 }
        var result = terms.map { _term($0.coefficient, $0.rest) }
        if constant != 0 || result.isEmpty { result.append(.number(constant)) }
        return result.count == 1 ? result[0] : .sum(result)
    }

    static func _mul(_ operands: [Expression]) -> Expression {
        var coefficient = 1.0
        var pending = operands
        var result: [Expression] = []
        // Each round merges powers of equal bases. A merged power can expand into a product
        // again (`(x*y)^(1/2) * (x*y)^(1/2)` -> `x*y`), whose factors then need another round;
        // the number of rounds is capped so that the construction always terminates.
        for round in 0..<8 {
            var bases: [Expression] = []
            var exponents: [[Expression]] = []
            var index: [Expression: Int] = [:]
            for factor in pending.lazy.flatMap(\._factors) {
                if case .number(let v) = factor {
                    coefficient *= v
                    continue
                }
                let (base, exponent): (Expression, Expression)
                if case .power(let b, let e) = factor { (base, exponent) = (b, e) } else { (base, exponent) = (factor, 1) }
                if let i = index[base] {
                    exponents[i].append(exponent)
                } else {
                    index[base] = bases.count
                    bases.append(base)
                    exponents.append([exponent])
                }
            }
            pending = []
            result = []
            var again = false
            for (base, exps) in zip(bases, exponents) {
                let merged = exps.count == 1 ? _factorPower(base, exps[0]) : _pow(base, _add(exps))
                switch merged {
                case .number(let v):
                    coefficient *= v
                case .product(let factors) where round == 7:
                    // Out of rounds: keep the product flat without merging further.
                    for f in factors {
                        if case .number(let v) = f { coefficient *= v } else { result.append(f) }
                    }
                case .product:
                    again = true
                    pending.append(merged)
                default:
                    pending.append(merged)
                    result.append(merged)
                }
            }
            if !again { break }
        }
        if coefficient == 0 { return .number(0) }
        // A number times a single sum is distributed: `-(x - y)` -> `y - x`.
        if coefficient != 1, result.count == 1, case .sum = result[0] {
            return _add([.product([.number(coefficient), result[0]])])
        }
        var numerator = result.filter { $0._denominator == nil }
        var denominator = result.filter { $0._denominator != nil }
        numerator.sort { _compareFactors($0, $1) < 0 }
        denominator.sort { _compareFactors($0, $1) < 0 }
        let factors = (coefficient == 1 ? [] : [Expression.number(coefficient)]) + numerator + denominator
        switch factors.count {
        case 0: return .number(1)
        case 1: return factors[0]
        default: return .product(factors)
        }
    }

    /// A factor of a product that was not merged with another: it is already simplified,
    /// so it is returned as is (rebuilding it could expand it into a product again).
    static func _factorPower(_ base: Expression, _ exponent: Expression) -> Expression {
        exponent == 1 ? base : .power(base, exponent)
    }

    static func _isInteger(_ v: Double) -> Bool {
        v.isFinite && v == v.rounded()
    }

    static func _pow(_ base: Expression, _ exponent: Expression) -> Expression {
        if case .number(let n) = exponent {
            if n == 0 { return 1 }
            if n == 1 { return base }
            switch base {
            case .number(let b):
                let v = _powerNumber(b, n)
                if v.isFinite { return .number(v) }
            case .power(let b, let a) where _isInteger(n):
                return _pow(b, _mul([a, exponent]))
            case .product(let factors) where _isInteger(n):
                return _mul(factors.map { _pow($0, exponent) })
            default:
                break
            }
        }
        if case .number(let b) = base {
            if b == 1 { return 1 }
            if b == 0, case .number(let n) = exponent, n > 0 { return 0 }
        }
        return .power(base, exponent)
    }

    static func _call(_ f: Function, _ x: Expression) -> Expression {
        if case .number(let v) = x {
            let y = _applyFunction(f, v)
            if y.isFinite { return .number(y) }
        }
        switch (f, x) {
        case (.log, .function(.exp, let u)): return u
        case (.abs, .function(.abs, _)): return x
        default: return .function(f, x)
        }
    }

    // MARK: Canonical order

    static func _rank(_ e: Expression) -> Int {
        switch e {
        case .number: return 0
        case .variable: return 1
        case .function: return 2
        case .power: return 3
        case .product: return 4
        case .sum: return 5
        }
    }

    /// A total order on expressions, consistent with `==` (returns 0 exactly when equal,
    /// except that distinct NaN numbers compare as 0).
    static func _compare(_ a: Expression, _ b: Expression) -> Int {
        let ra = _rank(a), rb = _rank(b)
        if ra != rb { return ra < rb ? -1 : 1 }
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.variable(let x), .variable(let y)):
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.function(let f, let x), .function(let g, let y)):
            if f != g { return f.rawValue < g.rawValue ? -1 : 1 }
            return _compare(x, y)
        case (.power(let b1, let e1), .power(let b2, let e2)):
            let c = _compare(b1, b2)
            return c != 0 ? c : _compare(e1, e2)
        case (.product(let xs), .product(let ys)), (.sum(let xs), .sum(let ys)):
            return _compareLists(xs, ys, _compare)
        default:
            return 0
        }
    }

    static func _compareLists(
        _ xs: [Expression], _ ys: [Expression], _ compare: (Expression, Expression) -> Int
    ) -> Int {
        for (x, y) in zip(xs, ys) {
            let c = compare(x, y)
            if c != 0 { return c }
        }
        return xs.count < ys.count ? -1 : (xs.count > ys.count ? 1 : 0)
    }

    /// Orders factors by base, then by exponent, so `x*x^2`-like factors sit together and
    /// `x*y^2*exp(x)` reads in a natural order.
    static func _compareFactors(_ a: Expression, _ b: Expression) -> Int {
        let (b1, e1) = _baseAndExponent(a)
        let (b2, e2) = _baseAndExponent(b)
        let c = _compare(b1, b2)
        return c != 0 ? c : _compare(e1, e2)
    }

    static func _compareFactorLists(_ xs: [Expression], _ ys: [Expression]) -> Int {
        _compareLists(xs, ys, _compareFactors)
    }

    static func _baseAndExponent(_ e: Expression) -> (Expression, Expression) {
        if case .power(let b, let x) = e { return (b, x) }
        return (e, 1)
    }
}
