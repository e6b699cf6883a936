import Foundation
import Testing
import LindynIntegrator
@testable import LindynModels

/// Consistency of the built-in models with each other: the full-matrix network and the
/// autoencoder reduce to independent modes under a decoupled balanced start, and a balanced chain
/// is the deep mode law. Every comparison is two tight integrations (see `tight`), so the
/// agreement asked for (1e-8 relative) is set by integration error, not by the models.
@Suite struct ModelFlowTests {
    @Test func analyticJacobiansMatchFiniteDifferences() throws {
        var g = SeededGenerator(seed: 7)
        // Two-layer network, non-whitened input, decay: the analytic Jacobian.
        let net = try NetworkModel.saxe(
            widths: [3, 4, 2], singularValues: [2, 0.5], inputEigenvalues: [1.5, 1, 0.7],
            initialization: NetworkInit(kind: .random, scale: 0.4, seed: 3), weightDecay: 0.1, dropout: nil,
            noiseVariance: 0.05, samples: 2, aligned: false, seed: 5, tau: 2)
        let flow = try net.makeFlow().system
        let y = net.initialWeights.map { $0 + 0.1 * g.normal() }
        let fd = try finiteDifferenceJacobian(flow, at: y)
        let exact = try analyticJacobian(flow, at: y)
        let scale = exact.map { abs($0) }.max()!
        #expect(zip(fd, exact).allSatisfy { abs($0 - $1) <= 1e-7 * scale }, "network Jacobian differs from finite differences")
        // Chain, scalar and mode flows.
        let chain = try ChainModel(s: 2, initialWeights: [0.7, 1.1, 0.4, 0.9], weightDecay: 0.05, tau: 1.5)
        let scalar = ScalarModel(x: 1.3, y: 0.8, w1: 0.4, w2: -0.6, weightDecay: 0.2, tau: 3)
        let modes = [try ModeModel(s: 3, u0: 0.4, depth: 2, weightDecay: 0.1), try ModeModel(s: 3, u0: 0.4, depth: 5, weightDecay: 0.1)]
        let systems: [(any ODESystem, [Double])] = [
            (try chain.makeFlow().system, chain.initialState), (try scalar.makeFlow().system, scalar.initialState),
        ] + (try modes.map { (try $0.makeFlow().system, $0.initialState) })
        for (system, state) in systems {
            let fd = try finiteDifferenceJacobian(system, at: state)
            let exact = try analyticJacobian(system, at: state)
            #expect(zip(fd, exact).allSatisfy { abs($0 - $1) <= 1e-7 * max(1, abs($1)) }, "\(type(of: system)): \(exact) vs \(fd)")
        }
    }

    @Test(arguments: [2, 3, 4, 6])
    func balancedChainIsTheDeepModeLaw(depth: Int) throws {
        let u0 = 0.01
        let chain = try ChainModel(s: 2, initialWeights: Array(repeating: pow(u0, 1 / Double(depth)), count: depth), tau: 1)
        let mode = try ModeModel(s: 2, u0: u0, depth: depth, tau: 1)
        let end = 8.0
        let a = try tight(chain, end: end).column("u")!
        let b = try tight(mode, end: end).column("u")!
        #expect(relativeDifference(a, b) < 1e-8)
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let decay: Double
        let dropout: DropoutSettings?
        let noise: Double
        let eigen: [Double]?
        var description: String { name }
    }

    static let networkCases = [
        Case(name: "plain", decay: 0, dropout: nil, noise: 0, eigen: nil),
        Case(name: "weight decay", decay: 0.3, dropout: nil, noise: 0, eigen: nil),
        Case(name: "standard dropout", decay: 0, dropout: DropoutSettings(keep: 0.6), noise: 0, eigen: nil),
        Case(name: "inverted dropout", decay: 0, dropout: DropoutSettings(keep: 0.6, inverted: true), noise: 0, eigen: nil),
        Case(name: "noise, coloured input", decay: 0.1, dropout: nil, noise: 0.05, eigen: [2, 1.5, 1, 0.5]),
    ]

    @Test(arguments: networkCases)
    func decoupledNetworkSplitsIntoModes(c: Case) throws {
        // Widths 4 -> 3 -> 3 with three modes and a random rotation: each mode of the full
        // matrix flow must follow the reduced mode flow with the same settings.
        let singular = [3.0, 1.5, 0.8]
        let u0 = 1e-3
        let net = try NetworkModel.saxe(
            widths: [4, 3, 3], singularValues: singular, inputEigenvalues: c.eigen,
            initialization: NetworkInit(kind: .decoupled, scale: u0.squareRoot()), weightDecay: c.decay,
            dropout: c.dropout, noiseVariance: c.noise, samples: 2, aligned: false, seed: 11, tau: 1)
        let end = 6.0
        let full = try tight(net, end: end)
        for (k, s) in singular.enumerated() {
            let mode = try ModeModel(
                s: s, u0: u0, depth: 2, weightDecay: c.decay, dropout: c.dropout, noiseVariance: c.noise, samples: 2,
                inputVariance: c.eigen?[k] ?? 1, tau: 1)
            let reduced = try tight(mode, end: end).column("u")!
            let fromNetwork = full.column("u\(k + 1)")!
            let d = relativeDifference(fromNetwork, reduced)
            #expect(d < 1e-7, "\(c.name), mode \(k + 1): relative difference \(d)")
        }
    }

