// Simplification to a canonical form.
//
// `simplified()` rebuilds the tree bottom-up through four smart constructors (`_add`, `_mul`,
// `_pow`, `_call`) that assume simplified operands and return simplified results, so each
// node is visited once and the work is polynomial in the size of the tree. The canonical form:
//
// - sums are flat, have one numeric constant (last, omitted when 0) and collect like terms
//   (`2*x + 3*x` -> `5*x`, `x - x` -> 0); terms are sorted by their non-numeric part; a
//   numeric multiple of a sum is distributed over it (`-(x - y)` -> `y - x`);
// - products are flat, have one numeric coefficient (first, omitted when 1), collect powers of
//   equal bases (`x*x^2` -> `x^3`); the numerator factors come first, then the denominator
//   factors (negative numeric exponents), each group sorted by base then exponent;
// - powers: `x^0` -> 1, `x^1` -> x, `1^x` -> 1 (`0*x + 1` when x is not defined everywhere),
//   `0^c` -> 0 for c > 0, numeric powers folded,
//   `(x^a)^n` -> `x^(a*n)` and `(x*y)^n` -> `x^n*y^n` for integer n;
// - functions of numbers are folded; `log(exp(x))` -> x, `abs(abs(x))` -> `abs(x)`.
//
// Every rewrite keeps the set of points where the expression is defined (Domain.swift): a
// subexpression is dropped only where it is defined everywhere. So `0*x` -> 0 and `x - x` -> 0,
// but `0*log(y)`, `log(y) - log(y)` (-> `0*log(y)`), `0/0`, `x/x`, `x^2/x` and `x^0.5*x^0.5`
// stay, because dropping them would give a number where the original is NaN (y <= 0, x = 0,
// x < 0). Derivatives are simplified assuming the differentiated expression is defined, where
// `x/x` is 1 again when the expression already excludes x = 0.
//
// Constants are folded with the same kernels as `evaluate`, and only when the result is
// finite (so `1/0`, `log(-1)` and `(-8)^(1/3)` stay symbolic).

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
        var cancelled: [[Expression]] = []
        for (rest, c) in zip(rests, coefficients) {
            if c != 0 {
                terms.append((rest, c))
            } else {
                cancelled.append(rest)
            }
        }
        // Like terms that cancel leave 0 only where they are defined: `log(y) - log(y)` is
        // `0*log(y)` (NaN for y <= 0), while `x - x` is 0. A term that stays carries the
        // same domain, so a cancelled term equal to one of them is dropped.
        if !cancelled.isEmpty {
            var kept = Set(terms.map(\.rest))
            for rest in cancelled {
                for carrier in _mul([.number(0)] + rest)._terms {
                    let (c, r) = _splitCoefficient(carrier)
                    guard c == 0, !r.isEmpty, kept.insert(r).inserted else { continue }
                    terms.append((r, 0))
                }
            }
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
              for merged in _mergedPowers(base, exps) {
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
            }
            if !again { break }
        }
        if coefficient == 0 {
            // 0 times a factor that is not defined everywhere stays: `0*log(y)` is NaN for
            // y <= 0 and `0/0` everywhere; `0*x` is 0.
            result = _domainCarriers(result)
            if result.isEmpty { return .number(0) }
        }
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

    /// The powers of one base in a product, merged as far as that keeps the product's domain:
    /// `x*x^2` -> `x^3` and `x^-1*x^-2` -> `x^-3`, but `x^0.5*x^0.5` (NaN for x < 0) is not `x`
    /// and `x/x` (NaN at 0) is not 1, unless the base is known to be positive (`exp(a)^0.5`) or
    /// the assumptions of a derivative exclude those points. The powers are merged into the
    /// fewest groups whose merge is sound, in order; a product of merged groups merges no further.
    static func _mergedPowers(_ base: Expression, _ exponents: [Expression]) -> [Expression] {
        if exponents.count == 1 { return [_factorPower(base, exponents[0])] }
        var needs: _Sign = []
        for e in exponents { needs.formUnion(_requirement(e)) }
        let total = _add(exponents)
        if _mergeKeepsDomain(base, needs: needs, sum: total) { return [_pow(base, total)] }
        var groups: [(sum: Expression, needs: _Sign, count: Int, first: Expression)] = []
        func place(_ e: Expression, _ need: _Sign, _ count: Int) {
            for k in groups.indices {
                let sum = _add([groups[k].sum, e])
                let union = groups[k].needs.union(need)
                if _mergeKeepsDomain(base, needs: union, sum: sum) {
                    groups[k].sum = sum
                    groups[k].needs = _requirement(sum)
                    groups[k].count += count
                    return
                }
            }
            groups.append((e, need, count, e))
        }
        for e in exponents { place(e, _requirement(e), 1) }
        // Merge groups pairwise until none merge, so that simplifying the result again finds
        // the same groups.
        var changed = true
        while changed && groups.count > 1 {
            changed = false
            let current = groups
            groups = []
            for g in current {
                let before = groups.count
                place(g.sum, g.needs, g.count)
                if groups.count == before { changed = true }
            }
        }
        return groups.map { $0.count == 1 ? _factorPower(base, $0.first) : _pow(base, $0.sum) }
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
            // x^0 is 1 only where x is defined: log(y)^0 is 0*log(y) + 1.
            if n == 0 { return _oneWhereDefined(base) }
            if n == 1 { return base }
            switch base {
            case .number(let b):
                let v = _powerNumber(b, n)
                if v.isFinite { return .number(v) }
            case .power(let b, let a) where _isInteger(n):
                // (x^a)^n = x^(a n) keeps the domain unless it drops a condition:
                // (x^0.5)^2 is not x (NaN for x < 0), (x^-1)^-1 is not x (NaN at 0).
                let product = _mul([a, exponent])
                var needs = _requirement(a)
                if n < 0 { needs.insert(.nonzero) }
                if _mergeKeepsDomain(b, needs: needs, sum: product) { return _pow(b, product) }
            case .product(let factors) where _isInteger(n):
                return _mul(factors.map { _pow($0, exponent) })
            default:
                break
            }
        }
        if case .number(let b) = base {
            if b == 1 { return _oneWhereDefined(exponent) }
            if b == 0, case .number(let n) = exponent, n > 0 { return 0 }
        }
        return .power(base, exponent)
    }

    /// 1 where `x` is defined: `x^0` and `1^x`. For an `x` that is not defined everywhere this is
    /// `0*x + 1`, NaN where x is (C's `pow` gives `pow(NaN, 0) = pow(1, NaN) = 1`).
    static func _oneWhereDefined(_ x: Expression) -> Expression {
        _isDefinedEverywhere(x) ? 1 : _add([1, _mul([0, x])])
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
