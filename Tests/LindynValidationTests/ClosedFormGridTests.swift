import Foundation
import LindynModels
import LindynReport
import Testing
@testable import LindynValidation

/// The validation grids for every closed form of the theory (scalar balanced and unbalanced,
/// Saxe modes across s, u0 and weight decay, deep modes D = 2..10, full-matrix networks of depth
/// 2 to 4, dropout standard and inverted with Monte-Carlo descent, DAE and WDAE). The fast tier
/// runs each grid reduced (first and last value of each axis, two steppers, the tightest
/// tolerance); `LINDYN_VALIDATION=full` runs every shipped grid in full.
///
/// Reference values: the closed forms of `Formula.evaluate` (LindynTheory), checked at every point
/// against an rk8pd integration at epsabs = epsrel = 1e-13 with |x - r| <= 1e-7 |r| + 1e-9 max|r|
/// (the integration's own error is far below that; the closed forms invert t(u) to ~1e-12).
@Suite struct ClosedFormGridTests {
    static let full = ProcessInfo.processInfo.environment["LINDYN_VALIDATION"] == "full"

    @Test(arguments: BuiltinGrids.closedFormNames)
    func reducedGridPasses(name: String) throws {
        let g = try builtinGrid(name)
        let reduced = Self.full ? g : g.reduced()
        var worst: [String: Double] = [:]
        for index in 0..<reduced.pointCount {
            let r = PointRunner.run(reduced, gridOrder: 0, index: index)
            #expect(r.passed, "\(name) #\(index): \(r.errorRows.filter { ErrorTable.failingStatuses.contains(Validation.text(cell($0, "status"))) }.map { "\(Validation.text(cell($0, "method"))) \(Validation.text(cell($0, "stepper"))) \(Validation.text(cell($0, "status"))) \(Validation.text(cell($0, "message")))" })")
            // Every point of a closed-form grid has its closed form evaluated and checked.
            if g.compare.requireFormula {
                let f = try #require(r.rows("formula").first)
                #expect(cell(f, "status") == .text("pass"), "\(name) #\(index): formula \(Validation.text(cell(f, "message")))")
                #expect(number(f, "max_scaled_error") != nil)
            }
            for method in ["formula", "integrator", "descent"] {
                for row in r.rows(method) where cell(row, "status") != .text("known_fail") {
                    if let e = number(row, "max_scaled_error") { worst[method] = max(worst[method] ?? 0, e) }
                }
            }
        }
        print("closed-form grid \(name)\(Self.full ? "" : " (reduced)"): \(reduced.pointCount) points; worst scaled errors \(worst.sorted { $0.key < $1.key }.map { "\($0.key) \(shortNumber($0.value))" }.joined(separator: ", "))")
    }

    /// The full tier also runs the stiff grids (their references are closed forms or tight
    /// integrations).
    @Test(.enabled(if: full), arguments: BuiltinGrids.files.map(\.name).filter { !BuiltinGrids.closedFormNames.contains($0) })
    func stiffGridPasses(name: String) throws {
        let g = try builtinGrid(name)
        for index in 0..<g.pointCount {
            let r = PointRunner.run(g, gridOrder: 0, index: index)
            #expect(r.passed, "\(name) #\(index)")
        }
    }

    /// The compiled-in grids are the files of Validation/grids/, and every file is compiled in.
    @Test func builtinGridsMatchTheFiles() throws {
        let directory = repositoryRoot.appendingPathComponent("Validation/grids")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(BuiltinGrids.files.map(\.name)))
        for (name, text) in BuiltinGrids.files {
            let onDisk = try InputJSON.parse(contentsOf: directory.appendingPathComponent(name + ".json"))
            #expect(try InputJSON.parse(text) == onDisk, "Validation/grids/\(name).json differs from the compiled-in grid")
        }
        // Every point of every shipped grid loads.
        #expect(try BuiltinGrids.grids().reduce(0) { $0 + $1.pointCount } > 80)
    }
}
