import Foundation
import LindynTheory
import Testing

@testable import LindynModels

/// The Lampinen-Ganguli large-N train and test curves against the exact finite-size curves of
/// the same data set (an N-1-N student, rank-1 teacher sbar = 3, A = 1, u0 = 1e-3): the worst
/// scaled deviation over the curve, averaged over fixed seeds, must shrink as N grows. No
/// tolerance is fixed: the theory is asymptotic (O(N^-1/2) for one data set, from the
/// fluctuations of the outlier and its overlap), so only the trend is asserted.
@Suite("Large-N teacher-student curves converge to the exact ones")
struct LargeNConvergenceTests {
    static func curveError(_ n: Int, seeds: Int) throws -> (test: Double, train: Double) {
        var test = 0.0, train = 0.0
        for seed in 1...seeds {
            let problem = try Problem.load(text: """
                {"model": {"kind": "network", "widths": [\(n), 1, \(n)], "data": {"teacher": {"singular_values": [3]}, "seed": \(seed)},
                           "init": {"u0": 0.001}, "tau": 1},
                 "time": {"end": 15, "points": 31}}
                """)
            let f = try Formula.evaluate(problem)
            func scaled(_ a: String, _ b: String) throws -> Double {
                let x = try #require(f.column(a)), r = try #require(f.column(b))
                return zip(x, r).map { abs($0 - $1) }.max()! / r.map(abs).max()!
            }
            test += try scaled("test_error_large_n", "test_error") / Double(seeds)
            train += try scaled("train_error_large_n", "train_error") / Double(seeds)
        }
        return (test, train)
    }

    @Test("train and test curves, N = 25 and 100, 8 seeds")
    func curvesConverge() throws {
        let e = try [25, 100].map { try Self.curveError($0, seeds: 8) }
        #expect(e[1].test < e[0].test && e[1].train < e[0].train, "\(e)")
    }

    @Test("train and test curves, N = 50, 200, 800, 4 seeds", .enabled(if: ProcessInfo.processInfo.environment["LINDYN_VALIDATION"] == "full"))
    func curvesConvergeLarge() throws {
        let e = try [50, 200, 800].map { try Self.curveError($0, seeds: 4) }
        print("large-N curve errors (test, train) at N = 50, 200, 800: \(e)")
        #expect(e[1].test < e[0].test && e[2].test < e[1].test, "\(e)")
        #expect(e[1].train < e[0].train && e[2].train < e[1].train, "\(e)")
    }
}
