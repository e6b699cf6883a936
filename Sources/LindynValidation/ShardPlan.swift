import Foundation
import LindynIntegrator
import LindynModels
import LindynReport

/// How a validation run splits into shards, and what one point costs in memory: the plan behind
/// a job array (`lindyn cluster submit`). The split is the one `lindyn validate --shard k/n`
/// applies: the points of all grids, in run order, numbered from 0, and shard k holds the
/// positions equal to k - 1 modulo n.
public enum ShardPlan {
    /// What the split needs to know of a grid: its name, version and size.
    public struct GridEntry: Sendable, Hashable {
        /// The grid's name.
        public var name: String
        /// ``ValidationGrid/fingerprint``: journal rows of another version do not count.
        public var fingerprint: String
        /// Its number of points.
        public var points: Int

        /// An entry from its fields.
        public init(name: String, fingerprint: String, points: Int) {
            self.name = name
            self.fingerprint = fingerprint
            self.points = points
        }

        /// The entry of a loaded grid.
        public init(_ grid: ValidationGrid) { self.init(name: grid.name, fingerprint: grid.fingerprint, points: grid.pointCount) }
    }

    /// The points of shard `index` (1-based) of `count`, as (grid position, point index) pairs in
    /// run order.
    public static func points(_ grids: [GridEntry], shard index: Int, of count: Int) -> [(grid: Int, point: Int)] {
        var out: [(Int, Int)] = []
        var position = 0
        for (g, grid) in grids.enumerated() {
            for p in 0..<grid.points {
                if position % count == index - 1 { out.append((g, p)) }
                position += 1
            }
        }
        return out
    }

    /// The number of points of the whole run.
    public static func totalPoints(_ grids: [GridEntry]) -> Int { grids.reduce(0) { $0 + $1.points } }

    /// A fingerprint of one split run: the grids (name, version fingerprint and point count, in
    /// run order) and the shard count. Two runs with the same fingerprint assign the same points
    /// to the same shards, so their journals can be joined.
    public static func fingerprint(_ grids: [GridEntry], shards count: Int) -> String {
        fnv1a(grids.map { "\($0.name):\($0.fingerprint):\($0.points)" }.joined(separator: ";") + "/\(count)")
    }

    /// The journal key (`grid#point#fingerprint`) of a point.
    static func journalKey(_ grid: GridEntry, point: Int) -> String { "\(grid.name)#\(point)#\(grid.fingerprint)" }

    /// Memory held by a process that only starts up (Swift runtime, GSL, OpenBLAS and the parsed
    /// grids), measured at about 30 MB; the estimate allows 64 MiB.
    public static let baseBytes = 64 << 20

    /// An upper estimate of the memory one point holds while it runs, in bytes, with what it is
    /// made of. A point keeps the output rows of its reference integration, its closed form, its
    /// descent and each stepper and tolerance it compares (T output times by 1 + n + m columns
    /// for n state variables and m observables), and, for the implicit steppers, the reference
    /// solver's Jacobian and the stiffness analysis, a few dense n x n matrices at once (GSL's
    /// bsimp and msbdf hold two to three, rk4imp's Newton matrix is (2n)^2, the eigensolver two):
    /// ten n x n matrices are allowed.
    public static func pointMemory(_ grid: ValidationGrid, point index: Int) -> PointMemory {
        guard let point = try? grid.point(index) else { return PointMemory(grid: grid.name, point: index, variables: 0, outputs: 0, bytes: 0) }
        let problem = point.problem
        let n = problem.dynamics.stateNames.count
        let m = problem.dynamics.observableNames.count
        let times = problem.time.outputTimes.count
        let runs = 4 + grid.steppers.count * grid.tolerances.count
        let rows = Double(runs) * Double(times) * Double(1 + n + m) * 8
        let matrices = 10 * Double(n) * Double(n) * 8
        let bytes = rows + matrices
        return PointMemory(grid: grid.name, point: index, variables: n, outputs: times, bytes: bytes >= Double(Int.max / 2) ? Int.max / 2 : Int(bytes))
    }

