extension Expression: CustomStringConvertible {
    /// Plain text in the grammar of ``parse(_:)``; parsing it gives back an equal value for
    /// every expression built by the operators, `parse`, `substituting`, `simplified` and
    /// `derivative` (flat sums and products). Numbers print in the shortest form that reads
    /// back to the same Double; infinities print as `1e999`.
    public var description: String {
        _text(.top)
    }

    enum _TextPosition {
        case top, term, factor, base, exponent
    }

    static func _numberText(_ v: Double) -> String {
        if v.isNaN { return "(0/0)" }
        if v.isInfinite { return v < 0 ? "-1e999" : "1e999" }
        if v == v.rounded(), Swift.abs(v) < 1e16 {
            let text = String(Int64(v))
            return v.sign == .minus && v == 0 ? "-0" : text
        }
        return v.description
    }

    func _text(_ position: _TextPosition) -> String {
        switch self {
        case .number(let v):
            let text = Self._numberText(v)
            let negative = text.hasPrefix("-") || v.isNaN
            switch position {
            case .top, .term, .exponent: return text
            case .factor, .base: return negative ? "(\(text))" : text
            }
        case .variable(let name):
            return name
        case .function(let f, let x):
            return "\(f.rawValue)(\(x._text(.top)))"
        case .power(let base, let exponent):
            let text = base._text(.base) + "^" + exponent._text(.exponent)
            return position == .base ? "(\(text))" : text
        case .sum(let terms):
            let text: String
            if terms.isEmpty {
                text = "0"
            } else if terms.count == 1 {
                return terms[0]._text(position)
            } else {
                var parts = terms[0]._text(.term)
                for term in terms.dropFirst() {
                    if let positive = term._negatedForPrinting {
                        parts += " - " + positive._text(.term)
                    } else {
                        parts += " + " + term._text(.term)
                    }
                }
                text = parts
            }
            return position == .top ? text : "(\(text))"
        case .product(let factors):
            if factors.isEmpty { return "1" }
            if factors.count == 1 { return factors[0]._text(position) }
            var text = ""
            var rest = factors[...]
            if factors[0] == .number(-1), !factors[1]._isNumber, !factors[1]._isDenominatorFactor {
                text = "-"
                rest = factors.dropFirst()
            }
            var first = true
            for factor in rest {
                if !first, factor._isDenominatorFactor, let (base, m) = factor._denominator {
                    text += "/"
                    text += m == 1 ? base._text(.base) : Expression.power(base, .number(m))._text(.factor)
                } else if first, text.isEmpty, case .number(let v) = factor {
                    text += Self._numberText(v)
                } else {
                    text += (first ? "" : "*") + factor._text(.factor)
                }
                first = false
            }
            return position == .top || position == .term ? text : "(\(text))"
        }
    }

    /// For a term that prints with a leading minus sign inside a sum, the expression whose
    /// text follows ` - ` (so that `negated` of it gives back the term); nil otherwise.
    var _negatedForPrinting: Expression? {
        switch self {
        case .number(let v) where v.sign == .minus && !v.isNaN:
            return .number(-v)
        case .product(let factors):
            guard factors.count >= 2, case .number(let c) = factors[0], c.sign == .minus, !c.isNaN else {
                return nil
            }
            let rest = Array(factors.dropFirst())
            if c == -1, !rest[0]._isNumber, !rest[0]._isDenominatorFactor {
                return rest.count == 1 ? rest[0] : .product(rest)
            }
            return .product([.number(-c)] + rest)
        default:
            return nil
        }
    }
}

