import Foundation
import LindynModels
import LindynReport
import Testing
@testable import LindynValidation

/// The shipped generalisation grids (`Validation/generalisation/`) run point by point as
/// `lindyn validate` runs them. The default tier runs a reduced version of each (fewer axis
/// values); `LINDYN_VALIDATION=full` runs every point. Nothing here is a stored number: each
/// test asserts a pass rule of the grid or a trend the theory predicts (see
/// `Notes/generalisation.md`).
@Suite struct GeneralisationGridTests {
    static let full = ProcessInfo.processInfo.environment["LINDYN_VALIDATION"] == "full"

    static func shipped(_ name: String) throws -> ValidationGrid {
        try ValidationGrid.load(contentsOf: repositoryRoot.appendingPathComponent("Validation/generalisation/\(name).json"))
    }

    /// The grid with some axes cut to the listed values (by index).
    static func subset(_ g: ValidationGrid, _ keep: [String: [Int]]) -> ValidationGrid {
        var g = g
        g.axes = g.axes.map { axis in
            guard let k = keep[axis.name] else { return axis }
            return GridAxis(paths: axis.paths, values: k.map { axis.values[$0] })
        }
        return g
    }

    /// Runs every point; the default tier compares one stepper at the tightest tolerance.
    static func run(_ g: ValidationGrid) -> [PointResult] {
        var g = g
        if !full {
            g.steppers = [g.steppers[0]]
            g.tolerances = [g.tolerances.min { $0.absolute + $0.relative < $1.absolute + $1.relative }!]
        }
        return (0..<g.pointCount).map { PointRunner.run(g, gridOrder: 0, index: $0) }
    }

    static func value(_ r: PointResult, _ column: String) -> Double? { r.generalisationRow?[GeneralisationTable.index(column)].doubleValue }

    /// Advani-Saxe: every point passes (flow, descent and the exact formula on both errors, the
    /// large-N theory within its allowance); the large-N test error at convergence is infinite at
    /// alpha = 1 and finite on either side; this data set's exact value peaks there too; early
    /// stopping removes the peak: the large-N early-stopped error falls monotonically with alpha,
    /// and at every point the early-stopped error is below the converged one.
    @Test func advaniSaxePeakAndEarlyStopping() throws {
        var g = try Self.shipped("advani-saxe")
        if !Self.full { g = Self.subset(g, ["model.noise_variance": [0]]) }
        let results = Self.run(g)
        for r in results {
            #expect(r.passed, "point \(r.index) \(r.parameters): \(r.errorRows.map { cell($0, "status") })")
            #expect(r.rows("large_n").count == 1, "point \(r.index)")
        }
        let noises = Set(results.map { $0.parameters[1].1 })
        for noise in noises {
            let line = results.filter { $0.parameters[1].1 == noise }  // samples 10, 20, 40, 80, 160 (N = 40)
            #expect(line.count == 5)
            let converged = line.map { Self.value($0, "test_error_at_convergence_large_n") ?? .nan }
            #expect(converged[2] == .infinity && converged.enumerated().allSatisfy { $0.offset == 2 || $0.element.isFinite }, "\(converged)")
            let exact = line.map { Self.value($0, "test_error_at_convergence") ?? .nan }
            #expect(exact[2] > exact[1] && exact[2] > exact[3], "exact E_g(inf) \(exact)")
            let stopped = line.map { Self.value($0, "test_error_at_optimal_stopping_large_n") ?? .nan }
            #expect(zip(stopped, stopped.dropFirst()).allSatisfy { $0 > $1 }, "early-stopped \(stopped)")
            for r in line {
                let s = try #require(Self.value(r, "test_error_at_optimal_stopping")), c = try #require(Self.value(r, "test_error_at_convergence"))
                #expect(s <= c, "point \(r.index)")
            }
        }
    }

    /// Lampinen-Ganguli: every point passes, the large-N row included (allowance 3 N^(-1/2)).
    /// Default tier: N = 50 at the lowest and highest SNR; full tier: N = 50, 200, 800.
    @Test func lampinenGanguliPasses() throws {
        var g = try Self.shipped("lampinen-ganguli")
        if !Self.full { g = Self.subset(g, ["model.data.teacher.snr": [0, 2], "model.widths": [0]]) }
        for r in Self.run(g) {
            #expect(r.passed, "point \(r.index) \(r.parameters): \(r.errorRows.map { "\(cell($0, "method")) \(cell($0, "status")) \(cell($0, "error_ratio"))" })")
            #expect(r.rows("large_n").first.map { cell($0, "status") } == .text("pass"), "point \(r.index)")
        }
    }

