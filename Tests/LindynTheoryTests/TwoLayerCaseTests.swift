import Foundation
import Testing

@testable import LindynTheory

// Each case's (a, b) is checked against an independent route: the per-mode *loss* of that case,
// written down here from its definition (Saxe et al. 2014; Pretorius, Kroon & Kamper 2018;
// Srivastava et al. 2014 Sec. 9.1; Notes/logistic-law.md), is differentiated by
// hand and the resulting gradient flow on the raw weights integrated with Dormand-Prince
// (rtol 1e-12). The closed-form law must match the product of the weights to 1e-9.

/// A per-mode gradient flow on raw weights and the observable that should follow the law.
struct WeightFlow: Sendable, CustomStringConvertible {
    var name: String
    var twoLayerCase: TwoLayerCase
    var tau: Double
    /// Initial weights (balanced).
    var w0: [Double]
    /// `dw/dt = -(1/tau) grad L(w)` with `L` the case's loss.
    var rhs: @Sendable ([Double]) -> [Double]
    /// Training-time mode strength from the weights.
    var strength: @Sendable ([Double]) -> Double
    var description: String { name }
}

let weightFlows: [WeightFlow] = {
    var flows: [WeightFlow] = []
    // Scalar network, L = 1/2 (y - w2 w1 x)^2.
    do {
        // Negative x and y on purpose: a = x y > 0, fixed point y/x = 0.6.
        let xs = -1.5, ys = -0.9, tau = 2.0
        flows.append(
            WeightFlow(
                name: "scalar x=\(xs) y=\(ys)", twoLayerCase: .scalar(x: xs, y: ys), tau: tau,
                w0: [0.05, 0.05],
                rhs: { w in
                    let r = ys - w[1] * w[0] * xs
                    return [w[1] * xs * r / tau, w[0] * xs * r / tau]
                },
                strength: { $0[0] * $0[1] }))
    }
    // Saxe mode with weight decay, L = 1/2 (s - ab)^2 + lambda/2 (a^2 + b^2).
    do {
        let s = 3.0, lambda = 0.4, tau = 5.0
        flows.append(
            WeightFlow(
                name: "weight decay", twoLayerCase: .weightDecay(s: s, lambda: lambda), tau: tau,
                w0: [0.01, 0.01],
                rhs: { w in
                    let r = s - w[0] * w[1]
                    return [(w[1] * r - lambda * w[0]) / tau, (w[0] * r - lambda * w[1]) / tau]
                },
                strength: { $0[0] * $0[1] }))
    }
    // Standard dropout, E_d loss = 1/2 (s - p ab)^2 + 1/2 p(1-p) a^2 b^2.
    do {
        let s = 2.0, p = 0.6, tau = 1.0
        flows.append(
            WeightFlow(
                name: "dropout standard", twoLayerCase: .dropout(s: s, keepProbability: p),
                tau: tau, w0: [0.02, 0.02],
                rhs: { w in
                    let u = w[0] * w[1]
                    let ga = -p * w[1] * (s - p * u) + p * (1 - p) * w[0] * w[1] * w[1]
                    let gb = -p * w[0] * (s - p * u) + p * (1 - p) * w[1] * w[0] * w[0]
                    return [-ga / tau, -gb / tau]
                },
                strength: { $0[0] * $0[1] }))
    }
    // Inverted dropout, E_d loss = 1/2 (s - ab)^2 + 1/2 ((1-p)/p) a^2 b^2.
    do {
        let s = 2.0, p = 0.6, tau = 1.0
        flows.append(
            WeightFlow(
                name: "dropout inverted", twoLayerCase: .invertedDropout(s: s, keepProbability: p),
                tau: tau, w0: [0.02, 0.02],
                rhs: { w in
                    let u = w[0] * w[1], q = (1 - p) / p
                    return [(w[1] * (s - u) - q * w[0] * w[1] * w[1]) / tau,
                            (w[0] * (s - u) - q * w[1] * w[0] * w[0]) / tau]
                },
                strength: { $0[0] * $0[1] }))
    }
    // Standard dropout, mode spread over K units: weights (a_1..a_K, b_1..b_K),
    // E_d loss = 1/2 (s - p sum a_i b_i)^2 + 1/2 p(1-p) sum a_i^2 b_i^2, u = sum a_i b_i.
    do {
        let s = 1.5, p = 0.5, k = 3, tau = 2.0
        flows.append(
            WeightFlow(
                name: "dropout K=3", twoLayerCase: .dropoutSpread(s: s, keepProbability: p, units: k),
                tau: tau, w0: Array(repeating: 0.03, count: 2 * k),
                rhs: { w in
                    var u = 0.0
                    for i in 0..<k { u += w[i] * w[k + i] }
                    var out = [Double](repeating: 0, count: 2 * k)
                    for i in 0..<k {
                        let a = w[i], b = w[k + i]
                        out[i] = (p * b * (s - p * u) - p * (1 - p) * a * b * b) / tau
                        out[k + i] = (p * a * (s - p * u) - p * (1 - p) * b * a * a) / tau
                    }
                    return out
                },
                strength: { w in (0..<k).reduce(0.0) { $0 + w[$1] * w[k + $1] } }))
    }
    // Autoencoders (Pretorius units): per mode, with eigenvalue l of the summed covariance,
    // loss (1/2N) l (1 - ab)^2 + (sigma^2/2)(ab)^2 + (gamma/2)(a^2 + b^2); learning rate alpha,
    // so dw/dt = -alpha grad L and the law's tau is N/alpha.
    for (name, sigma2, gamma) in [("AE", 0.0, 0.0), ("DAE", 0.02, 0.0), ("WDAE", 0.0, 0.01)] {
        let l = 4.0, n = 50, alpha = 2.0
        let bigN = Double(n)
        let c: TwoLayerCase =
            sigma2 > 0
            ? .denoisingAutoencoder(eigenvalue: l, sampleCount: n, noiseVariance: sigma2)
            : gamma > 0
                ? .weightDecayAutoencoder(eigenvalue: l, sampleCount: n, gamma: gamma)
                : .autoencoder(eigenvalue: l)
        flows.append(
            WeightFlow(
                name: name, twoLayerCase: c, tau: bigN / alpha, w0: [0.05, 0.05],
                rhs: { w in
                    let u = w[0] * w[1]
                    let common = -(l / bigN) * (1 - u) + sigma2 * u
                    return [-alpha * (common * w[1] + gamma * w[0]),
                            -alpha * (common * w[0] + gamma * w[1])]
                },
                strength: { $0[0] * $0[1] }))
    }
    return flows
}()

