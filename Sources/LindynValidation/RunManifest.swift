import Foundation
import LindynReport

/// What a finished `lindyn validate` run wrote into its output directory, as `run.json`: the
/// grids it ran (name, fingerprint, point count, in run order), its shard (if any) and, for a
/// merge accepted with `--allow-partial`, why the set is not one complete run. `validate merge`
/// compares the manifests of the shard directories before joining them.
public struct RunManifest: Sendable, Hashable {
    /// One grid of the run.
    public struct GridEntry: Sendable, Hashable {
        /// The grid's name.
        public var name: String
        /// ``ValidationGrid/fingerprint`` of the version that ran.
        public var fingerprint: String
        /// Its number of points.
        public var points: Int

        /// An entry from its fields.
        public init(name: String, fingerprint: String, points: Int) {
            self.name = name
            self.fingerprint = fingerprint
            self.points = points
        }
    }

    /// The manifest's file name in an output directory.
    public static let fileName = "run.json"

    /// The grids of the whole run (every shard lists all of them), in run order.
    public var grids: [GridEntry]
    /// The shard this directory holds, `k/n`; nil for a whole run.
    public var shard: (index: Int, count: Int)?
    /// Why the tables are not one complete run (empty for a complete run).
    public var partial: [String]
    /// The files of the set, relative to the directory (tables, figures, README, journal, this file).
    public var files: [String]

    /// A manifest from its fields (a whole, complete run by default).
    public init(grids: [GridEntry], shard: (index: Int, count: Int)? = nil, partial: [String] = [], files: [String] = []) {
        self.grids = grids
        self.shard = shard
        self.partial = partial
        self.files = files
    }

    /// The manifest entries of `grids`.
    public init(_ grids: [ValidationGrid], shard: (index: Int, count: Int)?) {
        self.init(grids: grids.map { GridEntry(name: $0.name, fingerprint: $0.fingerprint, points: $0.pointCount) }, shard: shard)
    }

    /// Equal when every field is (the shard tuple compared by its parts).
    public static func == (a: RunManifest, b: RunManifest) -> Bool {
        a.grids == b.grids && a.shard?.index == b.shard?.index && a.shard?.count == b.shard?.count && a.partial == b.partial && a.files == b.files
    }

    /// Hashes every field that ``==(_:_:)`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(grids)
        hasher.combine(shard?.index)
        hasher.combine(shard?.count)
        hasher.combine(partial)
        hasher.combine(files)
    }

    /// The (grid, point) pairs this run or shard covers: the positions, over all grids in order,
    /// that are `index - 1` modulo `count`.
    public var expectedPoints: [(grid: String, point: Int)] {
        var out: [(String, Int)] = []
        var position = 0
        for g in grids {
            for p in 0..<g.points {
                defer { position += 1 }
                if let shard, position % shard.count != shard.index - 1 { continue }
                out.append((g.name, p))
            }
        }
        return out
    }

    var json: JSONValue {
        var o: JSONObject = ["lindyn_run": 1]
        o["shard"] = shard.map { ["index": .integer($0.index), "count": .integer($0.count)] } ?? .null
        o["grids"] = .array(grids.map { ["name": .string($0.name), "fingerprint": .string($0.fingerprint), "points": .integer($0.points)] })
        o["partial"] = .array(partial.map(JSONValue.string))
        o["files"] = .array(files.map(JSONValue.string))
        return .object(o)
    }

    /// Reads `directory/run.json`; nil if there is none or it is not a manifest.
    public static func read(_ directory: URL) -> RunManifest? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = try? readFileCapped(url, limit: 64 << 20), let v = try? JSONValue.parse(String(decoding: data, as: UTF8.self)),
            v["lindyn_run"] != nil, let entries = v["grids"]?.arrayValue
        else { return nil }
        var grids: [GridEntry] = []
        for e in entries {
            guard let name = e["name"]?.stringValue, let f = e["fingerprint"]?.stringValue, case .integer(let n)? = e["points"], n >= 0 else { return nil }
            grids.append(GridEntry(name: name, fingerprint: f, points: n))
        }
        var shard: (Int, Int)?
        if let s = v["shard"], case .integer(let k)? = s["index"], case .integer(let n)? = s["count"] {
            guard n >= 1, (1...n).contains(k) else { return nil }
            shard = (k, n)
        }
        let partial = v["partial"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let files = v["files"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return RunManifest(grids: grids, shard: shard.map { (index: $0.0, count: $0.1) }, partial: partial, files: files)
    }
}

/// The result of checking that a set of shard directories is one complete run of one version
/// of the grids (see ``Validation/checkShards(_:)``).
public struct ShardSetCheck: Sendable {
    /// One directory of the set.
    public struct Shard: Sendable {
        /// The shard's output directory.
        public var directory: URL
        /// Its manifest; nil when the directory holds no finished run.
        public var manifest: RunManifest?
        /// Points the shard should hold that its journal lacks (or holds for another grid version).
        public var missingPoints: Int
    }

    /// Every directory given, in the order given.
    public var shards: [Shard]
    /// The shard count `n` all directories agree on; nil when they disagree or none has one.
    public var shardCount: Int?
    /// The shard indices `k` of `1...n` that no directory holds.
    public var missingShards: [Int]
    /// Every reason the set is not one complete run, one sentence each; empty when it is.
    public var problems: [String]

