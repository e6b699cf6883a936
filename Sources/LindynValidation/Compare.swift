import Foundation
import LindynModels

/// How far one trajectory is from a reference over the compared columns.
public struct Deviation: Sendable, Equatable {
    /// max |x - r|.
    public var maxAbsolute: Double
    /// max |x - r| / |r| over samples with r != 0.
    public var maxRelative: Double
    /// max |x - r| / max|r|, each column scaled by its own largest reference magnitude (at least
    /// 1e-3 of the largest compared column's).
    public var maxScaled: Double
    /// max |x - r| / allowance(r): the pass rule holds when this is at most 1.
    public var ratio: Double
}

/// Comparing one run's trajectory with a reference run's: the shared columns, the output times,
/// the per-column scales and the deviations the pass rules of `Notes/validation.md` act on.
public enum TrajectoryComparison {
    /// The compared columns: the reference's columns other than `t` that `result` also has.
    public static func sharedColumns(_ result: RunResult, _ reference: RunResult) -> [String] {
        reference.columns.dropFirst().filter { result.columns.contains($0) }
    }

    /// True when both results have the same output times (to 1e-9 relative).
    public static func sameTimes(_ a: RunResult, _ b: RunResult) -> Bool {
        guard a.rows.count == b.rows.count else { return false }
        return zip(a.times, b.times).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($0), abs($1)) }
    }

    /// A compared column's reference magnitudes.
    public struct ColumnScale: Sendable {
        /// max |r| over the output times (at least 1e-3 of the largest compared column's).
        public var largest: Double
        /// Growth of the reference from its first output, max(1, max|r| / |r_first|) (1 when it
        /// starts at 0): how much the escape from a small start can amplify an absolute error
        /// made near the start.
        public var growth: Double
    }

    /// The deviation of `result` from `reference` on `columns`, under the pass rule
    /// |x - r| <= allowance(|r|, scale of the column). Nil when the times differ or a column is
    /// missing. A non-finite value gives infinite errors.
    public static func deviation(
        _ result: RunResult, from reference: RunResult, columns: [String], allowance: (Double, ColumnScale) -> Double
    ) -> Deviation? {
        guard !columns.isEmpty, sameTimes(result, reference) else { return nil }
        var d = Deviation(maxAbsolute: 0, maxRelative: 0, maxScaled: 0, ratio: 0)
        var pairs: [([Double], [Double])] = []
        for name in columns {
            guard let x = result.column(name), let r = reference.column(name) else { return nil }
            pairs.append((x, r))
        }
        // A column that stays near zero (a weight no mode uses) is scaled by 1e-3 of the largest
        // compared column, not by its own vanishing size.
        let overall = pairs.map { $0.1.map(abs).max() ?? 0 }.max() ?? 0
        for (x, r) in pairs {
            let own = r.map(abs).max() ?? 0
            let scale = max(own, 1e-3 * overall) > 0 ? max(own, 1e-3 * overall) : 1
            let first = abs(r.first ?? 0)
            let column = ColumnScale(largest: scale, growth: first > 0 ? max(1, own / first) : 1)
            for (xi, ri) in zip(x, r) {
                let e = abs(xi - ri)
                guard e.isFinite else { return Deviation(maxAbsolute: .infinity, maxRelative: .infinity, maxScaled: .infinity, ratio: .infinity) }
                d.maxAbsolute = max(d.maxAbsolute, e)
                if ri != 0 { d.maxRelative = max(d.maxRelative, e / abs(ri)) }
                d.maxScaled = max(d.maxScaled, e / scale)
                d.ratio = max(d.ratio, e / allowance(abs(ri), column))
            }
        }
        return d
    }

    /// The first time the samples cross `target`, by linear interpolation between output times
    /// (so its precision is limited by their spacing); nil when they never do.
    public static func crossingTime(times: [Double], values: [Double], target: Double) -> Double? {
        guard let first = values.first else { return nil }
        if first == target { return times[0] }
        let above = first > target
        for k in 1..<max(1, values.count) {
            let v = values[k]
            if (v > target) != above || v == target {
                let v0 = values[k - 1]
                let f = v == v0 ? 1 : (target - v0) / (v - v0)
                return times[k - 1] + f * (times[k] - times[k - 1])
            }
        }
        return nil
    }

    /// A derived quantity for column `column`: `name_column` if present, else `name` for the
    /// first (or only) compared column.
    public static func derived(_ name: String, for column: String, in result: RunResult, first: Bool) -> Double? {
        if let q = result.derived.first(where: { $0.name == "\(name)_\(column)" }) { return q.value }
        if first, let q = result.derived.first(where: { $0.name == name }) { return q.value }
        return nil
    }

    /// The half-time level of a reference column: half the fixed point when the closed form gives
    /// one (the `half_time` convention, u = a/(2b)), else the midpoint of the reference's first
    /// and last values.
    public static func halfLevel(reference: RunResult, column: String, first: Bool) -> Double? {
        guard let r = reference.column(column), let r0 = r.first, let rEnd = r.last else { return nil }
        if let fp = derived("fixed_point", for: column, in: reference, first: first), fp.isFinite, fp != 0 {
            let level = fp / 2
            if (r0 - level) * (rEnd - level) <= 0 { return level }
        }
        return (r0 + rEnd) / 2
    }
}