@Suite("Two-layer cases")
struct TwoLayerCaseTests {
    @Test("each case's logistic law follows the gradient flow of its loss", arguments: weightFlows)
    func lawMatchesLossFlow(_ flow: WeightFlow) throws {
        let law = try flow.twoLayerCase.law(tau: flow.tau)
        let u0 = flow.strength(flow.w0)
        let star = try #require(law.fixedPoint)
        let tHalf = try law.time(from: u0, to: star / 2)
        let times = [0.3, 1, 1.5, 3].map { $0 * tHalf }
        let ref = DormandPrince().solve(flow.w0, at: times, flow.rhs)
        for (t, w) in zip(times, ref) {
            let closed = try law.value(at: t, from: u0)
            #expect(relativeError(closed, flow.strength(w)) < 1e-9, "t=\(t)")
        }
    }

    @Test("table of coefficients and fixed points (Notes/logistic-law.md)")
    func coefficientTable() throws {
        func ab(_ c: TwoLayerCase) throws -> [Double] { let r = try c.coefficients(); return [r.a, r.b] }
        #expect(try ab(.scalar(x: 2, y: 3)) == [6, 4])
        #expect(try ab(.saxeMode(s: 2)) == [2, 1])
        #expect(try ab(.weightDecay(s: 2, lambda: 0.5)) == [1.5, 1])
        #expect(try ab(.autoencoder(eigenvalue: 3)) == [3, 3])
        #expect(try ab(.denoisingAutoencoder(eigenvalue: 3, sampleCount: 10, noiseVariance: 0.1)) == [3, 4])
        #expect(try ab(.weightDecayAutoencoder(eigenvalue: 3, sampleCount: 10, gamma: 0.1)) == [2, 3])
        #expect(try ab(.dropout(s: 2, keepProbability: 0.5)) == [1, 0.5])
        #expect(try ab(.invertedDropout(s: 2, keepProbability: 0.5)) == [2, 2])
        #expect(try ab(.dropoutSpread(s: 2, keepProbability: 0.5, units: 4)) == [1, 0.5 * 0.625])
        #expect(TwoLayerCase.dropout(s: 2, keepProbability: 0.5).testOutputFactor == 0.5)
        #expect(TwoLayerCase.invertedDropout(s: 2, keepProbability: 0.5).testOutputFactor == 1)
        // Weight decay with lambda >= s: the mode is never learned (fixed point 0).
        #expect(try TwoLayerCase.weightDecay(s: 1, lambda: 2).law(tau: 1).fixedPoint == 0)
    }
}
