import Foundation

// printf's `%.<p>g`, `%.<p>f` and `%.<p>e` from the shortest round-trip digits of a double (the
// text of `Double.description`) by decimal rounding, without the multi-precision conversion
// that glibc's printf does on every call (about 320 ns a number here, against about 150).
//
// Why rounding the shortest digits S gives printf's answer (which rounds the exact binary value
// x): the two differ only if a rounding boundary B of the output (a decimal with P + 1
// significant digits ending in 5, P the digits kept) lies between x and S, inclusive. Every
// number between x and S reads back as x, since S does, so B would be a candidate of the
// shortest conversion. If S has more than P + 1 digits, B is shorter than S: impossible. If S has
// at most P digits, S and B are at least 0.5 * 10^-(P+1) apart relative to their size, more than
// the width of x's rounding interval (at most 2^-52 relative, for normal numbers) when P <= 14:
// impossible. Only when S has exactly P + 1 digits may B be S itself (a tie, or x just beside one):
// that case, zero, subnormal numbers and P outside 1...14 go to printf (`strfromd`).

enum ShortestDigits {
    /// Room for a formatted result of ``format(_:precision:conversion:into:)``: at most 58 bytes
    /// (sign, 14 integer digits, point and 40 decimals of `%f`; `%e` and `%g` are shorter).
    static let bufferSize = 64

    /// `value` as printf's `%.<precision><conversion>` (conversion `f`, `e` or `g`), written into
    /// `out` (at least ``bufferSize`` bytes), or nil where the shortest digits cannot decide it
    /// (see the file's comment); the caller then asks printf.
    static func format(_ value: Double, precision: Int, conversion: UInt8, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard value.isFinite, value != 0, value.magnitude >= .leastNormalMagnitude, precision >= 0, precision <= 40 else { return nil }
        var shortest = value.description
        return shortest.withUTF8 { format(shortest: $0, of: value, precision: precision, conversion: conversion, into: out) }
    }

    /// ``format(_:precision:conversion:into:)`` given `shortest`, the UTF-8 of
    /// `value.description` already made (for a writer that shares it between formats).
    static func format(
        shortest utf8: UnsafeBufferPointer<UInt8>, of value: Double, precision: Int, conversion: UInt8, into out: UnsafeMutablePointer<UInt8>
    ) -> Int? {
        guard value.isFinite, value != 0, value.magnitude >= .leastNormalMagnitude, precision >= 0, precision <= 40, utf8.count > 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { scratch -> Int? in
            let text = utf8.baseAddress!
            let length = utf8.count
            // Parse: sign, mantissa digits with a point, optional exponent. digits[0..<n] are the
            // significant digits (no leading or trailing zeros); value = 0.d1d2...dn * 10^k.
            let digits = scratch.baseAddress!
            var n = 0
            var i = 0
            var negative = false
            if text[0] == UInt8(ascii: "-") {
                negative = true
                i = 1
            }
            var beforePoint = 0  // mantissa digits before the point
            var leadingZeros = 0  // mantissa zeros before the first nonzero digit
            var seenPoint = false
            var exponent = 0
            while i < length {
                let c = text[i]
                if c == UInt8(ascii: ".") {
                    seenPoint = true
                } else if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                    if !seenPoint { beforePoint += 1 }
                    if n == 0, c == UInt8(ascii: "0") {
                        leadingZeros += 1
                    } else {
                        digits[n] = c - UInt8(ascii: "0")
                        n += 1
                    }
                } else if c == UInt8(ascii: "e") {
                    var j = i + 1
                    var exponentNegative = false
                    if j < length, text[j] == UInt8(ascii: "-") || text[j] == UInt8(ascii: "+") {
                        exponentNegative = text[j] == UInt8(ascii: "-")
                        j += 1
                    }
                    while j < length {
                        exponent = exponent * 10 + Int(text[j] - UInt8(ascii: "0"))
                        j += 1
                    }
                    if exponentNegative { exponent = -exponent }
                    break
                } else {
                    return nil
                }
                i += 1
            }
            while n > 0, digits[n - 1] == 0 { n -= 1 }
            guard n > 0 else { return nil }
            var k = beforePoint - leadingZeros + exponent
            // Significant digits kept.
            let kept: Int
            switch conversion {
            case UInt8(ascii: "e"): kept = precision + 1
            case UInt8(ascii: "g"): kept = max(precision, 1)
            case UInt8(ascii: "f"): kept = k + precision
            default: return nil
            }
            guard kept >= 1, kept <= 14, n != kept + 1 else { return nil }
            if n > kept {
                let up = digits[kept] >= 5
                n = kept
                if up {
                    var j = n - 1
                    while j >= 0, digits[j] == 9 {
                        digits[j] = 0
                        j -= 1
                    }
                    if j >= 0 {
                        digits[j] += 1
                    } else {
                        digits[0] = 1
                        n = 1
                        k += 1
                    }
                }
                while n > 0, digits[n - 1] == 0 { n -= 1 }
            }
            var w = 0
            @inline(__always) func put(_ c: UInt8) {
                out[w] = c
                w += 1
            }
            @inline(__always) func digit(_ index: Int) -> UInt8 {
                index >= 0 && index < n ? UInt8(ascii: "0") + digits[index] : UInt8(ascii: "0")
            }
            func exponentPart(_ x: Int) {
                put(UInt8(ascii: "e"))
                put(x < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                let m = x.magnitude
                if m >= 100 { put(UInt8(ascii: "0") + UInt8(m / 100)) }
                put(UInt8(ascii: "0") + UInt8(m / 10 % 10))
                put(UInt8(ascii: "0") + UInt8(m % 10))
            }
            func integerPart() {
                if k <= 0 {
                    put(UInt8(ascii: "0"))
                } else {
                    for index in 0..<k { put(digit(index)) }
                }
            }
            if negative { put(UInt8(ascii: "-")) }
            switch conversion {
            case UInt8(ascii: "f"):
                integerPart()
                if precision > 0 {
                    put(UInt8(ascii: "."))
                    for j in 0..<precision { put(digit(k + j)) }
                }
            case UInt8(ascii: "e"):
                put(digit(0))
                if precision > 0 {
                    put(UInt8(ascii: "."))
                    for j in 1...precision { put(digit(j)) }
                }
                exponentPart(k - 1)
            default:
                // %g: style f when the exponent X of style e satisfies -4 <= X < P, trailing
                // zeros (and a bare point) removed.
                let x = k - 1
                if x >= -4, x < kept {
                    integerPart()
                    if n > k {
                        put(UInt8(ascii: "."))
                        for index in k..<n { put(digit(index)) }
                    }
                } else {
                    put(digit(0))
                    if n > 1 {
                        put(UInt8(ascii: "."))
                        for index in 1..<n { put(digit(index)) }
                    }
                    exponentPart(x)
                }
            }
            return w
        }
    }
}
