import Foundation
import Testing

/// `lindyn formula` and `lindyn descend` on model problems, end to end.
@Suite(.serialized) struct ModelCommandTests {
    @Test func formulaPrintsDerivedQuantities() throws {
        let r = try LindynRun.run(["formula", "Validation/problems/saxe-mode.json", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["columns"] as? [String] == ["t", "u"])
        let derived = try #require(json["derived"] as? [String: Double])
        // Saxe mode s = 3, u0 = 1e-3, tau = 100: half time tau/(2s) ln(s/u0 - 1) (closed form).
        let half = 100.0 / 6 * log(3 / 1e-3 - 1)
        #expect(abs(derived["half_time"]! - half) < 1e-9 * half)
        #expect(derived["fixed_point"] == 3)
        // time_to_learn from u0 to s - eps with eps = 1e-3: (tau/(2s)) ln((s-eps)(s-u0)/(u0 eps)).
        let learn = 100.0 / 6 * log((3 - 1e-3) * (3 - 1e-3) / (1e-3 * 1e-3))
        #expect(abs(derived["time_to_learn"]! - learn) < 1e-9 * learn)
        #expect(derived["gd_stability_limit"] != nil)
    }

    @Test func dropoutBoundIsReported() throws {
        let r = try LindynRun.run(["formula", "Validation/problems/dropout-mode.json", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let derived = try #require(r.json?["derived"] as? [String: Double])
        // (tau/(s p)) ln(s/eps) with tau = 100, s = 3, p = 0.5, eps = 1e-3.
        let bound = 100.0 / 1.5 * log(3 / 1e-3)
        #expect(abs(derived["dropout_time_bound"]! - bound) < 1e-9 * bound)
        #expect(derived["dropout_learning_time"]! <= bound)
    }

    @Test func unlearnedModeIsRefusedNamingWeightDecay() throws {
        let r = try LindynRun.run(
            ["formula", "-", "--format", "json"], stdin: #"{"model": {"kind": "mode", "s": 1, "u0": 0.1, "weight_decay": 1.5}, "time": {"end": 5}}"#)
        #expect(r.status == 65)
        #expect(r.stderr.contains("model.weight_decay"))
    }

    @Test func formulaRefusesSystems() throws {
        let r = try LindynRun.run(["formula", "Validation/problems/robertson.json"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("lindyn check"))
    }

    @Test func descendReportsEpochsAndLearningRate() throws {
        let r = try LindynRun.run(["descend", "Validation/problems/scalar.json", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["learning_rate"] as? Double == 0.01)
        let stats = try #require(json["stats"] as? [String: Any])
        #expect(stats["epochs"] as? Int == 1000)
        #expect(json["columns"] as? [String] == ["t", "w1", "w2", "u"])
    }

    @Test func divergingDescentExits2WithRowsReached() throws {
        let r = try LindynRun.run(
            ["descend", "-", "--format", "json"],
            stdin: #"{"model": {"kind": "mode", "s": 3, "u0": 0.5, "learning_rate": 1}, "time": {"end": 500, "points": 501}}"#)
        #expect(r.status == 2)
        let json = try #require(r.json)
        #expect(json["status"] as? String == "diverged")
        let reached = try #require(json["t_reached"] as? Double)
        #expect(reached < 500)
        #expect((json["rows"] as? [[Double]] ?? []).allSatisfy { $0[0] <= reached })
    }

    @Test func equationsShowTheDerivedGradientFlow() throws {
        let r = try LindynRun.run(["equations", "Validation/problems/weight-decay-loss.json", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["variables"] as? [String] == ["a", "b"])
        let jacobian = try #require(json["jacobian"] as? [[String]])
        #expect(jacobian.count == 2 && jacobian[0].count == 2)
        // The Jacobian of a gradient flow is symmetric: -Hessian/tau.
        #expect(jacobian[0][1] == jacobian[1][0])
        let latex = try LindynRun.run(["equations", "Validation/problems/robertson.json", "--latex"])
        #expect(latex.stdout.contains("\\frac{d y_{1}}{dt}"))
        #expect(try LindynRun.run(["equations", "Validation/problems/saxe-mode.json"]).status == 65)
    }

    @Test func observablesFlagKeepsTimeAndModeStrengths() throws {
        let r = try LindynRun.run(["solve", "Validation/problems/network.json", "--observables", "--format", "json"])
        #expect(r.status == 0)
        // Mode strengths, then the 6 x 8 entries of the product W2 W1.
        let columns = r.json?["columns"] as? [String] ?? []
        #expect(Array(columns.prefix(6)) == ["t", "u1", "u2", "u3", "u4", "W_1_1"])
        #expect(columns.count == 1 + 4 + 48 && columns.last == "W_6_8")
        let d = try LindynRun.run(["descend", "Validation/problems/saxe-mode.json", "--observables", "--format", "csv"])
        #expect(d.stdout.hasPrefix("t,u\n"))
    }

    @Test func descendRefusesPlainSystems() throws {
        let r = try LindynRun.run(["descend", "Validation/problems/robertson.json"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("gradient"))
    }
}

/// An output directory that cannot be written is refused before any work, as an I/O error (74).
@Suite struct OutputDirectoryTests {
    @Test func unwritableOutputIsAnIOError() throws {
        let r = try LindynRun.run(["validate", "Validation/grids/robertson.json", "--out", "/proc/lindyn-cannot-write"])
        #expect(r.status == 74)
        #expect(r.stderr.contains("--out /proc/lindyn-cannot-write"))
        let demo = try LindynRun.run(["demo", "--out", "/proc/lindyn-cannot-write", "--quick"])
        #expect(demo.status == 74)
    }
}

/// Work that would take minutes and gigabytes is refused up front, naming the field.
@Suite struct SizeLimitTests {
    @Test func stiffnessOfAHugeNetworkIsRefused() throws {
        let r = try LindynRun.run(
            ["stiffness", "-"],
            stdin: #"{"model": {"kind": "network", "widths": [64, 64, 64], "singular_values": [3, 2, 1]}, "time": {"end": 2, "points": 3}}"#)
        #expect(r.status == 65)
        #expect(r.stderr.contains("model.widths"))
    }
}

/// `lindyn plot`: one problem's integrator, descent and closed form on one SVG figure.
@Suite struct PlotCommandTests {
    @Test func plotsTheThreeMethods() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-plot-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try LindynRun.run(["plot", "Validation/problems/network.json", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let svg = try String(contentsOf: out, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        for label in ["u1 theory", "u4 theory", "Simulated (GD)", "ODE rk8pd"] { #expect(svg.contains(label), "missing \(label)") }
        #expect(!svg.lowercased().contains("nan"))
        // The integration agrees with the closed form (both printed in the summary).
        #expect(r.stdout.contains("integration against closed form"))
    }

    @Test func badOutputAndStepperAreUsageErrors() throws {
        #expect(try LindynRun.run(["plot", "Validation/problems/network.json", "--out", "figure.gif"]).status == 64)
        #expect(try LindynRun.run(["plot", "Validation/problems/network.json", "--out", "/tmp/x.svg", "--stepper", "euler"]).status == 64)
    }
}
