extension Expression {
    /// The derivative with respect to the variable `name`, simplified.
    ///
    /// Chain rule for every function: exp' = exp, log' = 1/u, sqrt' = 1/(2 sqrt u),
    /// sin' = cos, cos' = -sin, tan' = 1/cos^2, atan' = 1/(1+u^2), tanh' = 1 - tanh^2,
    /// sinh' = cosh, cosh' = sinh, asinh' = 1/sqrt(u^2+1), atanh' = 1/(1-u^2), and
    /// abs' = u/abs(u) (the sign of u; undefined, NaN, at u = 0 where abs has no derivative).
    /// Powers `f^c` with an exponent free of `name` use c f^(c-1) f'; `c^g` uses
    /// c^g log(c) g'; the general `f^g` uses f^g (g' log f + g f'/f).
    ///
    /// The result equals the derivative wherever `self` is defined and differentiable; it is
    /// simplified under that assumption (see Domain.swift), so it may have a value at points
    /// where `self` has none (d/dy of log(x) is 0 even for x <= 0).
    public func derivative(_ name: String) -> Expression {
        let s = simplified()
        return Self.$_assumed.withValue(_Assumptions(definedness: s)) { s._derivative(name) }
    }

    /// d/dx of a simplified expression, built with the smart constructors.
    func _derivative(_ x: String) -> Expression {
        switch self {
        case .number:
            return 0
        case .variable(let v):
            return v == x ? 1 : 0
        case .sum(let terms):
            return Self._add(terms.map { $0._derivative(x) })
        case .product(let factors):
            var terms: [Expression] = []
            for (i, factor) in factors.enumerated() where factor.contains(variable: x) {
                var others = factors
                others[i] = factor._derivative(x)
                terms.append(Self._mul(others))
            }
            return Self._add(terms)
        case .power(let f, let g):
            let fDepends = f.contains(variable: x)
            let gDepends = g.contains(variable: x)
            if !gDepends {
                guard fDepends else { return 0 }
                return Self._mul([g, Self._pow(f, Self._add([g, -1])), f._derivative(x)])
            }
            if !fDepends {
                return Self._mul([self, Self._call(.log, f), g._derivative(x)])
            }
            let inner = Self._add([
                Self._mul([g._derivative(x), Self._call(.log, f)]),
                Self._mul([g, f._derivative(x), Self._pow(f, -1)]),
            ])
            return Self._mul([self, inner])
        case .function(let fn, let u):
            guard u.contains(variable: x) else { return 0 }
            return Self._mul([Self._outerDerivative(fn, u), u._derivative(x)])
        }
    }

    /// f'(u) for an elementary function f, simplified.
    static func _outerDerivative(_ fn: Function, _ u: Expression) -> Expression {
        switch fn {
        case .exp: return _call(.exp, u)
        case .log: return _pow(u, -1)
        case .sqrt: return _mul([0.5, _pow(_call(.sqrt, u), -1)])
        case .sin: return _call(.cos, u)
        case .cos: return _mul([-1, _call(.sin, u)])
        case .tan: return _pow(_call(.cos, u), -2)
        case .atan: return _pow(_add([1, _pow(u, 2)]), -1)
        case .tanh: return _add([1, _mul([-1, _pow(_call(.tanh, u), 2)])])
        case .sinh: return _call(.cosh, u)
        case .cosh: return _call(.sinh, u)
        case .asinh: return _pow(_call(.sqrt, _add([_pow(u, 2), 1])), -1)
        case .atanh: return _pow(_add([1, _mul([-1, _pow(u, 2)])]), -1)
        case .abs: return _mul([u, _pow(_call(.abs, u), -1)])
        }
    }

    /// The derivatives of `e` with respect to each name, simplified.
    /// As for ``derivative(_:)``, each equals the partial derivative wherever `e` is defined.
    /// A name that does not occur in `e` gets 0 without any symbolic work, and the derivative
    /// of a sum visits only the terms that contain the name, so the gradient of a sum of terms
    /// in few variables each (a separable loss) costs time linear in its size.
    public static func gradient(_ e: Expression, _ names: [String]) -> [Expression] {
        let s = e.simplified()
        let free = s.freeVariables
        guard names.contains(where: free.contains) else { return names.map { _ in 0 } }
        return $_assumed.withValue(_Assumptions(definedness: s)) {
            guard case .sum(let terms) = s, terms.count > 8 else {
                return names.map { free.contains($0) ? s._derivative($0) : 0 }
            }
            var termsOf: [String: [Int]] = [:]
            for (k, term) in terms.enumerated() {
                for name in term.freeVariables { termsOf[name, default: []].append(k) }
            }
            return names.map { name in
                guard let ks = termsOf[name] else { return 0 }
                return _add(ks.map { terms[$0]._derivative(name) })
            }
        }
    }

    /// An upper bound on the number of nodes of the derivative with respect to `name` before
    /// simplification (which only shrinks it): a product of k factors that contain `name` gives
    /// k terms of the product's size. Costs O(size * depth); used to refuse Jacobians that
    /// would be too large before deriving them. Saturates at `Int.max`.
    public func derivativeSizeEstimate(_ name: String) -> Int {
        func add(_ a: Int, _ b: Int) -> Int {
            let (r, o) = a.addingReportingOverflow(b)
            return o ? .max : r
        }
        switch self {
        case .number, .variable:
            return 1
        case .sum(let terms):
            var total = 1
            for t in terms where t.contains(variable: name) { total = add(total, t.derivativeSizeEstimate(name)) }
            return total
        case .product(let factors):
            let size = nodeCount
            var total = 1
            for f in factors where f.contains(variable: name) { total = add(total, add(size, f.derivativeSizeEstimate(name))) }
            return total
        case .power(let b, let e):
            var total = add(2 * nodeCount, 4)
            if b.contains(variable: name) { total = add(total, b.derivativeSizeEstimate(name)) }
            if e.contains(variable: name) { total = add(total, add(nodeCount, e.derivativeSizeEstimate(name))) }
            return total
        case .function(_, let u):
            guard u.contains(variable: name) else { return 1 }
            return add(add(2 * u.nodeCount, 6), u.derivativeSizeEstimate(name))
        }
    }

    /// The Jacobian matrix: row i holds the derivatives of `es[i]` with respect to each of
    /// `names`, simplified.
    /// Every entry is derived; ``gradient(_:_:)`` skips the names an expression does not contain.
    public static func jacobian(_ es: [Expression], _ names: [String]) -> [[Expression]] {
        es.map { gradient($0, names) }
    }
}
