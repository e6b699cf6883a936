import Foundation
import Testing

/// Wrong numbers, traps and unbounded work on reachable model inputs, end to end: each case is
/// answered correctly or refused with the documented exit code and the field named.
@Suite(.serialized) struct ModelGuardTests {
    static func run(_ arguments: [String], _ stdin: String) throws -> LindynRun {
        try LindynRun.run(arguments, stdin: stdin)
    }

    static func lastValue(_ r: LindynRun, column: String) -> Double? {
        guard let json = r.json, let columns = json["columns"] as? [String], let k = columns.firstIndex(of: column),
            let rows = json["rows"] as? [[Any]], let last = rows.last
        else { return nil }
        return (last[k] as? NSNumber)?.doubleValue
    }

    /// tau u' = D u^(2-2/D)(s - c u) settles at s/c: depth 3, s = 2, c = 2 ends at u = 1, as the
    /// network with input eigenvalue 2 does. Before, solve and descend ignored c (u -> 2) and
    /// formula refused the file.
    @Test func deepModeInputVarianceReachesEveryMethod() throws {
        let mode = #"{"model": {"kind": "mode", "depth": 3, "s": 2, "u0": 0.1, "input_variance": 2, "tau": 10}, "time": {"end": 300, "points": 4}}"#
        let network = #"{"model": {"kind": "network", "widths": [1, 1, 1, 1], "singular_values": [2], "input_eigenvalues": [2], "init": {"u0": 0.1}, "tau": 10}, "time": {"end": 300, "points": 4}}"#
        for command in ["solve", "descend", "formula"] {
            let r = try Self.run([command, "-", "--format", "json"], mode)
            #expect(r.status == 0, "\(command): \(r.stderr)")
            // Far past the escape (~ tau/(s u0^(1/3))), u is s/c to the integrator's 1e-10.
            let u = try #require(Self.lastValue(r, column: "u"), "\(command)")
            #expect(abs(u - 1) < 1e-8, "\(command): u = \(u)")
        }
        let n = try Self.run(["solve", "-", "--format", "json"], network)
        #expect(n.status == 0, "\(n.stderr)")
        #expect(abs((Self.lastValue(n, column: "u1") ?? 0) - 1) < 1e-8)
    }

    /// At s = 1e-12 the mode from u0 = 3 follows the pure power law u = (u0^-p + D p t)^(-1/p),
    /// p = 2 - 2/D, to first order in s/u (1e-12 here): the closed form must too. Before, it
    /// returned about 0.21 at t = 1 (D = 3) instead of 0.26.
    @Test func deepModeClosedFormAtTinyStrength() throws {
        let text = #"{"model": {"kind": "mode", "depth": 3, "s": 1e-12, "u0": 3}, "time": {"end": 1, "points": 2}}"#
        let r = try Self.run(["formula", "-", "--format", "json"], text)
        #expect(r.status == 0, "\(r.stderr)")
        let p = 2 - 2.0 / 3
        let power = pow(pow(3.0, -p) + 3 * p * 1, -1 / p)
        let u = try #require(Self.lastValue(r, column: "u"))
        #expect(abs(u - power) <= 1e-11 * power, "\(u) vs \(power)")
    }

