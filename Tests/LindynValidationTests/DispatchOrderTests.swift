import Foundation
import LindynModels
import Testing
@testable import LindynValidation

/// The workers take the points of small grids first (where the expensive points are), so that
/// cheap points fill the end of a run. The order must change nothing but the order of the
/// journal's rows.
@Suite struct DispatchOrderTests {
    @Test func smallGridsFirstAndRunOrderWithinASize() {
        // Five pending points: two of a 5-point grid, two of a 2-point grid, one of a 3-point grid.
        let order = Validation.dispatchOrder([5, 5, 2, 2, 3])
        #expect(order == [2, 3, 4, 0, 1])
        // A permutation for any sizes, sorted by size with ties in run order.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let sizes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in Int.random(in: 1...6, using: &generator) }
            let o = Validation.dispatchOrder(sizes)
            #expect(o.sorted() == Array(sizes.indices))
            #expect(zip(o, o.dropFirst()).allSatisfy { (sizes[$0], $0) < (sizes[$1], $1) })
        }
        #expect(Validation.dispatchOrder([]).isEmpty)
    }

    /// A large cheap grid listed before a small one: the tables of two workers (which take the
    /// small grid's points first) equal those of one worker, wall-time columns aside.
    @Test func tablesDoNotDependOnTheOrder() throws {
        let many = try grid("""
            {"name": "many", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 200, "points": 21},
             "grid": {"model.s": [1, 1.5, 2, 2.5, 3, 3.5]}, "steppers": ["rk8pd"], "tolerances": [1e-8]}
            """)
        let few = try grid("""
            {"name": "few", "model": {"kind": "mode", "s": 3, "u0": 0.01, "tau": 100}, "time": {"end": 200, "points": 21},
             "grid": {"model.weight_decay": [0, 0.1]}, "steppers": ["msbdf", "rk8pd"], "tolerances": [1e-8, 1e-10]}
            """)
        let one = temporaryDirectory("order-1"), two = temporaryDirectory("order-2")
        defer { for d in [one, two] { try? FileManager.default.removeItem(at: d) } }
        for (directory, workers) in [(one, 1), (two, 2)] {
            let summary = try Validation.run([many, few], options: ValidationOptions(outputDirectory: directory, plots: false, progress: false, workers: workers))
            #expect(summary.points == 8 && summary.passed)
        }
        for name in ["errors.csv", "summary.csv", "stiffness.csv"] {
            let a = try csvWithoutTimes(one.appendingPathComponent(name)), b = try csvWithoutTimes(two.appendingPathComponent(name))
            #expect(!a.isEmpty && a == b, "\(name) differs between one and two workers")
        }
        // The rows name the grids in run order: "many" before "few".
        let errors = try String(contentsOf: two.appendingPathComponent("errors.csv"), encoding: .utf8)
        let m = errors.range(of: "\nmany,"), f = errors.range(of: "\nfew,")
        #expect(m != nil && f != nil && m!.lowerBound < f!.lowerBound)
    }
}