    /// Random start against the aligned law: the gap between the smallest test errors shrinks as
    /// the init scale does (default tier: the largest and smallest scale; full tier: all four,
    /// monotonically), and the flow and descent still pass against the tight integration.
    @Test func randomStartApproachesAlignedLaw() throws {
        var g = try Self.shipped("random-init")
        if !Self.full { g = Self.subset(g, ["model.init.scale": [0, 3]]) }
        let results = Self.run(g)
        var gaps: [Double] = []
        for r in results {
            #expect(r.passed, "point \(r.index): \(r.errorRows.map { "\(cell($0, "method")) \(cell($0, "status"))" })")
            let row = try #require(r.rows("aligned_law").first, "point \(r.index)")
            #expect(cell(row, "status") == .text("measured"))
            gaps.append(try #require(number(row, "max_abs_error")))
        }
        #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $0 > $1 }, "gaps \(gaps)")
        #expect(gaps.last! < 0.5 * gaps.first!, "gaps \(gaps)")
    }

    /// The generalisation row survives the journal (infinite values included).
    @Test func journalKeepsTheGeneralisationRow() throws {
        let g = Self.subset(try Self.shipped("advani-saxe"), ["model.samples": [2], "model.noise_variance": [0]])
        let r = PointRunner.run(g, gridOrder: 0, index: 0)
        let back = try #require(PointCodec.point(fromJournalRow: PointCodec.journalRow(r)))
        #expect(back.generalisationRow?.count == GeneralisationTable.columns.count)
        #expect(Self.value(back, "test_error_at_convergence_large_n") == .infinity)
        #expect(Self.value(back, "test_error_at_convergence") == Self.value(r, "test_error_at_convergence"))
    }
}

/// Weight decay against early stopping (`weight-decay.json`).
@Suite struct WeightDecayGridTests {
    /// Every point passes; at lambda = s_e/s_w = 0.25 the error at convergence is this data set's
    /// ridge optimum (the flow converges to ridge regression with gamma = lambda: equal to
    /// rounding); the large-N value there is the Bayes optimum of the theory; the best error over
    /// the weight-decay strengths at convergence is within rounding of the ridge optimum or
    /// above it, and no worse than early stopping without decay in the large-N theory (Advani &
    /// Saxe: optimal ridge beats optimal early stopping). Default tier: alpha = 1 (the peak) only.
    @Test func weightDecayAgainstEarlyStopping() throws {
        var g = try GeneralisationGridTests.shipped("weight-decay")
        if !GeneralisationGridTests.full { g = GeneralisationGridTests.subset(g, ["model.samples": [1]]) }
        let results = GeneralisationGridTests.run(g)
        let v = GeneralisationGridTests.value
        for r in results { #expect(r.passed, "point \(r.index) \(r.parameters): \(r.errorRows.map { "\(cell($0, "method")) \(cell($0, "status")) \(cell($0, "error_ratio"))" })") }
        for samples in Set(results.map { $0.parameters[0].1 }) {
            let line = results.filter { $0.parameters[0].1 == samples }  // lambda 0, 0.05, 0.1, 0.25, 0.5, 1
            #expect(line.count == 6)
            let converged = try line.map { try #require(v($0, "test_error_at_convergence")) }
            let ridge = try #require(v(line[3], "ridge_optimum"))
            #expect(abs(converged[3] - ridge) <= 1e-12 * ridge, "P = \(samples): \(converged[3]) vs ridge \(ridge)")
            let ridgeLarge = try #require(v(line[3], "ridge_optimum_large_n"))
            let convergedLarge = try line.map { try #require(v($0, "test_error_at_convergence_large_n")) }
            #expect(abs(convergedLarge[3] - ridgeLarge) <= 1e-9 * ridgeLarge, "P = \(samples): \(convergedLarge[3]) vs \(ridgeLarge)")
            #expect(convergedLarge.min()! >= ridgeLarge * (1 - 1e-9), "P = \(samples): the Bayes optimum is the smallest")
            let stoppedLarge = try #require(v(line[0], "test_error_at_optimal_stopping_large_n"))
            #expect(ridgeLarge <= stoppedLarge, "P = \(samples)")
            let plain = try #require(v(line[0], "test_error_at_convergence"))
            #expect(converged.dropFirst().min()! <= plain, "P = \(samples)")
        }
    }
}

/// The grid keys the generalisation comparisons add are checked like the others.
@Suite struct GeneralisationGridKeyTests {
    @Test(arguments: [
        (#"{"model": {"kind": "regression", "inputs": 4, "samples": 4}, "time": {"end": 1}, "compare": {"large_n": {"factor": -1}}}"#, "compare.large_n.factor"),
        (#"{"model": {"kind": "regression", "inputs": 4, "samples": 4}, "time": {"end": 1}, "compare": {"large_n": {"rtol": 1}}}"#, "compare.large_n.rtol"),
        (#"{"model": {"kind": "regression", "inputs": 4, "samples": 4, "weight_decay": -0.5}, "time": {"end": 1}}"#, "model.weight_decay"),
    ])
    func refusalsNameTheField(text: String, field: String) throws {
        #expect { try grid(text) } throws: { ($0 as? ProblemFileError)?.field == field }
    }

    @Test func factorIsRead() throws {
        let g = try grid(#"{"model": {"kind": "regression", "inputs": 4, "samples": 4}, "time": {"end": 1}, "compare": {"large_n": {"factor": 5}}}"#)
        #expect(g.compare.largeNFactor == 5)
        #expect(try grid(#"{"model": {"kind": "regression", "inputs": 4, "samples": 4}, "time": {"end": 1}}"#).compare.largeNFactor == 3)
    }
}
