// Zero-testing of expressions: the symbolic residual of the derivation checker (LindynCheck) and
// the linear invariants of the validation module. Package-internal: not part of the public API.
//
// `simplified()` collects like terms but never expands products of sums or brings fractions to
// a common denominator, so d/dt candidate - f(candidate) for a logistic closed form does not
// simplify to 0 by itself. Here an expression is brought to a rational normal form: a quotient
// of two expanded polynomials whose indeterminates ("atoms") are the variables and every
// non-rational subexpression (exp(...), log(...), x^y with a symbolic or fractional exponent),
// each atom taken in simplified form. Square roots are atoms with one rule, sqrt(X)^2 = X, so
// a balanced start a = b = sqrt(u(t)) also reduces. The residual is proved zero when the
// numerator of its normal form is the zero polynomial.
//
// Soundness: every rewrite is an identity of rational functions (valid wherever both sides are
// defined), except that coefficients are doubles: a coefficient that cancels to within a
// relative 1e-12 of the terms it came from is dropped. Coefficients in closed forms are small
// rationals (1/2, 2, -1), for which this is exact. Atoms are not related to each other
// (exp(a)*exp(b) is not exp(a+b)), so "not proved" never means "false".

/// A monomial: the exponents of the atoms it contains, as sorted (atom, exponent) pairs.
struct _Monomial: Hashable {
    var powers: [Int]  // flattened pairs: atom0, exp0, atom1, exp1, ... with atoms increasing

    static let one = _Monomial(powers: [])

    static func * (a: _Monomial, b: _Monomial) -> _Monomial {
        var out: [Int] = []
        out.reserveCapacity(a.powers.count + b.powers.count)
        var i = 0, j = 0
        while i < a.powers.count || j < b.powers.count {
            if j >= b.powers.count || (i < a.powers.count && a.powers[i] < b.powers[j]) {
                out += [a.powers[i], a.powers[i + 1]]
                i += 2
            } else if i >= a.powers.count || b.powers[j] < a.powers[i] {
                out += [b.powers[j], b.powers[j + 1]]
                j += 2
            } else {
                out += [a.powers[i], a.powers[i + 1] + b.powers[j + 1]]
                i += 2
                j += 2
            }
        }
        return _Monomial(powers: out)
    }
}

struct _TooLarge: Error {}

/// An expanded polynomial over the atoms.
struct _Polynomial {
    var terms: [_Monomial: Double]

    static let zero = _Polynomial(terms: [:])
    static let one = _Polynomial(terms: [.one: 1])
    static func constant(_ c: Double) -> _Polynomial { c == 0 ? zero : _Polynomial(terms: [.one: c]) }

    var isZero: Bool { terms.isEmpty }
    static let termLimit = 20_000

    static func + (a: _Polynomial, b: _Polynomial) throws(_TooLarge) -> _Polynomial {
        var out = a.terms
        for (m, c) in b.terms {
            if let d = out[m] {
                let s = d + c
                if Swift.abs(s) <= 1e-12 * Swift.max(Swift.abs(d), Swift.abs(c)) { out[m] = nil } else { out[m] = s }
            } else {
                out[m] = c
            }
        }
        guard out.count <= termLimit else { throw _TooLarge() }
        return _Polynomial(terms: out)
    }

    static func * (a: _Polynomial, b: _Polynomial) throws(_TooLarge) -> _Polynomial {
        guard a.terms.count * b.terms.count <= termLimit * 10 else { throw _TooLarge() }
        var out = _Polynomial.zero
        for (m1, c1) in a.terms {
            var partial: [_Monomial: Double] = [:]
            for (m2, c2) in b.terms { partial[m1 * m2, default: 0] += c1 * c2 }
            out = try out + _Polynomial(terms: partial)
        }
        return out
    }

    func scaled(_ c: Double) -> _Polynomial {
        c == 0 ? .zero : _Polynomial(terms: terms.mapValues { $0 * c })
    }
}

/// numerator / denominator.
struct _Rational {
    var numerator: _Polynomial
    var denominator: _Polynomial

    static func + (a: _Rational, b: _Rational) throws(_TooLarge) -> _Rational {
        if a.denominator.terms == b.denominator.terms {
            return _Rational(numerator: try a.numerator + b.numerator, denominator: a.denominator)
        }
        return _Rational(
            numerator: try a.numerator * b.denominator + b.numerator * a.denominator,
            denominator: try a.denominator * b.denominator)
    }

