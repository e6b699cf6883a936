import Foundation
@testable import LindynExpr

// Foundation declares an `Expression` too; this module-level alias shadows both imports.
typealias Expression = LindynExpr.Expression

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a tiny seeded generator so that every random test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random expressions built with the public operators (so they are flat, like parsed ones).
struct ExpressionGenerator {
    var variables = ["x", "y", "z"]
    var functions = Expression.Function.allCases
    /// Whether to use `f^g` with a non-constant exponent.
    var generalPowers = true

    func leaf(_ rng: inout SplitMix64) -> Expression {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<6:
            return .variable(variables.randomElement(using: &rng)!)
        case 6, 7:
            return .number(Double(Int.random(in: -3...5, using: &rng)))
        case 8:
            return .number([0.5, 2.5, 1e-3, 0.1, 1.5e3, 0.30000000000000004].randomElement(using: &rng)!)
        default:
            return .number(Double.random(in: -4...4, using: &rng))
        }
    }

    func make(depth: Int, _ rng: inout SplitMix64) -> Expression {
        if depth <= 0 || Int.random(in: 0..<5, using: &rng) == 0 { return leaf(&rng) }
        let a = make(depth: depth - 1, &rng)
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1: return a + make(depth: depth - 1, &rng)
        case 2: return a - make(depth: depth - 1, &rng)
        case 3, 4: return a * make(depth: depth - 1, &rng)
        case 5: return a / make(depth: depth - 1, &rng)
        case 6: return -a
        case 7:
            let exponent = [2, 3, -1, -2, 0.5, 1.5, -0.5].randomElement(using: &rng)!
            return pow(a, .number(exponent))
        case 8:
            if generalPowers { return pow(a, make(depth: depth - 1, &rng)) }
            return a * a
        default:
            return .function(functions.randomElement(using: &rng)!, a)
        }
    }
}

/// Equal values, treating any two NaNs as equal (NaN payloads and signs are not compared).
func sameValue(_ a: Double, _ b: Double) -> Bool {
    a == b || (a.isNaN && b.isNaN)
}

func parsed(_ text: String) -> Expression {
    do {
        return try Expression.parse(text)
    } catch {
        fatalError("test input does not parse: \(text): \(error)")
    }
}
