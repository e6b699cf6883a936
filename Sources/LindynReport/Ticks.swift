import Foundation

/// A tick on an axis: its value, and a label for major ticks (`nil` for minor ticks).
struct _Tick: Hashable, Sendable {
    var value: Double
    var label: _Label?
}

/// The minus sign for labels (U+2212), typographically matched to the digits.
let _minus = "\u{2212}"

enum _Ticks {
    /// The step of "nice" ticks on `[low, high]`: the smallest 1, 2 or 5 times a power of ten
    /// that puts at most `maxTicks` multiples of itself in the range.
    static func niceStep(low: Double, high: Double, maxTicks: Int = 7) -> Double {
        let span = high - low
        guard span > 0, span.isFinite else { return 1 }
        let limit = Double(max(2, maxTicks))
        var magnitude = pow(10, log10(span / limit).rounded(.down))
        while true {
            for factor in [1.0, 2, 5] {
                let step = factor * magnitude
                let count = (high / step + 1e-9).rounded(.down) - (low / step - 1e-9).rounded(.up) + 1
                if count <= limit { return step }
            }
            magnitude *= 10
        }
    }

    /// Major ticks on a linear axis: the multiples of ``niceStep(low:high:maxTicks:)`` in
    /// `[low, high]`, labelled; with `minor`, unlabelled ticks at a fifth (or, for steps of 2, a
    /// quarter) of the step.
    static func linear(low: Double, high: Double, maxTicks: Int = 7, minor: Bool = false) -> [_Tick] {
        guard low.isFinite, high.isFinite, high > low else { return [] }
        let step = niceStep(low: low, high: high, maxTicks: maxTicks)
        let slack = step * 1e-9
        let first = (low / step - 1e-9).rounded(.up)
        let last = (high / step + 1e-9).rounded(.down)
        guard last >= first, last - first < 1000 else { return [] }
        var ticks: [_Tick] = []
        let maxAbs = max(abs(first * step), abs(last * step))
        for k in Int(first)...Int(last) {
            var value = Double(k) * step
            if abs(value) < slack { value = 0 }
            ticks.append(_Tick(value: value, label: linearLabel(value, step: step, maxAbs: maxAbs)))
        }
        if minor {
            let mantissa = (step / pow(10, log10(step).rounded(.down))).rounded()
            let minorStep = step / (mantissa == 2 ? 4 : 5)
            let firstMinor = (low / minorStep - 1e-9).rounded(.up)
            let lastMinor = (high / minorStep + 1e-9).rounded(.down)
            if lastMinor >= firstMinor, lastMinor - firstMinor < 5000 {
                for k in Int(firstMinor)...Int(lastMinor) {
                    let value = Double(k) * minorStep
                    let ratio = value / step
                    if abs(ratio - ratio.rounded()) > 1e-6 { ticks.append(_Tick(value: value, label: nil)) }
                }
            }
        }
        return ticks
    }

    /// The label of `value` on a linear axis of ticks `step` apart: fixed decimals matching the
    /// step (`0.0`, `0.5`, `200`), or `m×10^e` when the axis is very large or very small.
    static func linearLabel(_ value: Double, step: Double, maxAbs: Double) -> _Label {
        let stepExponent = Int(log10(step).rounded(.down))
        if maxAbs >= 1e5 || maxAbs < 1e-3 {
            if value == 0 { return _Label("0") }
            let exponent = Int(log10(abs(value)).rounded(.down))
            let mantissa = value / pow(10, Double(exponent))
            let decimals = min(6, max(0, exponent - stepExponent))
            var text = CFormat.format(mantissa, precision: decimals, conversion: "f")
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            let power = signed(exponent)
            if text == "1" { return _Label("10", superscript: power) }
            if text == "-1" { return _Label(_minus + "10", superscript: power) }
            return _Label(signed(text) + "\u{D7}10", superscript: power)
        }
        let decimals = max(0, -stepExponent)
        return _Label(signed(CFormat.format(value, precision: decimals, conversion: "f")))
    }

