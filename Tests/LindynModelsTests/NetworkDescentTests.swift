import Foundation
import Testing
import LindynIntegrator
@testable import LindynModels

/// The two-layer network's descent with its update folded into the matrix products
/// (`TwoLayerNetworkDescent`) against gradient descent written out entry by entry from the loss
/// L = 1/2 tr(W Sigma_xx W^T) - tr(Sigma_yx^T W) + lambda/2 (|W1|^2 + |W2|^2), W = W2 W1, and
/// against the general forward-Euler descent of the same flow (`EulerDescent`).
@Suite struct NetworkDescentTests {
    static let seeds = NetworkInit(kind: .random, scale: 0.4, seed: 3)

    /// Models that take the folded route: whitened and correlated input, weight decay, noise,
    /// unequal widths (so W1 and W2 differ in size), the autoencoder.
    static func foldedModels() throws -> [(String, NetworkModel)] {
        [
            ("whitened", try NetworkModel.saxe(widths: [6, 6, 6], singularValues: [3, 2, 1], initialization: seeds, seed: 5, tau: 4)),
            (
                "correlated input, decay, noise",
                try NetworkModel.saxe(
                    widths: [3, 5, 2], singularValues: [2, 0.5], inputEigenvalues: [1.5, 1, 0.7], initialization: seeds,
                    weightDecay: 0.1, noiseVariance: 0.05, samples: 2, seed: 5, tau: 3)
            ),
            (
                "wide hidden layer, decay",
                try NetworkModel.saxe(widths: [9, 13, 7], singularValues: [2, 1.5, 1, 0.5], initialization: seeds, weightDecay: 0.02, seed: 2, tau: 5)
            ),
            (
                "autoencoder",
                try NetworkModel.autoencoder(
                    eigenvalues: [2, 1, 0.5], hidden: 2, samples: 1, noiseVariance: 0.1, weightDecay: 0.05, initialization: seeds,
                    seed: 5, tau: 2)
            ),
        ]
    }

    /// `epochs` steps of w <- w - (1/tau) dL/dw in plain loops, every product summed in index order.
    static func plainDescent(_ model: NetworkModel, epochs: Int) -> [Double] {
        let n0 = model.widths[0], n1 = model.widths[1], n2 = model.widths[2]
        var w1 = Array(model.initialWeights[0..<(n1 * n0)]), w2 = Array(model.initialWeights[(n1 * n0)...])
        let sxx = model.sigmaXX ?? (0..<(n0 * n0)).map { $0 / n0 == $0 % n0 ? 1 : 0 }
        let syx = model.sigmaYX
        let alpha = 1 / model.tauValue, lambda = model.weightDecay
        for _ in 0..<epochs {
            var e = syx
            for i in 0..<n2 {
                for j in 0..<n0 {
                    var ws = 0.0  // (W2 W1 Sigma_xx)[i, j]
                    for k in 0..<n1 {
                        for l in 0..<n0 { ws += w2[i * n1 + k] * w1[k * n0 + l] * sxx[l * n0 + j] }
                    }
                    e[i * n0 + j] -= ws
                }
            }
            var g1 = [Double](repeating: 0, count: n1 * n0), g2 = [Double](repeating: 0, count: n2 * n1)
            for k in 0..<n1 {
                for j in 0..<n0 {
                    for i in 0..<n2 { g1[k * n0 + j] += w2[i * n1 + k] * e[i * n0 + j] }
                }
            }
            for i in 0..<n2 {
                for k in 0..<n1 {
                    for j in 0..<n0 { g2[i * n1 + k] += e[i * n0 + j] * w1[k * n0 + j] }
                }
            }
            for q in w1.indices { w1[q] += alpha * (g1[q] - lambda * w1[q]) }
            for q in w2.indices { w2[q] += alpha * (g2[q] - lambda * w2[q]) }
        }
        return w1 + w2
    }

    static func largestDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func foldedDescentIsGradientDescentOnTheLoss() throws {
        for (name, model) in try Self.foldedModels() {
            let process = try model.makeDescent(DescentOptions())
            #expect(process is TwoLayerNetworkDescent, "\(name): not the folded descent")
            for epoch in 0..<300 { try process.step(epoch: epoch) }
            let plain = Self.plainDescent(model, epochs: 300)
            let scale = plain.map(abs).max()!
            // The same loss gradient summed in another order: each epoch's products differ by
            // rounding of a few eps |w| (eps = 2.2e-16), which these stable descents (alpha s < 1)
            // do not amplify; 300 epochs of independent roundings stay far below 1e-13 |w|
            // (measured 0.7-1.1e-15 |w|; a missing decay or mask factor gives 1e-2 to 1).
            let d = Self.largestDifference(process.weights, plain)
            #expect(d <= 1e-13 * scale, "\(name): folded descent differs from the loss gradient by \(d)")
            // The descent moved (the comparison is not between two unchanged starts).
            #expect(Self.largestDifference(plain, model.initialWeights) > 1e-3 * scale, "\(name)")
            // The divergence check's magnitude is the largest weight, exactly.
            #expect(process.largestMagnitude() == process.weights.map(abs).max()!)
        }
    }

