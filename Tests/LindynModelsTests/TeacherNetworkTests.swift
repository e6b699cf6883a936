import Foundation
import LindynIntegrator
import LindynTheory
import Testing

@testable import LindynModels

struct TeacherCase: Sendable, CustomStringConvertible {
    var widths: [Int]
    var extra: String
    var end: Double
    var description: String { "\(widths) \(extra)" }
}

@Suite("Network on a teacher data set (Lampinen-Ganguli)")
struct TeacherNetworkTests {
    static func problem(widths: [Int], extra: String = "", data: String = "", tau: Double = 1, end: Double = 40, points: Int = 41) throws -> Problem {
        try Problem.load(text: """
            {"model": {"kind": "network", "widths": \(widths), "data": {"teacher": {"singular_values": [3, 1.5]}, "seed": 2\(data)},
                       "init": {"u0": 0.001}, "tau": \(tau)\(extra)},
             "time": {"end": \(end), "points": \(points)}}
            """)
    }

    static let cases: [TeacherCase] = [
        TeacherCase(widths: [12, 12, 12], extra: "", end: 40),  // the G1a setting
        TeacherCase(widths: [12, 4, 8], extra: "", end: 40),  // narrow student, A = 2/3
        TeacherCase(widths: [12, 12, 12], extra: ", \"weight_decay\": 0.3", end: 40),
        TeacherCase(widths: [12, 12, 12], extra: ", \"dropout\": {\"keep\": 0.8}", end: 40),
        TeacherCase(widths: [12, 12, 12], extra: ", \"noise_variance\": 0.05", end: 40),
        TeacherCase(widths: [10, 10, 10, 10], extra: "", end: 30),  // depth 3
        TeacherCase(widths: [10, 10], extra: "", end: 30),  // depth 1: linear
    ]

    /// The exact per-mode law on the data's own singular values against a tight integration of
    /// every weight on the same data (rk8pd at 1e-13/1e-12, global error ~1e-10): errors and mode
    /// strengths to 1e-8 relative (values below 1e-3 of a column's largest compared at that scale).
    @Test("exact finite-size curves follow the integrated weight flow to 1e-8", arguments: cases)
    func exactMatchesFlow(_ c: TeacherCase) throws {
        let problem = try Self.problem(widths: c.widths, extra: c.extra, end: c.end)
        let flow = try tight(problem.dynamics, end: c.end)
        let formula = try Formula.evaluate(problem)
        for name in formula.columns.dropFirst() where !name.hasSuffix("_large_n") {
            let a = try #require(formula.column(name)), b = try #require(flow.column(name), "\(name)")
            let scale = b.map(abs).max()!
            for (x, r) in zip(a, b) {
                #expect(abs(x - r) <= 1e-8 * max(abs(r), 1e-3 * scale, 1e-6), "\(c) \(name): \(x) vs \(r)")
            }
        }
    }

    @Test("descent follows the flow within the O(learning rate) lag")
    func descentLag() throws {
        var deviations: [Double] = []
        for tau in [20.0, 40.0] {
            let problem = try Self.problem(widths: [12, 12, 12], tau: tau, end: 5 * tau, points: 41)
            let flow = try tight(problem.dynamics, end: 5 * tau)
            let descent = try Simulation.descend(problem)
            let a = try #require(descent.column("test_error")), b = try #require(flow.column("test_error"))
            deviations.append(zip(a, b).map { abs($0 - $1) }.max()!)
        }
        let ratio = deviations[0] / deviations[1]
        #expect(ratio > 1.6 && ratio < 2.4, "deviations \(deviations)")
    }

    /// Outlier and overlap of the data's top mode against the spiked-matrix theory (A = 1,
    /// sbar = 3: 10/3 and 8/9), mean absolute error over `seeds` data sets: one data set
    /// fluctuates at O(N^{-1/2}), so the mean over a few must shrink as N grows fourfold.
    static func spikedError(_ n: Int, seeds: Int) throws -> (outlier: Double, overlap: Double) {
        var outlier = 0.0, overlap = 0.0
        for seed in 1...seeds {
            let problem = try Problem.load(text: """
                {"model": {"kind": "network", "widths": [\(n), 1, \(n)], "data": {"teacher": {"singular_values": [3]}, "seed": \(seed)}},
                 "time": {"end": 1, "points": 2}}
                """)
            let m = try #require(problem.dynamics as? TeacherNetworkModel)
            let left = zip(m.empirical.left[0], m.data.teacherLeft[0]).reduce(0) { $0 + $1.0 * $1.1 }
            let right = zip(m.empirical.right[0], m.data.teacherRight[0]).reduce(0) { $0 + $1.0 * $1.1 }
            outlier += abs(m.empirical.values[0] - 10.0 / 3) / Double(seeds)
            overlap += abs(abs(left * right) - 8.0 / 9) / Double(seeds)
        }
        return (outlier, overlap)
    }