    /// Ticks on a base-10 log axis over `[low, high]` (both positive): labelled decades `10^k`,
    /// thinned (every second, third, … decade) to at most `maxTicks` labels; with `minor`,
    /// unlabelled ticks at 2…9 × 10^k (or, when decades are thinned, at the
    /// unlabelled decades). A range holding fewer than two decades gets labelled ticks
    /// at 1, 2 and 5 (or 1…9) times powers of ten instead.
    static func log(low: Double, high: Double, maxTicks: Int = 10, minor: Bool = false) -> [_Tick] {
        guard low > 0, high > low, low.isFinite, high.isFinite else { return [] }
        let lowExponent = log10(low)
        let highExponent = log10(high)
        let firstDecade = Int((lowExponent - 1e-9).rounded(.up))
        let lastDecade = Int((highExponent + 1e-9).rounded(.down))
        let inRange = { (value: Double) in value >= low * (1 - 1e-12) && value <= high * (1 + 1e-12) }
        var ticks: [_Tick] = []
        if lastDecade - firstDecade + 1 >= 2 {
            let count = lastDecade - firstDecade + 1
            let stride = max(1, Int((Double(count) / Double(max(2, maxTicks))).rounded(.up)))
            for exponent in firstDecade...lastDecade {
                if exponent % stride == 0 {
                    ticks.append(_Tick(value: pow(10, Double(exponent)), label: _Label("10", superscript: signed(exponent))))
                } else if minor {
                    ticks.append(_Tick(value: pow(10, Double(exponent)), label: nil))
                }
            }
            if minor && stride == 1 {
                for exponent in (firstDecade - 1)...lastDecade {
                    for factor in 2...9 {
                        let value = Double(factor) * pow(10, Double(exponent))
                        if inRange(value) { ticks.append(_Tick(value: value, label: nil)) }
                    }
                }
            }
            return ticks
        }
        let startExponent = Int(lowExponent.rounded(.down))
        let endExponent = Int(highExponent.rounded(.down))
        for factors in [[1.0, 2, 5], [1.0, 2, 3, 4, 5, 6, 7, 8, 9]] {
            ticks = []
            for exponent in startExponent...endExponent {
                for factor in factors {
                    let value = factor * pow(10, Double(exponent))
                    if inRange(value) { ticks.append(_Tick(value: value, label: logLabel(value))) }
                }
            }
            if ticks.count >= 3 { break }
        }
        return ticks
    }

    /// A label for a tick `f × 10^k` on a short log axis: plain decimals between 0.001 and 99999,
    /// else `f×10^k`.
    static func logLabel(_ value: Double) -> _Label {
        let exponent = Int(log10(value).rounded(.down))
        let factor = (value / pow(10, Double(exponent))).rounded()
        if exponent >= -3 && exponent < 5 {
            return _Label(CFormat.format(value, precision: max(0, -exponent), conversion: "f"))
        }
        if factor == 1 { return _Label("10", superscript: signed(exponent)) }
        return _Label("\(Int(factor))\u{D7}10", superscript: signed(exponent))
    }

    /// Compact text for a value (heatmap axes and cells): `%.Ng` with a true minus sign.
    static func compact(_ value: Double, digits: Int = 3) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? _minus + "\u{221E}" : "\u{221E}" }
        let text = CFormat.format(value, precision: digits, conversion: "g")
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else {
            return signed(text)
        }
        return signed(String(text[..<e])) + "e" + signed(exponent)
    }

    static func signed(_ exponent: Int) -> String { signed(String(exponent)) }

    /// Replaces a leading hyphen-minus by U+2212; `-0` becomes `0`.
    static func signed(_ text: String) -> String {
        guard text.hasPrefix("-") else { return text }
        let rest = text.dropFirst()
        if rest.allSatisfy({ $0 == "0" || $0 == "." }) { return String(rest) }
        return _minus + rest
    }
}