    /// Against the separate update pass of the general descent: W2 rounds identically, W1 by one
    /// rounding per epoch (the product is added inside dgemm), so the two stay within a few ulps
    /// of the weights times the number of epochs.
    @Test func foldedDescentAgreesWithTheSeparateUpdate() throws {
        for (name, model) in try Self.foldedModels() {
            let folded = try model.makeDescent(DescentOptions())
            let euler = EulerDescent(
                flow: try model.makeFlow(), initial: model.initialWeights, weightNames: model.stateNames,
                observableNames: model.observableNames, tau: model.tauValue)
            for epoch in 0..<300 {
                try folded.step(epoch: epoch)
                try euler.step(epoch: epoch)
            }
            let scale = euler.weights.map(abs).max()!
            // At most one rounding (<= eps |w|) per epoch and entry, not amplified: <= 300 eps |w|
            // (measured 0 without decay, 1.6-3.8 eps |w| with it).
            let d = Self.largestDifference(folded.weights, euler.weights)
            #expect(d <= 300 * Double.ulpOfOne * scale, "\(name): \(d)")
            #expect(folded.largestMagnitude() == euler.largestMagnitude() || abs(folded.largestMagnitude() - euler.largestMagnitude()) <= d)
            var a = [Double](repeating: 0, count: model.observableNames.count), b = a
            a.withUnsafeMutableBufferPointer { folded.observables(into: $0.baseAddress!) }
            b.withUnsafeMutableBufferPointer { euler.observables(into: $0.baseAddress!) }
            #expect(Self.largestDifference(a, b) <= 1e-12 * max(1, b.map(abs).max()!), "\(name): observables")
        }
    }

    /// Deeper networks and the dropout variance term keep the general descent; Monte-Carlo
    /// dropout keeps its masked one.
    @Test func onlyTheTwoLayerFlowWithoutDropoutVarianceFolds() throws {
        let deep = try NetworkModel.saxe(widths: [3, 3, 3, 3], singularValues: [2, 1, 0.5], initialization: Self.seeds, weightDecay: 0.01, seed: 5)
        #expect(try deep.makeDescent(DescentOptions()) is EulerDescent)
        let dropout = try NetworkModel.saxe(
            widths: [3, 4, 3], singularValues: [2, 1, 0.5], initialization: Self.seeds, dropout: DropoutSettings(keep: 0.7), seed: 5)
        #expect(try dropout.makeDescent(DescentOptions()) is EulerDescent)
        #expect(try dropout.makeDescent(DescentOptions(monteCarlo: true)) is NetworkDropoutDescent)
    }

    /// A learning rate past the stability limit: the folded descent stops with `diverged` at the
    /// epoch where the plain loops first exceed the threshold, with the rows before it.
    @Test func foldedDescentDetectsDivergence() throws {
        let model = try NetworkModel.saxe(widths: [4, 4, 4], singularValues: [3, 2, 1], initialization: Self.seeds, seed: 5, tau: 0.2)
        let threshold = 1e6
        var firstAbove = 0
        for k in 1...200 where Self.plainDescent(model, epochs: k).map(abs).max()! > threshold {
            firstAbove = k
            break
        }
        try #require(firstAbove > 1, "the reference descent must diverge after a few epochs")
        let problem = Problem(dynamics: model, time: TimeSpec(end: 200, points: 201), descent: DescentOptions(divergenceThreshold: threshold))
        let result = try Simulation.descend(problem)
        #expect(result.status == .diverged)
        #expect(result.tReached == Double(firstAbove - 1))
        #expect(result.rows.count == firstAbove)
        #expect(result.rows.allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    /// Non-finite weights reach the divergence check as NaN or infinity, wherever they sit
    /// (vector lanes and the scalar tail), and the largest finite magnitude is exact.
    @Test func magnitudeScanFindsEveryNonFiniteWeight() {
        var g = SeededGenerator(seed: 11)
        for count in [0, 1, 7, 8, 9, 16, 31, 67] {
            let x = (0..<count).map { _ in 4 * g.uniform() - 2 }
            let exact = x.map(abs).max() ?? 0
            #expect(x.withUnsafeBufferPointer(_largestMagnitude) == exact)
            for position in [0, count / 2, count - 1] where count > 0 {
                for bad in [Double.nan, .infinity, -.infinity] {
                    var y = x
                    y[position] = bad
                    let m = y.withUnsafeBufferPointer(_largestMagnitude)
                    if bad.isNaN { #expect(m.isNaN, "count \(count), NaN at \(position)") } else { #expect(m == .infinity, "count \(count), \(bad) at \(position)") }
                }
            }
        }
        // The update scan: w + d, then (with decay) w + (d - decay w).
        let w = (0..<21).map { Double($0) - 10.5 }, d = (0..<21).map { 0.25 * Double($0 % 5) }
        for decay in [0.0, 0.1] {
            var v = w
            var scan = _MagnitudeScan()
            v.withUnsafeMutableBufferPointer { p in d.withUnsafeBufferPointer { scan.update(p.baseAddress!, adding: $0.baseAddress!, decay: decay, count: 21) } }
            let expected = zip(w, d).map { $0 + ($1 - decay * $0) }
            #expect(v == expected)
            #expect(scan.largestMagnitude == expected.map(abs).max())
        }
    }
}
