extension Expression {
    /// LaTeX for display (math mode, without delimiters): quotients as `\frac{}{}`, `exp` as
    /// `e^{...}`, `sqrt` as `\sqrt{}`, `abs` as `\left|...\right|`, names with a trailing
    /// number or an underscore as subscripts (`k1` -> `k_{1}`), Greek letter names as Greek
    /// letters (`lambda` -> `\lambda`) and other multi-letter names upright.
    public var latex: String {
        _latex(.top)
    }

    static let _greek: Set<String> = [
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
        "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau",
        "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
        "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega",
    ]

    static func _latexName(_ name: String) -> String {
        func head(_ h: String) -> String {
            if h.count == 1 { return h }
            if _greek.contains(h) { return "\\" + h }
            return "\\mathrm{\(h.replacingOccurrences(of: "_", with: "\\_"))}"
        }
        if let underscore = name.firstIndex(of: "_"), underscore != name.startIndex,
            name.index(after: underscore) != name.endIndex
        {
            let h = String(name[..<underscore])
            let sub = String(name[name.index(after: underscore)...])
            let index = _greek.contains(sub) ? "\\" + sub : sub.replacingOccurrences(of: "_", with: "\\_")
            return head(h) + "_{" + index + "}"
        }
        let letters = name.prefix { !($0.isASCII && $0.isNumber) }
        let digits = name.dropFirst(letters.count)
        if !letters.isEmpty, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return head(String(letters)) + "_{" + digits + "}"
        }
        return head(name)
    }

    static func _latexNumber(_ v: Double) -> String {
        let text = _numberText(v)
        if v.isNaN { return "\\mathrm{NaN}" }
        if v.isInfinite { return v < 0 ? "-\\infty" : "\\infty" }
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = String(text[..<e])
        var exponent = String(text[text.index(after: e)...])
        if exponent.hasPrefix("+") { exponent.removeFirst() }
        if exponent.hasPrefix("-0") { exponent = "-" + exponent.dropFirst(2) }
        if exponent.hasPrefix("0") { exponent.removeFirst() }
        let power = "10^{\(exponent)}"
        if mantissa == "1" { return power }
        if mantissa == "-1" { return "-" + power }
        return mantissa + " \\cdot " + power
    }

    func _latex(_ position: _TextPosition) -> String {
        switch self {
        case .number(let v):
            let text = Self._latexNumber(v)
            if (position == .factor || position == .base) && (text.hasPrefix("-") || text.contains("\\cdot")) {
                return "\\left(\(text)\\right)"
            }
            return text
        case .variable(let name):
            return Self._latexName(name)
        case .function(let f, let x):
            let arg = x._latex(.top)
            switch f {
            case .exp: return "e^{\(arg)}"
            case .sqrt: return "\\sqrt{\(arg)}"
            case .abs: return "\\left|\(arg)\\right|"
            case .atan: return "\\arctan\\left(\(arg)\\right)"
            case .asinh, .atanh: return "\\operatorname{\(f.rawValue)}\\left(\(arg)\\right)"
            default: return "\\\(f.rawValue)\\left(\(arg)\\right)"
            }
        case .power(let base, let exponent):
            if let (b, m) = _denominator {
                let text = "\\frac{1}{\(m == 1 ? b._latex(.top) : Expression.power(b, .number(m))._latex(.top))}"
                return text
            }
            var baseText = base._latex(.base)
            if case .function(.exp, _) = base { baseText = "\\left(\(baseText)\\right)" }
            let text = baseText + "^{" + exponent._latex(.top) + "}"
            return position == .base ? "\\left(\(text)\\right)" : text
        case .sum(let terms):
            if terms.isEmpty { return "0" }
            if terms.count == 1 { return terms[0]._latex(position) }
            var text = terms[0]._latex(.term)
            for term in terms.dropFirst() {
                if let positive = term._negatedForPrinting {
                    text += " - " + positive._latex(.term)
                } else {
                    text += " + " + term._latex(.term)
                }
            }
            return position == .top ? text : "\\left(\(text)\\right)"
        case .product(let factors):
            if factors.isEmpty { return "1" }
            if factors.count == 1 { return factors[0]._latex(position) }
            var sign = ""
            var numerator = factors.filter { $0._denominator == nil }
            let denominator = factors.compactMap { f in
                f._denominator.map { $0.exponent == 1 ? $0.base : Expression.power($0.base, .number($0.exponent)) }
            }
            if numerator.first == .number(-1), numerator.count >= 2 || !denominator.isEmpty {
                sign = "-"
                numerator.removeFirst()
            }
            let top = Self._latexFactors(numerator)
            let text: String
            if denominator.isEmpty {
                text = sign + top
            } else {
                text = sign + "\\frac{\(top)}{\(Self._latexFactors(denominator))}"
            }
            return position == .top || position == .term ? text : "\\left(\(text)\\right)"
        }
    }

    static func _latexFactors(_ factors: [Expression]) -> String {
        if factors.isEmpty { return "1" }
        if factors.count == 1 { return factors[0]._latex(.top) }
        var text = ""
        for (i, factor) in factors.enumerated() {
            let piece: String
            if i == 0, case .number(let v) = factor {
                piece = _latexNumber(v)
            } else {
                piece = factor._latex(.factor)
            }
            if i > 0 {
                let startsWithDigit = piece.first.map { $0.isNumber } ?? false
                text += startsWithDigit || factors[i - 1]._isNumber && piece.hasPrefix("\\left(") ? " \\cdot " : " "
            }
            text += piece
        }
        return text
    }
}