    @Test func descentTimesAreWholeEpochs() throws {
        let at = #"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 10, "at": [2.5, 5]}}"#
        let refused = try Self.run(["descend", "-"], at)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("time.at"), "\(refused.stderr)")
        // Repeated whole epochs are kept, one row each, as listed.
        let repeated = #"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 10, "at": [5, 5]}}"#
        let r = try Self.run(["descend", "-", "--format", "json"], repeated)
        #expect(r.status == 0, "\(r.stderr)")
        let times = try #require(r.json?["rows"] as? [[Any]]).map { ($0[0] as? NSNumber)?.doubleValue ?? -1 }
        #expect(times == [5, 5, 10])
        // Evenly spaced times between epochs are rounded, and the output says so.
        let spaced = #"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 2, "points": 5}}"#
        let s = try Self.run(["descend", "-"], spaced)
        #expect(s.status == 0)
        #expect(s.stdout.contains("rounded to the nearest epoch"), "\(s.stdout)")
    }

    /// time.end - time.start >= 2^63 trapped in the Double -> Int conversion (exit 132).
    @Test func hugeSpansAreRefused() throws {
        let huge = #"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 1e19, "points": 3}}"#
        for arguments in [["descend", "-"], ["descend", "-", "--allow-large"], ["plot", "-", "--out", NSTemporaryDirectory() + "lindyn-huge.svg"]] {
            let r = try Self.run(arguments, huge)
            #expect(r.status == 65, "\(arguments): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("time.end"), "\(arguments): \(r.stderr)")
        }
        // Over the standard epoch limit but within the large one: the refusal names the option.
        let long = #"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 1e9, "points": 3}}"#
        let r = try Self.run(["descend", "-"], long)
        #expect(r.status == 65 && r.stderr.contains("--allow-large"), "\(r.stderr)")
        let grid = #"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 1e19, "points": 3}, "compare": {"methods": ["descent"]}}"#
        let out = NSTemporaryDirectory() + "lindyn-huge-\(UUID().uuidString)"
        let v = try Self.run(["validate", "-", "--out", out], grid)
        #expect(v.status == 65 && v.stderr.contains("time.end"), "\(v.stderr)")
        // Monte-Carlo runs beyond the limit.
        let runs = #"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100, "dropout": {"keep": 0.5}}, "time": {"end": 10}, "descent": {"runs": 100000, "monte_carlo": true}}"#
        let m = try Self.run(["descend", "-"], runs)
        #expect(m.status == 65 && m.stderr.contains("descent.runs"), "\(m.stderr)")
    }

    @Test func longDescentReportsProgressWhenAsked() throws {
        let text = #"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 2000, "points": 3}}"#
        let r = try Self.run(["descend", "-", "--progress"], text)
        #expect(r.status == 0)
        #expect(r.stderr.contains("descent: 100% (2000 of 2000 epochs)"), "\(r.stderr)")
        #expect(!(try Self.run(["descend", "-"], text)).stderr.contains("descent:"))
    }

    /// y' = y^2 from y(0) = 1 blows up at t = 1: both steppers fail (exit 2, the contract's
    /// numerical failure; it was 0), and solve leaves out the row at the singular time.
    @Test func blowUpIsAFailure() throws {
        let text = #"{"system": {"variables": ["y"], "equations": ["y^2"], "initial": [1]}, "time": {"end": 2, "points": 5}}"#
        let s = try Self.run(["stiffness", "-"], text)
        #expect(s.status == 2, "\(s.stderr)")
        #expect(s.stderr.contains("both steppers failed"))
        let r = try Self.run(["solve", "-", "--format", "json"], text)
        #expect(r.status == 2)
        let rows = try #require(r.json?["rows"] as? [[Any]])
        let times = rows.map { ($0[0] as? NSNumber)?.doubleValue ?? -1 }
        #expect(times == [0, 0.5], "\(rows)")
        #expect(rows.allSatisfy { (($0[1] as? NSNumber)?.doubleValue ?? .infinity) <= 2 })
    }

    @Test func stiffnessSamplesAreBounded() throws {
        let r = try LindynRun.run(["stiffness", "Validation/problems/saxe-mode.json", "--samples", "9223372036854775807"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--samples"))
    }

    /// 2400 weights with bsimp: GSL would allocate dense 2400 x 2400 matrices (it crashed at
    /// 10^4); refused before it is called.
    @Test func implicitSteppersAreBoundedBySize() throws {
        let text = #"{"model": {"kind": "network", "widths": [60, 40], "singular_values": [1]}, "time": {"end": 1, "points": 2}, "solver": {"stepper": "bsimp"}}"#
        let r = try Self.run(["solve", "-"], text)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("solver.stepper") && r.stderr.contains("2000"), "\(r.stderr)")
        let explicit = try Self.run(["solve", "-", "--stepper", "rk4"], text)
        #expect(explicit.status == 0, "\(explicit.stderr)")
    }

    @Test func emptyAndOversizedValidationsAreRefused() throws {
        let base = #""model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 100, "points": 3}"#
        let axis = "[" + (1...400).map { "\(Double($0) / 100)" }.joined(separator: ", ") + "]"
        for (grid, field) in [
            ("{\(base), \"compare\": {\"methods\": []}}", "compare.methods"),
            ("{\(base), \"steppers\": []}", "steppers"),
            ("{\(base), \"grid\": {\"model.s\": \(axis), \"model.tau\": \(axis)}}", "grid"),
        ] {
            let out = NSTemporaryDirectory() + "lindyn-empty-\(UUID().uuidString)"
            let r = try Self.run(["validate", "-", "--out", out], grid)
            #expect(r.status == 65, "\(field): \(r.status) \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains(field + ":"), "\(r.stderr)")
        }
    }

    @Test func smallerRefusals() throws {
        let cases: [(String, String, String)] = [
            (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "solver": 3}"#, "solve", "solver"),
            (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "descent": "fast"}"#, "descend", "descent"),
            (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "dropout": 0.5}, "time": {"end": 2}}"#, "solve", "model.dropout"),
            (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "samples": 1.5}, "time": {"end": 2}}"#, "solve", "model.samples"),
            (#"{"model": {"kind": "network", "widths": [2, 2, 2], "singular_values": [1], "samples": 2.5}, "time": {"end": 2}}"#, "solve", "model.samples"),
            (#"{"model": {"kind": "autoencoder", "eigenvalues": [2, 1], "hidden": 1, "samples": 0.5}, "time": {"end": 2}}"#, "solve", "model.samples"),
            (#"{"loss": {"weights": ["a"], "expression": "(s - a)^2/2", "initial": ["0"], "tau": 1}, "candidate": {"a": "s*(1 - exp(-t))"}, "grid": {"s": [1, 2], "sigma": [0, 1]}, "time": {"end": 2}}"#, "check", "grid.sigma"),
        ]
        for (text, command, field) in cases {
            let r = try Self.run([command, "-"], text)
            #expect(r.status == 65, "\(command) \(field): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(field + ":"), "\(field): \(r.stderr)")
        }
    }
}