    static func * (a: _Rational, b: _Rational) throws(_TooLarge) -> _Rational {
        _Rational(numerator: try a.numerator * b.numerator, denominator: try a.denominator * b.denominator)
    }

    var reciprocal: _Rational { _Rational(numerator: denominator, denominator: numerator) }

    func power(_ n: Int) throws(_TooLarge) -> _Rational {
        if n < 0 { return try reciprocal.power(-n) }
        var result = _Rational(numerator: .one, denominator: .one)
        var base = self
        var k = n
        while k > 0 {
            if k & 1 == 1 { result = try result * base }
            k >>= 1
            if k > 0 { base = try base * base }
        }
        return result
    }
}

/// Brings expressions to the rational normal form, sharing one table of atoms.
package struct _RationalNormalizer {
    private var atoms: [SymbolicExpression: Int] = [:]
    /// Radicand of each square-root atom, in normal form.
    private var radicands: [Int: _Rational] = [:]
    private var depth = 0

    /// Whether `e` is identically zero (see the file comment for what "proved" means).
    package static func provesZero(_ e: SymbolicExpression) -> Bool {
        var normalizer = _RationalNormalizer()
        guard let r = try? normalizer.normalize(e.simplified()) else { return false }
        return r.numerator.isZero && !r.denominator.isZero
    }

    mutating func atom(_ e: SymbolicExpression) -> _Rational {
        let index: Int
        if let i = atoms[e] {
            index = i
        } else {
            index = atoms.count
            atoms[e] = index
        }
        return _Rational(numerator: _Polynomial(terms: [_Monomial(powers: [index, 1]): 1]), denominator: .one)
    }

    mutating func squareRoot(_ radicand: SymbolicExpression) throws(_TooLarge) -> _Rational {
        let key = SymbolicExpression.sqrt(radicand)
        let r = atom(key)
        let index = atoms[key]!
        if radicands[index] == nil { radicands[index] = try normalize(radicand) }
        return r
    }

    mutating func normalize(_ e: SymbolicExpression) throws(_TooLarge) -> _Rational {
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw _TooLarge() }
        switch e {
        case .number(let c):
            return _Rational(numerator: .constant(c), denominator: .one)
        case .variable:
            return atom(e)
        case .sum(let terms):
            var total = _Rational(numerator: .zero, denominator: .one)
            for term in terms { total = try total + normalize(term) }
            return try reduce(total)
        case .product(let factors):
            var total = _Rational(numerator: .one, denominator: .one)
            for factor in factors { total = try reduce(total * normalize(factor)) }
            return total
        case .power(let base, .number(let n)) where n.isFinite && Swift.abs(n) <= 64 && (2 * n).rounded() == 2 * n:
            if n == n.rounded() { return try reduce(normalize(base).power(Int(n))) }
            // Half-integer exponent: base^k * sqrt(base) with k = n - 1/2.
            let k = Int((n - 0.5).rounded())
            return try reduce(normalize(base).power(k) * squareRoot(base))
        case .function(.sqrt, let x):
            return try squareRoot(x)
        default:
            return atom(e)
        }
    }

    /// Replaces sqrt(X)^m (m >= 2) by X^(m/2) sqrt(X)^(m mod 2), in both numerator and denominator.
    mutating func reduce(_ r: _Rational) throws(_TooLarge) -> _Rational {
        guard !radicands.isEmpty else { return r }
        let n = try reduce(r.numerator)
        let d = try reduce(r.denominator)
        return try n * d.reciprocal
    }

    mutating func reduce(_ p: _Polynomial) throws(_TooLarge) -> _Rational {
        var needs = false
        for m in p.terms.keys {
            for k in stride(from: 0, to: m.powers.count, by: 2) where m.powers[k + 1] >= 2 && radicands[m.powers[k]] != nil {
                needs = true
            }
        }
        guard needs else { return _Rational(numerator: p, denominator: .one) }
        var total = _Rational(numerator: .zero, denominator: .one)
        for (m, c) in p.terms {
            var kept: [Int] = []
            var factor = _Rational(numerator: .constant(c), denominator: .one)
            for k in stride(from: 0, to: m.powers.count, by: 2) {
                let (a, e) = (m.powers[k], m.powers[k + 1])
                if e >= 2, let x = radicands[a] {
                    factor = try factor * x.power(e / 2)
                    if e % 2 == 1 { kept += [a, 1] }
                } else {
                    kept += [a, e]
                }
            }
            let rest = _Rational(numerator: _Polynomial(terms: [_Monomial(powers: kept): 1]), denominator: .one)
            total = try total + factor * rest
        }
        return total
    }
}