    /// The largest ``pointMemory(_:point:)`` over the points of a shard set (all of `grids`).
    public static func largestPoint(_ grids: [ValidationGrid]) -> PointMemory? {
        var best: PointMemory?
        for grid in grids {
            for p in 0..<grid.pointCount {
                let m = pointMemory(grid, point: p)
                if best == nil || m.bytes > best!.bytes { best = m }
            }
        }
        return best
    }

    /// An upper estimate of what one task running `workers` points at once holds: the base
    /// process plus `workers` times the largest point.
    public static func taskMemory(_ grids: [ValidationGrid], workers: Int) -> Int {
        let largest = largestPoint(grids)?.bytes ?? 0
        let total = Double(baseBytes) + Double(max(1, workers)) * Double(largest)
        return total >= Double(Int.max / 2) ? Int.max / 2 : Int(total)
    }
}

/// The memory estimate of one grid point (see ``ShardPlan/pointMemory(_:point:)``).
public struct PointMemory: Sendable, Equatable {
    /// The grid's name.
    public var grid: String
    /// The point's index in the grid.
    public var point: Int
    /// State variables of the point's problem.
    public var variables: Int
    /// Output times.
    public var outputs: Int
    /// The estimate, in bytes (an upper bound; see ``ShardPlan/pointMemory(_:point:)``).
    public var bytes: Int
}

/// What one shard's journal holds of the points it should run (see ``ShardPlan/progress(_:grids:shard:of:)``).
public struct ShardProgress: Sendable, Equatable {
    /// Points of the shard.
    public var points: Int
    /// Of those, points in the journal (for this version of their grid).
    public var done: Int
    /// Of the done points, those that did not pass (a comparison failed or a method errored).
    public var failed: Int
    /// Wall time of the done points (the sum of their methods' seconds).
    public var seconds: Double

    /// Whether the shard's run finished: every point journaled and its tables and `run.json`
    /// switched into the directory (what `validate merge` needs).
    public var finished: Bool

    /// Points still to run.
    public var remaining: Int { points - done }
}

extension ShardPlan {
    /// Reads the journals in `directory` (a `lindyn validate --shard index/count` output
    /// directory: its finished run's, and that of a run in progress or interrupted there) and
    /// counts the shard's points they hold. A missing journal counts as no points; rows of other
    /// grids, other versions or other shards are ignored.
    public static func progress(_ directory: URL, grids: [GridEntry], shard index: Int, of count: Int) -> ShardProgress {
        let points = Self.points(grids, shard: index, of: count)
        let wanted = Set(points.map { journalKey(grids[$0.grid], point: $0.point) })
        // The last record of a point counts (as in a resumed run).
        var results: [String: (passed: Bool, seconds: Double)] = [:]
        // A finished run's journal, then that of a run in progress (or interrupted), which
        // continues it in the staging directory.
        let journals = [directory, directory.appendingPathComponent(OutputDirectory.stagingName)].map { $0.appendingPathComponent(Validation.journalName) }
        let rows = journals.flatMap { (try? RowJournal.read($0).rows) ?? [] }
        let s = ErrorTable.index("seconds")
        for row in rows {
            guard let r = PointCodec.point(fromJournalRow: row) else { continue }
            let key = "\(r.grid)#\(r.index)#\(r.fingerprint)"
            guard wanted.contains(key) else { continue }
            results[key] = (r.passed, r.errorRows.compactMap { $0[s].doubleValue }.reduce(0, +))
        }
        let failed = results.values.filter { !$0.passed }.count
        let seconds = results.values.reduce(0) { $0 + $1.seconds }
        let manifest = RunManifest.read(directory)
        let staged = FileManager.default.fileExists(atPath: directory.appendingPathComponent(OutputDirectory.stagingName).path)
        let finished = results.count == points.count && !staged && manifest?.shard?.index == index && manifest?.shard?.count == count
            && manifest.map { $0.grids.map(\.name) == grids.map(\.name) && $0.grids.map(\.fingerprint) == grids.map(\.fingerprint) } == true
        return ShardProgress(points: points.count, done: results.count, failed: failed, seconds: seconds, finished: finished)
    }
}