    /// True when the directories hold exactly one complete run of one version of the grids.
    public var isComplete: Bool { problems.isEmpty }
}

extension Validation {
    /// Checks that `directories` (output directories of `lindyn validate --shard k/n` runs, or of
    /// a whole run) are together one complete run: every directory holds a finished run
    /// (`run.json`), all list the same grids with the same fingerprints and point counts, all
    /// have the same shard count `n`, every shard `1...n` is present once, and each journal holds
    /// every point of its shard for that grid version. Nothing is changed on disk.
    public static func checkShards(_ directories: [URL]) -> ShardSetCheck {
        var shards: [ShardSetCheck.Shard] = []
        var problems: [String] = []
        for d in directories {
            let dir = d.lastPathComponent == journalName ? d.deletingLastPathComponent() : d
            guard let manifest = RunManifest.read(dir) else {
                problems.append("\(dir.path) holds no finished run (no readable \(RunManifest.fileName)); finish it with `lindyn validate ... --resume` or leave it out")
                shards.append(.init(directory: dir, manifest: nil, missingPoints: 0))
                continue
            }
            if !manifest.partial.isEmpty {
                problems.append("\(dir.path) is itself a partial merge (\(manifest.partial.joined(separator: "; ")))")
            }
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(OutputDirectory.stagingName).path) {
                problems.append("\(dir.path) has an unfinished newer run (\(OutputDirectory.stagingName)); finish it with --resume or remove that directory")
            }
            // The journal's points, by grid, point and fingerprint.
            var held = Set<String>()
            if let rows = try? RowJournal.read(dir.appendingPathComponent(journalName)).rows {
                for row in rows {
                    guard row.count == 4, case .text(let g) = row[0], case .integer(let i) = row[1], case .text(let f) = row[2] else { continue }
                    held.insert("\(g)#\(i)#\(f)")
                }
            }
            let fingerprints = Dictionary(manifest.grids.map { ($0.name, $0.fingerprint) }, uniquingKeysWith: { a, _ in a })
            let missing = manifest.expectedPoints.filter { !held.contains("\($0.grid)#\($0.point)#\(fingerprints[$0.grid] ?? "")") }.count
            if missing > 0 {
                problems.append("\(dir.path) lacks \(missing) of the \(manifest.expectedPoints.count) points of its \(manifest.shard.map { "shard \($0.index)/\($0.count)" } ?? "run") in its journal")
            }
            shards.append(.init(directory: dir, manifest: manifest, missingPoints: missing))
        }
        let manifests = shards.compactMap(\.manifest)
        // One version of the grids.
        if let first = manifests.first {
            for (s, m) in zip(shards, shards.map(\.manifest)) {
                guard let m, m.grids != first.grids else { continue }
                let firstDir = shards.first { $0.manifest != nil }!.directory.path
                problems.append("\(s.directory.path) ran other grids than \(firstDir): \(describeDifference(first.grids, m.grids))")
            }
        }
        // One shard count, every shard once.
        let counts = Set(manifests.map { $0.shard?.count ?? 1 })
        var shardCount: Int?
        var missingShards: [Int] = []
        if counts.count > 1 {
            let listed = zip(shards, shards.map(\.manifest)).compactMap { s, m in m.map { "\(s.directory.lastPathComponent): \($0.shard.map { "\($0.index)/\($0.count)" } ?? "whole run")" } }
            problems.append("the directories come from runs split into different numbers of shards (\(listed.joined(separator: ", "))); merge the shards of one run")
        } else if let n = counts.first {
            shardCount = n
            var byIndex: [Int: [String]] = [:]
            for (s, m) in zip(shards, shards.map(\.manifest)) {
                guard let m else { continue }
                byIndex[m.shard?.index ?? 1, default: []].append(s.directory.path)
            }
            for (k, dirs) in byIndex.sorted(by: { $0.key < $1.key }) where dirs.count > 1 {
                problems.append("shard \(k)/\(n) is given \(dirs.count) times (\(dirs.joined(separator: ", ")))")
            }
            missingShards = (1...n).filter { byIndex[$0] == nil }
            if !missingShards.isEmpty {
                problems.append("shard\(missingShards.count == 1 ? "" : "s") \(missingShards.map { "\($0)/\(n)" }.joined(separator: ", ")) \(missingShards.count == 1 ? "is" : "are") missing")
            }
        }
        if directories.isEmpty { problems.append("no shard directories given") }
        return ShardSetCheck(shards: shards, shardCount: shardCount, missingShards: missingShards, problems: problems)
    }

    static func describeDifference(_ a: [RunManifest.GridEntry], _ b: [RunManifest.GridEntry]) -> String {
        let byName = Dictionary(a.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        var parts: [String] = []
        for g in b {
            guard let o = byName[g.name] else {
                parts.append("grid '\(g.name)' is not in the other run")
                continue
            }
            if o.fingerprint != g.fingerprint { parts.append("grid '\(g.name)' is another version (fingerprint \(g.fingerprint), not \(o.fingerprint))") }
            else if o.points != g.points { parts.append("grid '\(g.name)' has \(g.points) points, not \(o.points)") }
        }
        for g in a where !b.contains(where: { $0.name == g.name }) { parts.append("grid '\(g.name)' is missing") }
        if parts.isEmpty { parts.append("the grids are in another order") }
        return parts.joined(separator: "; ")
    }
}
