/// Recursive-descent parser for the expression grammar of the problem files:
///
///     expression := term (('+' | '-') term)*
///     term       := unary (('*' | '/') unary)*
///     unary      := '-' unary | power
///     power      := primary ('^' unary)?          // right-associative, binds tightest
///     primary    := number | name | function '(' expression ')' | '(' expression ')'
///     number     := digits ['.' digits] | '.' digits, then optionally [eE] [+-] digits
///     name       := [A-Za-z_] [A-Za-z0-9_]*
///
/// So `-x^2` is `-(x^2)`, `2^3^2` is `2^(3^2)` and `2^-1` is `2^(-1)`. Literals too large
/// for a Double become infinity, as in IEEE arithmetic. Spaces, tabs and newlines separate
/// tokens. Positions count characters (grapheme clusters) from 0.
struct _Parser {
    enum Token: Equatable {
        case number(Double, String)
        case name(String)
        case symbol(Character)  // + - * / ^ ( )
        case invalid(Character)
        case end

        var found: String {
            switch self {
            case .number(_, let text): return "'\(text)'"
            case .name(let n): return "'\(n)'"
            case .symbol(let c), .invalid(let c): return "'\(c)'"
            case .end: return "end of input"
            }
        }
    }

    /// Deepest nesting of parentheses, unary minus and exponents accepted; deeper input is a
    /// parse error rather than a stack overflow.
    static let maximumDepth = 256

    let chars: [Character]
    var index = 0
    var token: Token = .end
    var tokenStart = 0
    var depth = 0

    init(_ text: String) {
        chars = Array(text)
        advance()
    }

    static func isNameStart(_ c: Character) -> Bool {
        c == "_" || (c.isASCII && c.isLetter)
    }

    static func isNameChar(_ c: Character) -> Bool {
        isNameStart(c) || (c.isASCII && c.isNumber)
    }

    static func isDigit(_ c: Character) -> Bool {
        c.isASCII && c.isNumber
    }

    mutating func advance() {
        while index < chars.count, chars[index] == " " || chars[index] == "\t"
            || chars[index] == "\n" || chars[index] == "\r" || chars[index] == "\r\n"
        {
            index += 1
        }
        tokenStart = index
        guard index < chars.count else {
            token = .end
            return
        }
        let c = chars[index]
        if Self.isDigit(c) || (c == "." && index + 1 < chars.count && Self.isDigit(chars[index + 1])) {
            lexNumber()
        } else if Self.isNameStart(c) {
            var end = index
            while end < chars.count, Self.isNameChar(chars[end]) { end += 1 }
            token = .name(String(chars[index..<end]))
            index = end
        } else if "+-*/^()".contains(c) {
            token = .symbol(c)
            index += 1
        } else {
            token = .invalid(c)
            index += 1
        }
    }

    mutating func lexNumber() {
        var end = index
        while end < chars.count, Self.isDigit(chars[end]) { end += 1 }
        if end < chars.count, chars[end] == "." {
            end += 1
            while end < chars.count, Self.isDigit(chars[end]) { end += 1 }
        }
        if end < chars.count, chars[end] == "e" || chars[end] == "E" {
            var k = end + 1
            if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
            if k < chars.count, Self.isDigit(chars[k]) {
                while k < chars.count, Self.isDigit(chars[k]) { k += 1 }
                end = k
            }
        }
        let text = String(chars[index..<end])
        // Only ASCII digits, '.', 'e', and signs reach here, so Double(_:) always succeeds;
        // "1." and ".5" are valid Swift double syntax as well.
        token = .number(Double(text) ?? .nan, text)
        index = end
    }

    func error(_ expected: String) -> ExpressionParseError {
        ExpressionParseError(position: tokenStart, expected: expected, found: token.found)
    }

    mutating func expect(_ symbol: Character) throws(ExpressionParseError) {
        guard token == .symbol(symbol) else { throw error("'\(symbol)'") }
        advance()
    }

    mutating func enter() throws(ExpressionParseError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw error("an expression nested at most \(Self.maximumDepth) levels deep")
        }
    }

    mutating func parseAll() throws(ExpressionParseError) -> Expression {
        let e = try parseExpression()
        guard token == .end else { throw error("an operator or end of input") }
        return e
    }

    mutating func parseExpression() throws(ExpressionParseError) -> Expression {
        var terms = [try parseTerm()]
        while true {
            if token == .symbol("+") {
                advance()
                terms.append(try parseTerm())
            } else if token == .symbol("-") {
                advance()
                terms.append(Expression.negated(try parseTerm()))
            } else {
                break
            }
        }
        return Expression.sum(of: terms)
    }

    mutating func parseTerm() throws(ExpressionParseError) -> Expression {
        let first = try parseUnary()
        guard token == .symbol("*") || token == .symbol("/") else { return first }
        // The factors are collected in one list (the same flat product as `e * x` and `e / x`
        // applied in turn, without copying the product at every operator).
        var factors = first._factors
        while true {
            if token == .symbol("*") {
                advance()
                factors += try parseUnary()._factors
            } else if token == .symbol("/") {
                advance()
                factors += Expression._reciprocal(try parseUnary())._factors
            } else {
                break
            }
        }
        return Expression.product(of: factors)
    }

    mutating func parseUnary() throws(ExpressionParseError) -> Expression {
        guard token == .symbol("-") else { return try parsePower() }
        try enter()
        advance()
        let operand = try parseUnary()
        depth -= 1
        return Expression.negated(operand)
    }

    mutating func parsePower() throws(ExpressionParseError) -> Expression {
        let base = try parsePrimary()
        guard token == .symbol("^") else { return base }
        try enter()
        advance()
        let exponent = try parseUnary()
        depth -= 1
        return .power(base, exponent)
    }

    mutating func parsePrimary() throws(ExpressionParseError) -> Expression {
        switch token {
        case .number(let v, _):
            advance()
            return .number(v)
        case .name(let name):
            let start = tokenStart
            advance()
            if let f = Expression.Function(rawValue: name) {
                guard token == .symbol("(") else { throw error("'(' after function name '\(name)'") }
                return .function(f, try parseParenthesized())
            }
            if token == .symbol("(") {
                throw ExpressionParseError(
                    position: start,
                    expected: "one of the functions "
                        + Expression.Function.allCases.map(\.rawValue).joined(separator: " "),
                    found: "unknown function '\(name)'")
            }
            return .variable(name)
        case .symbol("("):
            return try parseParenthesized()
        default:
            throw error("an operand")
        }
    }

    mutating func parseParenthesized() throws(ExpressionParseError) -> Expression {
        try enter()
        try expect("(")
        let e = try parseExpression()
        try expect(")")
        depth -= 1
        return e
    }
}

extension Expression {
    /// Parses the expression language of the problem files: numbers (`1`, `2.5`, `1e-3`,
    /// `.5`), names (letters, digits and `_`, not starting with a digit), `+ - * / ^`, unary
    /// minus, parentheses and the functions of ``Function`` (the grammar is spelled out on
    /// `_Parser`). `^` binds tightest and is right-associative, `-x^2` is `-(x^2)`, and `2^-1`
    /// is `2^(-1)`. A name followed by `(` must be a known function. There are no built-in
    /// constants. The result is flat but not simplified; `description` prints it back to
    /// text that parses to an equal value.
    ///
    /// - Throws: ``ExpressionParseError`` with the position and what was expected there.
    public static func parse(_ text: String) throws(ExpressionParseError) -> Expression {
        var parser = _Parser(text)
        return try parser.parseAll()
    }
}
