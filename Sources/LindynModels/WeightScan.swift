/// The largest |w_i| of a descent's weights and whether all are finite, accumulated eight lanes
/// at a time. A scalar running maximum is one dependent compare per weight (about 2.5 cycles
/// each, measured on the 256-wide descent); eight independent lanes per vector leave the loops
/// bound by memory. The largest magnitude is max(largest value, -smallest value), exact in any
/// order; x - x is 0 for a finite x and NaN otherwise, so the probe stays 0 only when every
/// weight is finite (a NaN is invisible to the comparisons, an infinity is not).
struct _MagnitudeScan {
    typealias Lanes = SIMD8<Double>
    static let width = Lanes.scalarCount
    private var high = Lanes(repeating: 0)
    private var low = Lanes(repeating: 0)
    private var probe = Lanes(repeating: 0)
    private var highTail = 0.0
    private var lowTail = 0.0
    private var probeTail = 0.0

    @inline(__always)
    mutating func add(_ v: Lanes) {
        high.replace(with: v, where: v .> high)
        low.replace(with: v, where: v .< low)
        probe += v - v
    }

    @inline(__always)
    mutating func add(_ v: Double) {
        highTail = v > highTail ? v : highTail
        lowTail = v < lowTail ? v : lowTail
        probeTail += v - v
    }

    /// max |w_i| over what was added when every value was finite; nil otherwise.
    var largestMagnitude: Double? {
        guard probe.sum() == 0 && probeTail == 0 else { return nil }
        let top = max(high.max(), highTail), bottom = min(low.min(), lowTail)
        return max(top, -bottom)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Double>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }

    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Double>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self) }

    /// Scans `count` values read-only.
    @inline(__always)
    mutating func scan(_ x: UnsafePointer<Double>, count: Int) {
        var i = 0
        while i + Self.width <= count {
            add(Self.load(x + i))
            i += Self.width
        }
        while i < count {
            add(x[i])
            i += 1
        }
    }

    /// w_i <- w_i + (d_i - decay w_i) for i < count, scanning the new values; with decay 0,
    /// w_i + d_i (the same bits: no product is formed).
    @inline(__always)
    mutating func update(_ w: UnsafeMutablePointer<Double>, adding d: UnsafePointer<Double>, decay: Double, count: Int) {
        var i = 0
        if decay == 0 {
            while i + Self.width <= count {
                let v = Self.load(w + i) + Self.load(d + i)
                Self.store(v, w + i)
                add(v)
                i += Self.width
            }
            while i < count {
                let v = w[i] + d[i]
                w[i] = v
                add(v)
                i += 1
            }
        } else {
            while i + Self.width <= count {
                let old = Self.load(w + i)
                let v = old + (Self.load(d + i) - decay * old)
                Self.store(v, w + i)
                add(v)
                i += Self.width
            }
            while i < count {
                let v = w[i] + (d[i] - decay * w[i])
                w[i] = v
                add(v)
                i += 1
            }
        }
    }
}
