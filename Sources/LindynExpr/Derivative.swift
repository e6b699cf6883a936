extension Expression {
    /// The derivative with respect to the variable `name`, simplified.
    ///
    /// Chain rule for every function: exp' = exp, log' = 1/u, sqrt' = 1/(2 sqrt u),
    /// sin' = cos, cos' = -sin, tan' = 1/cos^2, atan' = 1/(1+u^2), tanh' = 1 - tanh^2,
    /// sinh' = cosh, cosh' = sinh, asinh' = 1/sqrt(u^2+1), atanh' = 1/(1-u^2), and
    /// abs' = u/abs(u) (the sign of u; undefined, NaN, at u = 0 where abs has no derivative).
    /// Powers `f^c` with an exponent free of `name` use c f^(c-1) f'; `c^g` uses
    /// c^g log(c) g'; the general `f^g` uses f^g (g' log f + g f'/f).
    public func derivative(_ name: String) -> Expression {
        simplified()._derivative(name)
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
    public static func gradient(_ e: Expression, _ names: [String]) -> [Expression] {
        let s = e.simplified()
        return names.map { s._derivative($0) }
    }

    /// The Jacobian matrix: row i holds the derivatives of `es[i]` with respect to each of
    /// `names`, simplified.
    public static func jacobian(_ es: [Expression], _ names: [String]) -> [[Expression]] {
        es.map { gradient($0, names) }
    }
}
