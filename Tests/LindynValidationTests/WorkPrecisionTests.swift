import Foundation
import LindynModels
import LindynReport
import Testing
@testable import LindynValidation

/// The work-precision table measures something: on a shipped grid, for every stepper, the
/// error against the closed form falls as the tolerance tightens and the work rises. (When
/// every output time was landed on, rk8pd took the same ~210 steps at 1e-6, 1e-9 and 1e-12 on
/// this grid, so the work column did not move.)
@Suite struct WorkPrecisionTests {
    @Test func errorFallsAndWorkRisesAlongTheToleranceLadder() throws {
        let g = try builtinGrid("seed-scalar")
        // Four points (the two starts, with and without decay, at x = y = 1) keep this cheap.
        let rows = [0, 1, 2, 3].flatMap { PointRunner.run(g, gridOrder: 0, index: $0).errorRows }
        let table = WorkPrecisionTable.table(fromErrorRows: rows)
        let s = try #require(table.columnIndex(named: "stepper"))
        let tol = try #require(table.columnIndex(named: "epsabs"))
        let err = try #require(table.columnIndex(named: "median_scaled_error"))
        let work = try #require(table.columnIndex(named: "mean_rhs_evaluations"))
        for stepper in g.steppers.map(\.rawValue) {
            let ladder = table.rows.filter { $0[s] == .text(stepper) }
                .compactMap { r -> (tol: Double, error: Double, work: Double)? in
                    guard let t = r[tol].doubleValue, let e = r[err].doubleValue, let w = r[work].doubleValue else { return nil }
                    return (t, e, w)
                }
                .sorted { $0.tol > $1.tol }
            try #require(ladder.count == g.tolerances.count, "\(stepper): \(ladder.count) rungs")
            for (loose, tight) in zip(ladder, ladder.dropFirst()) {
                // Each rung 1000x tighter: the error falls (a factor 2 of slack where it meets
                // the reference's own rounding, about 1e-13 here) and the work rises.
                #expect(tight.error <= max(loose.error, 1e-12), "\(stepper): error \(tight.error) at \(tight.tol) after \(loose.error) at \(loose.tol)")
                #expect(tight.work > loose.work, "\(stepper): work \(tight.work) at \(tight.tol) after \(loose.work) at \(loose.tol)")
            }
            #expect(ladder.last!.error < ladder.first!.error / 100, "\(stepper): \(ladder.map(\.error))")
        }
    }
}
