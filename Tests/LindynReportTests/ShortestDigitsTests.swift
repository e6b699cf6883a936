import Foundation
import Testing
@testable import LindynReport

/// printf's fixed, scientific and general conversions made from the shortest digits
/// (`ShortestDigits`) against printf itself (`CFormat.viaPrintf`, glibc's `strfromd` or
/// `String(format:)`).
@Suite struct ShortestDigitsTests {
    /// Doubles spread over every decade the tables meet and beyond: a fixed-seed generator (so a
    /// failure repeats), random mantissas at random exponents, both signs.
    static func samples(_ count: Int) -> [Double] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        return (0..<count).map { _ in
            let mantissa = Double(next() >> 11) / Double(1 << 53)
            let exponent = Int(next() % 61) - 30
            let sign: Double = next() & 1 == 0 ? 1 : -1
            return sign * (1 + 9 * mantissa) * pow(10, Double(exponent))
        }
    }

    /// Values where rounding is decided by a tie or a carry: printf rounds the binary value, and
    /// these sit on or next to a decimal tie at the digits the tables print.
    static let edges: [Double] = [
        0.125, 0.375, 2.5, 0.5, 1.5, 9.5, 0.1234565, 1234565, 9.9999995, 99999.95, 0.95, 0.995, 9.995, 999999.5, 0.0001, 0.00001,
        1e-5, 9.99999e-5, 0.000099999995, 1e15, 1e16, 123456.5, 1.0000005, 0.30000000000000004, 1e-300, 1.7976931348623157e308,
        2.2250738585072014e-308, Double.leastNonzeroMagnitude, -0.0, 0, 1, -1, .pi, -.pi * 1e12, 4.35, 2.675, 1.005,
    ]

    @Test func conversionsMatchPrintf() {
        var mismatches: [String] = []
        var decided = 0
        for value in Self.samples(20000) + Self.edges + Self.edges.map({ -$0 }) {
            for conversion in ["f", "e", "g"] {
                for precision in [0, 1, 2, 3, 4, 5, 6, 9, 13, 14, 15, 17] where !(conversion == "f" && abs(value) > 1e30) {
                    let expected = CFormat.viaPrintf(value, precision: precision, conversion: Character(conversion))
                    #expect(expected == String(format: "%.\(precision)\(conversion)", value))
                    let fast: String? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestDigits.bufferSize) { buffer in
                        ShortestDigits.format(value, precision: precision, conversion: Character(conversion).asciiValue!, into: buffer.baseAddress!).map {
                            String(decoding: UnsafeBufferPointer(rebasing: buffer[..<$0]), as: UTF8.self)
                        }
                    }
                    if let fast {
                        decided += 1
                        if fast != expected, mismatches.count < 20 { mismatches.append("\(value) %.\(precision)\(conversion): \(fast) against \(expected)") }
                    }
                    #expect(CFormat.format(value, precision: precision, conversion: Character(conversion)) == expected)
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        // The fast path must decide most conversions, or it gains nothing.
        #expect(decided > 400_000, "decided \(decided)")
    }

    /// A tie in the shortest digits (one digit beyond the precision, a 5) goes to printf, which
    /// rounds the binary value: 0.125 is exact and rounds to even, 2.675 is below its decimal.
    @Test func tiesAreLeftToPrintf() {
        for (value, precision, conversion) in [(0.125, 2, "g"), (2.675, 2, "f"), (0.1234565, 6, "g"), (2.5, 0, "f")] {
            let fast = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestDigits.bufferSize) { buffer in
                ShortestDigits.format(value, precision: precision, conversion: Character(conversion).asciiValue!, into: buffer.baseAddress!)
            }
            #expect(fast == nil, "\(value) %.\(precision)\(conversion)")
        }
        #expect(CFormat.format(0.125, precision: 2, conversion: "g") == "0.12")
        #expect(CFormat.format(2.675, precision: 2, conversion: "f") == "2.67")
    }
}
