import Foundation
import Testing
import LindynModels
@testable import LindynValidation

/// Conservation laws as an integrator check: found where they exist, kept by healthy solves,
/// decaying by the known factor under weight decay, and flagged when a solution breaks them.
@Suite struct InvariantTests {
    static func load(_ text: String) throws -> Problem { try Problem.load(text: text) }

    /// Robertson's y1 + y2 + y3 is found (sampled null space, proved symbolically) and kept to
    /// round-off by the stiff steppers (linear invariants are kept by every Runge-Kutta and
    /// multistep method, up to rounding: 1e-15 relative).
    @Test func robertsonLinearInvariant() throws {
        let p = try Problem.load(text: try String(contentsOf: repositoryRoot.appendingPathComponent("Validation/problems/robertson.json"), encoding: .utf8))
        #expect(InvariantChecks.invariants(p.dynamics).map(\.name) == ["y1 + y2 + y3"])
        let drift = InvariantChecks.measure(p, try Simulation.integrate(p))
        #expect(drift.count == 1 && drift[0].relativeDrift < 1e-13)
    }

    /// A weighted invariant (x + 2y for x' = 2xy, y' = -xy) is found with its coefficients; a
    /// system without one (Van der Pol) has none; a non-invariant direction is not reported.
    @Test func otherSystems() throws {
        let weighted = try Self.load(#"{"system": {"variables": ["x", "y", "z"], "equations": ["2*x*y", "-x*y", "z - x"], "initial": [1, 1, 1]}, "time": {"end": 1}}"#)
        #expect(InvariantChecks.invariants(weighted.dynamics).map(\.name) == ["x + 2*y"])
        let none = try Self.load(#"{"system": {"variables": ["x", "v"], "equations": ["v", "(1 - x^2)*v - x"], "initial": [2, 0]}, "time": {"end": 1}}"#)
        #expect(InvariantChecks.invariants(none.dynamics).isEmpty)
    }

    /// Built-in models keep their balancedness to well under the tolerance: the network
    /// (W2^T W2 - W1 W1^T), a deep network (two laws), the scalar pair and the chain.
    @Test func builtInModelsConserve() throws {
        let models = [
            #"{"kind": "network", "widths": [4, 3, 5], "singular_values": [3, 1], "init": {"kind": "random", "scale": 0.3}, "tau": 2}"#,
            #"{"kind": "network", "widths": [3, 3, 3, 3], "singular_values": [2, 1], "init": {"kind": "random", "scale": 0.5}}"#,
            #"{"kind": "scalar", "x": 1.5, "y": 2, "w1": 0.1, "w2": 0.7}"#,
            #"{"kind": "chain", "depth": 3, "s": 2, "initial": [0.5, 0.2, 0.9]}"#,
        ]
        for (k, model) in models.enumerated() {
            let p = try Self.load(#"{"model": \#(model), "time": {"end": 20, "points": 41}, "solver": {"epsabs": 1e-10, "epsrel": 1e-10}}"#)
            let drifts = InvariantChecks.measure(p, try Simulation.integrate(p))
            #expect(drifts.count == [1, 2, 1, 2][k])
            for d in drifts {
                #expect(d.relativeDrift < 1e-8, "\(model): \(d.name) drifted \(d.relativeDrift)")
                #expect(d.toleranceUnits < InvariantChecks.warningMultiple, "\(model): \(d.name) \(d.toleranceUnits) tolerance units")
            }
        }
    }

    /// Under weight decay lambda the imbalance is not conserved but decays as e^{-2 lambda t/tau}:
    /// the raw quantity changes by a factor e^{-8} over the run, and measured against the decay
    /// law its drift is round-off.
    @Test func weightDecayShrinksTheImbalance() throws {
        let p = try Self.load(#"{"model": {"kind": "network", "widths": [3, 2, 3], "singular_values": [2, 1], "init": {"kind": "random", "scale": 0.6}, "weight_decay": 0.2, "tau": 1}, "time": {"end": 20, "points": 21}, "solver": {"epsabs": 1e-11, "epsrel": 1e-11}}"#)
        let result = try Simulation.integrate(p)
        let inv = try #require(InvariantChecks.invariants(p.dynamics).first)
        let n = p.dynamics.stateNames.count
        let first = inv.value(Array(result.rows.first![1...n])), last = inv.value(Array(result.rows.last![1...n]))
        let norm = { (v: [Double]) in v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        #expect(abs(norm(last) / norm(first) - exp(-2 * 0.2 * 20)) < 1e-6 * exp(-8))
        let drift = try #require(InvariantChecks.measure(p, result).first)
        #expect(drift.relativeDrift < 1e-9)
    }

    /// A trajectory that breaks the law (one weight nudged by 1e-5 at the end, 10^5 times the tolerance,, as a silently
    /// failing integrator would) is flagged far above the warning multiple.
    @Test func brokenTrajectoryIsFlagged() throws {
        let p = try Self.load(#"{"model": {"kind": "network", "widths": [2, 2, 2], "singular_values": [2, 1], "init": {"kind": "random", "scale": 0.5}}, "time": {"end": 5, "points": 6}, "solver": {"epsabs": 1e-10, "epsrel": 1e-10}}"#)
        var result = try Simulation.integrate(p)
        #expect(InvariantChecks.measure(p, result)[0].toleranceUnits < InvariantChecks.warningMultiple)
        result.rows[5][1] += 1e-5
        let drift = InvariantChecks.measure(p, result)[0]
        #expect(drift.toleranceUnits > InvariantChecks.warningMultiple && drift.at == 5)
    }
}