    @Test func autoencoderModesFollowTheDAELaw() throws {
        // Autoencoder mode i: tau u' = 2u(lambda_i - N gamma - (lambda_i + N sigma^2) u); the
        // reduced mode with s = inputVariance = lambda_i, decay N gamma and noise gives the same.
        let eigen = [4.0, 2.0, 1.0, 0.5]
        let n = 3.0, sigma2 = 0.1, gamma = 0.05
        let ae = try NetworkModel.autoencoder(
            eigenvalues: eigen, hidden: 3, samples: n, noiseVariance: sigma2, weightDecay: gamma,
            initialization: NetworkInit(kind: .decoupled, scale: 0.03), aligned: false, seed: 4, tau: 1)
        let full = try tight(ae, end: 8)
        for k in 0..<3 {
            let mode = try ModeModel(s: eigen[k], u0: 0.03 * 0.03, depth: 2, weightDecay: n * gamma, noiseVariance: sigma2, samples: n, inputVariance: eigen[k], tau: 1)
            let d = relativeDifference(full.column("u\(k + 1)")!, try tight(mode, end: 8).column("u")!)
            #expect(d < 1e-7, "mode \(k + 1): \(d)")
        }
    }

    @Test func descentIsGradientDescentOnTheLoss() throws {
        // Scalar net, by hand: w1 <- w1 + alpha (w2 x (y - w2 w1 x) - lambda w1), same for w2.
        let model = ScalarModel(x: 1.2, y: 0.9, w1: 0.1, w2: 0.05, weightDecay: 0.01, tau: 4)
        let problem = Problem(dynamics: model, time: TimeSpec(end: 50, points: 51))
        let result = try Simulation.descend(problem)
        var w1 = 0.1, w2 = 0.05
        let alpha = 0.25
        for _ in 0..<50 {
            let e = 0.9 - w2 * w1 * 1.2
            (w1, w2) = (w1 + alpha * (w2 * 1.2 * e - 0.01 * w1), w2 + alpha * (w1 * 1.2 * e - 0.01 * w2))
        }
        let last = result.rows.last!
        #expect(last[0] == 50)
        // The same floating-point operations in a different grouping: agreement to a few ulps.
        #expect(abs(last[1] - w1) < 1e-14 && abs(last[2] - w2) < 1e-14)
        #expect(result.descent?.learningRate == 0.25)
    }

    @Test func divergenceStopsTheDescent() throws {
        // alpha s = 3 > 1: the balanced minimum is unstable, the weights blow up.
        let model = try ModeModel(s: 3, u0: 0.5, tau: 1)
        let problem = Problem(dynamics: model, time: TimeSpec(end: 200, points: 201), descent: DescentOptions(divergenceThreshold: 1e6))
        let result = try Simulation.descend(problem)
        #expect(result.status == .diverged)
        #expect(result.tReached < 200)
        #expect(result.rows.allSatisfy { $0.allSatisfy(\.isFinite) })
        #expect(result.rows.last![0] <= result.tReached)
    }

    @Test func monteCarloDropoutAveragesToTheExpectedDynamics() throws {
        // 200 runs with fresh masks every epoch against the expected-loss descent: the mean mode
        // strength tracks it; the tolerance is 4 standard errors of the run average, estimated
        // from the runs' spread (measured about 0.01 of s at the steepest point).
        let model = try ModeModel(s: 2, u0: 1e-3, dropout: DropoutSettings(keep: 0.5), tau: 40)
        let time = TimeSpec(end: 1000, points: 11)
        let mc = try Simulation.descend(Problem(dynamics: model, time: time, descent: DescentOptions(runs: 200, seed: 3, monteCarlo: true)))
        let expected = try Simulation.descend(Problem(dynamics: model, time: time))
        let a = mc.column("u")!, b = expected.column("u")!
        for (x, y) in zip(a, b) {
            #expect(abs(x - y) < 0.06 * 2, "Monte-Carlo mean \(x) vs expected \(y)")
        }
        // The fixed point of standard dropout (one unit per mode) is s.
        #expect(abs(b.last! - 2) < 1e-3)
    }
}
