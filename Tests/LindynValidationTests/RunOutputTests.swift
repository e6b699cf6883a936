import Foundation
import LindynModels
import LindynReport
import Testing
@testable import LindynValidation

/// A run writes its tables from the points it holds in memory, not from the journal read back:
/// both must give the same bytes. `Validation.merge` builds its tables from the journal alone, so
/// a run and the merge of that run must agree file for file (timings included: the merge reads
/// the run's own recorded seconds).
@Suite(.serialized) struct RunOutputTests {
    /// Six cheap points with a descent, NaN-free but with formula, integrator and descent rows,
    /// stiffness analysed, one plotted point.
    static let gridText = """
        {"name": "inmemory", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 400, "points": 81},
         "grid": {"model.s": [1, 2, 3], "model.weight_decay": [0, 0.2]},
         "steppers": ["rk8pd", "msbdf"], "tolerances": [1e-8, 1e-11], "plots": {"trajectories": [1, 4]}}
        """

    @Test func runTablesEqualTheTablesOfItsJournal() throws {
        let g = try grid(Self.gridText)
        let run = temporaryDirectory("run"), merged = temporaryDirectory("merged")
        defer { for d in [run, merged] { try? FileManager.default.removeItem(at: d) } }
        let summary = try Validation.run([g], options: ValidationOptions(outputDirectory: run, plots: true, progress: false, workers: 2))
        #expect(summary.points == 6 && summary.passed)
        _ = try Validation.merge([run], into: merged)
        var compared = 0
        for table in PaperTables.tableNames {
            for ext in ["csv", "md", "json", "tex"] {
                let name = "\(table).\(ext)"
                let a = try Data(contentsOf: run.appendingPathComponent(name)), b = try Data(contentsOf: merged.appendingPathComponent(name))
                #expect(a == b, "\(name) differs between the run and the merge of its journal")
                compared += 1
            }
        }
        let plots = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("plots").path).filter { $0.hasSuffix(".svg") }.sorted()
        #expect(!plots.isEmpty)
        for name in plots {
            // The figures carry the provenance (date, arguments) in their metadata: compare the drawing.
            func drawing(_ d: URL) throws -> String {
                let text = try String(contentsOf: d.appendingPathComponent("plots").appendingPathComponent(name), encoding: .utf8)
                guard let start = text.range(of: "<metadata>"), let end = text.range(of: "</metadata>") else { return text }
                return String(text[..<start.lowerBound] + text[end.upperBound...])
            }
            #expect(try drawing(run) == drawing(merged), "plots/\(name) differs")
            compared += 1
        }
        #expect(compared == 16 + plots.count)
    }

    /// `"stiffness": false` skips the analysis: every row says so, and nothing else changes.
    @Test func stiffnessCanBeTurnedOff() throws {
        let base = #"{"name": "modes", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 1}, "time": {"end": 5, "points": 11}, "grid": {"model.s": [1, 3]}"#
        let on = try grid(base + "}"), off = try grid(base + #", "stiffness": false}"#), explicitOn = try grid(base + #", "stiffness": true}"#)
        #expect(on.stiffness.enabled && explicitOn.stiffness.enabled && !off.stiffness.enabled)
        #expect(off.fingerprint != on.fingerprint)
        for k in 0..<2 {
            let a = PointRunner.run(on, gridOrder: 0, index: k), b = PointRunner.run(off, gridOrder: 0, index: k)
            let verdict = StiffnessTable.index("verdict")
            #expect(a.stiffnessRow[verdict] == .text("not stiff"))
            #expect(b.stiffnessRow[verdict] == .text("not analysed"))
            #expect(b.stiffnessRow[StiffnessTable.index("explicit_steps")] == .missing)
            if case .text(let rule) = b.stiffnessRow[StiffnessTable.index("rule")] { #expect(rule.contains("stiffness")) } else { Issue.record("no rule text") }
            // The error rows do not depend on the analysis (timings aside).
            let seconds = ErrorTable.index("seconds")
            func untimed(_ r: PointResult) -> [[Cell]] { r.errorRows.map { row in var row = row; row[seconds] = .missing; return row } }
            #expect(untimed(a) == untimed(b))
        }
        #expect(throws: ProblemFileError.self) { try grid(base + #", "stiffness": 3}"#) }
    }
}
