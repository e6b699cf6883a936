import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One double in C's `%.<precision>f`, `%.<precision>e` or `%.<precision>g`: exactly the text of
/// `printf` (and of Foundation's `String(format:)`), without a variadic call, and where it can
/// without printf's conversion at all: from the shortest digits (``ShortestDigits``). Tables format
/// every number this way, so the per-call cost shows: `String(format:)` goes through
/// CoreFoundation's format parser, and even `vsnprintf` needs a `CVaListPointer`, which Swift builds
/// in a heap-allocated object per call. glibc's `strfromd` (ISO/IEC TS 18661-1) takes the double
/// directly and shares printf's conversion code; it is looked up once, and where it is missing
/// (macOS) the variadic path is used.
enum CFormat {
    typealias StrFromD = @convention(c) (UnsafeMutablePointer<CChar>?, Int, UnsafePointer<CChar>?, Double) -> Int32

    static let strfromdFunction: StrFromD? = {
        #if os(Linux)
        // A null handle is RTLD_DEFAULT: the symbol as the program's libraries define it.
        guard let symbol = dlsym(nil, "strfromd") else { return nil }
        return unsafeBitCast(symbol, to: StrFromD.self)
        #else
        return nil
        #endif
    }()

    /// `value` formatted as `%.<precision><conversion>`, conversion one of `f`, `e`, `g`.
    static func format(_ value: Double, precision: Int, conversion: Character) -> String {
        precondition(conversion == "f" || conversion == "e" || conversion == "g", "conversion \(conversion)")
        let fast: String? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestDigits.bufferSize) { buffer in
            ShortestDigits.format(value, precision: precision, conversion: conversion.asciiValue!, into: buffer.baseAddress!).map {
                String(decoding: UnsafeBufferPointer(rebasing: buffer[..<$0]), as: UTF8.self)
            }
        }
        if let fast { return fast }
        return viaPrintf(value, precision: precision, conversion: conversion)
    }

    /// ``format(_:precision:conversion:)`` by printf's own conversion (`strfromd`), as the
    /// reference and for the cases the shortest digits do not decide.
    static func viaPrintf(_ value: Double, precision: Int, conversion: Character) -> String {
        if let strfromd = strfromdFunction, (0...40).contains(precision) {
            let text: String? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
                // "%.<precision><conversion>\0" at the end of the buffer, the output at its start.
                var spec: [CChar] = [37, 46]  // "%."
                if precision >= 10 { spec.append(CChar(48 + precision / 10)) }
                spec.append(CChar(48 + precision % 10))
                spec.append(CChar(conversion.asciiValue!))
                spec.append(0)
                let out = buffer.baseAddress!
                let capacity = buffer.count - 8
                for (k, c) in spec.enumerated() { out[capacity + k] = c }
                let written = strfromd(out, capacity, out + capacity, value)
                guard written > 0, written < capacity else { return nil }
                return String(decoding: UnsafeRawBufferPointer(start: out, count: Int(written)), as: UTF8.self)
            }
            if let text { return text }
        }
        return String(format: "%.\(precision)\(conversion)", value)
    }
}