    /// N = 16 to 64: the mean error over 100 data sets should halve (its own spread is ~8 %).
    @Test("outlier and overlap converge to the spiked-matrix theory (N = 16, 64)")
    func spikedConverges() throws {
        let e = try [16, 64].map { try Self.spikedError($0, seeds: 100) }
        #expect(e[1].outlier < 0.75 * e[0].outlier, "\(e)")
        #expect(e[1].overlap < 0.75 * e[0].overlap, "\(e)")
    }

    @Test("outlier and overlap converge (N = 50, 200, 800)", .enabled(if: ProcessInfo.processInfo.environment["LINDYN_VALIDATION"] == "full"))
    func spikedConvergesLarge() throws {
        let e = try [50, 200, 800].map { try Self.spikedError($0, seeds: 10) }
        #expect(e[1].outlier < e[0].outlier && e[2].outlier < e[1].outlier, "\(e)")
        #expect(e[1].overlap < e[0].overlap && e[2].overlap < e[1].overlap, "\(e)")
    }

    @Test("bad data blocks are refused, naming the field")
    func badInput() {
        let cases: [(String, String)] = [
            ("\"teacher\": {\"singular_values\": [3]}, \"inputs\": \"gaussian\", \"samples\": 0", "model.data.samples"),
            ("\"teacher\": {\"singular_values\": [3]}, \"label_noise\": -1", "model.data.label_noise"),
            ("\"teacher\": {\"singular_values\": [1,1,1,1,1,1,1]}", "model.data.teacher.singular_values"),
            ("\"teacher\": {\"rank\": 7, \"snr\": 2}", "model.data.teacher.rank"),
            ("\"teacher\": {\"singular_values\": [3]}, \"samples\": 5", "model.data.samples"),
            ("\"teacher\": {\"singular_values\": [3]}, \"inputs\": \"uniform\"", "model.data.inputs"),
            ("\"teacher\": {\"singular_values\": [-3]}", "model.data.teacher.singular_values"),
            ("\"inputs\": \"orthonormal\"", "model.data.teacher"),
            ("\"teacher\": {\"singular_values\": [3]}, \"test\": \"noisy\"", "model.data.test"),
        ]
        for (fields, field) in cases {
            do {
                _ = try Problem.load(text: "{\"model\": {\"kind\": \"network\", \"widths\": [8, 8, 6], \"data\": {\(fields)}}, \"time\": {\"end\": 1}}")
                Issue.record("accepted \(fields)")
            } catch {
                #expect(error.field == field, "\(fields): \(error)")
            }
        }
        #expect(throws: ProblemFileError.self) {
            try Problem.load(text: "{\"model\": {\"kind\": \"network\", \"widths\": [8, 8], \"singular_values\": [1], \"data\": {\"teacher\": {\"singular_values\": [3]}}}, \"time\": {\"end\": 1}}")
        }
    }

    /// Gaussian inputs have no closed form with a hidden layer (refused, naming the field), and
    /// more outputs than inputs (A > 1) leave the exact law but no large-N theory, said in a note.
    @Test("where the formulas do not apply, they say so")
    func notApplicable() throws {
        let gaussian = try Self.problem(widths: [8, 8, 6], data: ", \"inputs\": \"gaussian\", \"samples\": 20")
        #expect(throws: ProblemFileError.self) { try Formula.evaluate(gaussian) }
        let flow = try Simulation.integrate(gaussian)
        #expect(flow.succeeded && flow.column("test_error") != nil)
        let wide = try Self.problem(widths: [6, 6, 8], end: 5, points: 3)
        let result = try Formula.evaluate(wide)
        #expect(!result.columns.contains("test_error_large_n"))
        #expect(result.notes.contains { $0.contains("large-N theory not given") && $0.contains("A") })
    }
}
