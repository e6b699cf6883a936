import Foundation

/// `text` with the XML special characters `& < > " '` replaced by entities, and characters that
/// XML 1.0 forbids (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF) dropped, so that any
/// string can be put in SVG text or an attribute value.
public func xmlEscape(_ text: String) -> String {
    // Most texts (numbers, colours, labels) need nothing: return them as they are. 0xEF leads
    // the UTF-8 of U+FFFE and U+FFFF.
    let unchanged = text.utf8.allSatisfy { byte in
        byte >= 0x20 ? byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'") && byte != 0xEF
            : byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
    if unchanged { return text }
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
        default:
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// A coordinate or length for SVG: at most two decimals, no trailing zeros. Non-finite input
/// (which callers never pass) prints as `0`, so `nan`/`inf` can never reach the file.
func _svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let clamped = min(max(value, -1e9), 1e9)
    let rounded = (clamped * 100).rounded() / 100
    if rounded == rounded.rounded(.towardZero) {
        let integer = Int(rounded)
        return String(integer == 0 ? 0 : integer)
    }
    var text = CFormat.format(rounded, precision: 2, conversion: "f")
    while text.hasSuffix("0") { text.removeLast() }
    return text
}

/// Estimated width in pixels of `characters` characters of text at `fontSize` (a sans-serif
/// average; used only for layout).
func _textWidth(_ characters: Double, fontSize: Double) -> Double {
    characters * fontSize * 0.6
}

/// Builds SVG markup.
struct _SVG {
    var body = ""

    mutating func raw(_ markup: String) { body += markup + "\n" }

    /// An element with attributes in the order given; `nil` values are left out.
    mutating func element(_ name: String, _ attributes: [(String, String?)], content: String? = nil) {
        body += "<" + name
        for (key, value) in attributes {
            guard let value else { continue }
            body += " \(key)=\"\(xmlEscape(value))\""
        }
        if let content {
            body += ">" + content + "</\(name)>\n"
        } else {
            body += "/>\n"
        }
    }

    /// A text element holding `label` (escaped), with a superscript when the label has one.
    mutating func text(_ label: _Label, x: Double, y: Double, anchor: String, fontSize: Double,
                       rotate: Bool = false, color: String = "#222222", baseline: String? = nil,
                       className: String? = nil)
    {
        var content = xmlEscape(label.base)
        if let superscript = label.superscript {
            content += "<tspan dy=\"-0.5em\" font-size=\"75%\">\(xmlEscape(superscript))</tspan>"
        }
        element("text", [
            ("class", className),
            ("x", _svgNumber(x)), ("y", _svgNumber(y)),
            ("text-anchor", anchor), ("font-size", _svgNumber(fontSize)), ("fill", color),
            ("dominant-baseline", baseline),
            ("transform", rotate ? "rotate(-90 \(_svgNumber(x)) \(_svgNumber(y)))" : nil),
        ], content: content)
    }
}

/// A text label, possibly with a superscript (for powers of ten: base `10`, superscript `−3`).
struct _Label: Hashable, Sendable {
    var base: String
    var superscript: String?

    init(_ base: String, superscript: String? = nil) {
        self.base = base
        self.superscript = superscript
    }

    /// The label as plain text, the superscript written with `^`.
    var plainText: String { superscript.map { "\(base)^\($0)" } ?? base }

    /// Estimated width in pixels.
    func width(fontSize: Double) -> Double {
        _textWidth(Double(base.count) + 0.75 * Double(superscript?.count ?? 0), fontSize: fontSize)
    }
}
