import Foundation
import Testing

@testable import LindynTheory

@Suite("Gradient descent, dropout and autoencoder relations")
struct GradientDescentTests {
    @Test("the per-mode map equals GD on the scalar network's balanced weights")
    func mapEqualsWeightGD() throws {
        let x = 1.3, y = 0.8, alpha = 0.05
        let gd = try GradientDescentMode(a: x * y, b: x * x, learningRate: alpha)
        var w1 = 0.02, w2 = 0.02
        var u = w1 * w2
        for k in 1...400 {
            let r = y - x * w1 * w2
            (w1, w2) = (w1 + alpha * x * w2 * r, w2 + alpha * x * w1 * r)
            u = gd.next(u)
            // Same arithmetic up to association: a few ulps per step, accumulating linearly.
            #expect(relativeError(u, w1 * w2) < 1e-15 * Double(k) + 1e-15)
        }
    }

    @Test("converges iff 0 < alpha a < 1; monotone iff alpha a <= 1/2", arguments: [0.2, 0.5, 0.7, 0.95])
    func convergence(index: Double) throws {
        let a = 2.0, b = 4.0  // fixed point 0.5
        let gd = try GradientDescentMode(a: a, b: b, learningRate: index / a)
        #expect(gd.convergesLocally)
        #expect(gd.isMonotoneNearFixedPoint == (index <= 0.5))
        let path = try gd.iterate(from: 1e-3, steps: 20_000)
        #expect(relativeError(path.last!, 0.5) < 1e-12)
        let overshoots = path.contains { $0 > 0.5 * (1 + 1e-12) }
        #expect(overshoots == (index > 0.5), "alpha a = \(index)")
        #expect(gd.fixedPointMultiplier == 1 - 2 * index)
    }

    @Test("beyond alpha a = 1 GD settles on a period-2 orbit around the fixed point", arguments: [1.05, 1.1, 1.2])
    func periodTwo(index: Double) throws {
        let gd = try GradientDescentMode(a: 1, b: 1, learningRate: index)
        #expect(!gd.convergesLocally)
        let path = try gd.iterate(from: 0.3, steps: 20_000)
        let n = path.count - 1
        let (u0, u1, u2) = (path[n - 2], path[n - 1], path[n])
        #expect(abs(u2 - u0) < 1e-12, "not period 2: \(u0) \(u2)")
        #expect(abs(u1 - u0) > 1e-3, "collapsed onto the fixed point")
        #expect((u0 - 1) * (u1 - 1) < 0, "the orbit straddles the fixed point")
        // The flow from the same start never oscillates: it approaches 1 monotonically.
        let flow = try LogisticLaw(a: 1, b: 1, tau: 1 / index)
        let f = try (0...50).map { try flow.value(at: Double($0), from: 0.3) }
        #expect(zip(f, f.dropFirst()).allSatisfy { $0 <= $1 } && f.allSatisfy { $0 <= 1 })
    }

    @Test("GD lags the flow by t_GD/t_flow = 1 + alpha s/2 + O((alpha s)^2) from a small start", arguments: [0.0025, 0.005, 0.01, 0.02, 0.04])
    func lagRatio(alphaS: Double) throws {
        let s = 1.0, u0 = 1e-200
        let gd = try GradientDescentMode(a: s, b: 1, learningRate: alphaS / s)
        let flow = try LogisticLaw(.saxeMode(s: s), tau: s / alphaS)
        let k = try #require(gd.steps(from: u0, toReach: s / 2))
        // Fractional step count: interpolate ln u linearly across the crossing step, so the
        // integer quantization (1/k ~ 1e-4) does not mask the O((alpha s)^2) terms.
        let path = try gd.iterate(from: u0, steps: k)
        let steps = Double(k - 1) + log(0.5 * s / path[k - 1]) / log(path[k] / path[k - 1])
        let ratio = steps / (try flow.time(from: u0, to: s / 2))
        // Predictions (Notes/gradient-descent.md), measured residuals in brackets:
        // - interval first-order ratio 1 + (alpha s/2)(L + 2G)/(L - G): O((alpha s)^2)
        //   [-0.082 (alpha s)^2, i.e. the -(alpha s)^2/12 of the linear phase];
        // - 1 + alpha s/2: the same plus the nonlinear-phase share 3 ln 2/(2 ln(s/u0)) alpha s
        //   = 2.3e-3 alpha s at u0 = 1e-200 [-2.25e-3 alpha s].
        let interval = try gd.firstOrderLagRatio(from: u0, to: s / 2)
        #expect(abs(ratio - interval) < 0.15 * alphaS * alphaS, "ratio \(ratio) vs \(interval)")
        let budget = 0.15 * alphaS * alphaS + 3e-3 * alphaS
        #expect(abs(ratio - gd.firstOrderLagRatio) < budget, "ratio \(ratio)")
        // Linear-phase ratio x/ln(1+x) = 1 + x/2 - x^2/12 + x^3/24 - ... (Taylor series).
        #expect(abs(gd.linearPhaseLagRatio - (1 + alphaS / 2 - alphaS * alphaS / 12)) < pow(alphaS, 3) / 20)
        // A check that can fail: the flow alone (ratio 1) is far outside the budget.
        #expect(abs(1 - gd.firstOrderLagRatio) > 10 * budget)
    }

    @Test("first-order lag over finite intervals (both phases) is accurate to O((alpha s)^2)", arguments: [0.005, 0.01, 0.02, 0.04])
    func intervalLag(alphaS: Double) throws {
        let gd = try GradientDescentMode(a: 1, b: 1, learningRate: alphaS)
        let flow = try LogisticLaw(.saxeMode(s: 1), tau: 1 / alphaS)
        for (u0, uf) in [(1e-3, 0.5), (0.1, 0.9), (2.0, 1.05)] {
            let path = try gd.iterate(from: u0, steps: 100_000)
            let k = try #require(uf > u0 ? path.firstIndex { $0 >= uf } : path.firstIndex { $0 <= uf })
            let steps = Double(k - 1) + log(uf / path[k - 1]) / log(path[k] / path[k - 1])
            let ratio = steps / (try flow.time(from: u0, to: uf))
            // Measured residual coefficients: |.| <= 0.86 (alpha s)^2 over these intervals.
            let predicted = try gd.firstOrderLagRatio(from: u0, to: uf)
            #expect(abs(ratio - predicted) < 1.5 * alphaS * alphaS, "\(u0)->\(uf): \(ratio) vs \(predicted)")
            // Whereas the small-start value 1 + alpha s/2 misses by O(alpha s) here
            // (measured 0.15, 0.75, 1.9 alpha s).
            #expect(abs(ratio - gd.firstOrderLagRatio) > 0.1 * alphaS)
        }
    }

    @Test("top Hessian eigenvalue at the balanced deep minimum is D s^{2-2/D}", arguments: 1...6)
    func deepHessian(depth: Int) throws {
        let s = 1.7
        let w = pow(s, 1 / Double(depth))
        func loss(_ a: [Double]) -> Double { let r = s - a.reduce(1, *); return 0.5 * r * r }
        // Central finite-difference Hessian, h = 1e-4: truncation O(h^2 * 4th derivative) ~ 1e-8.
        let h = 1e-4
        var hess = [[Double]](repeating: [Double](repeating: 0, count: depth), count: depth)
        let a0 = [Double](repeating: w, count: depth)
        for i in 0..<depth {
            for j in 0..<depth {
                func at(_ di: Double, _ dj: Double) -> Double {
                    var a = a0
                    a[i] += di
                    a[j] += dj
                    return loss(a)
                }
                hess[i][j] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
            }
        }
        // Power iteration for the top eigenvalue (the Hessian is positive semidefinite).
        var v = (0..<depth).map { 1 + 0.1 * Double($0) }
        var eigenvalue = 0.0
        for _ in 0..<200 {
            let hv = hess.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } }
            let norm = hv.reduce(0) { $0 + $1 * $1 }.squareRoot()
            eigenvalue = norm / v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            v = hv.map { $0 / norm }
        }
        let predicted = try GradientDescentMode.deepBalancedMinimumTopHessianEigenvalue(depth: depth, s: s)
        #expect(relativeError(eigenvalue, predicted) < 1e-6, "D=\(depth): \(eigenvalue) vs \(predicted)")
        if depth == 2 {
            #expect(GradientDescentMode.twoLayerMinimumTopHessianEigenvalue(a: w, b: w) == predicted)
        }
    }

    // MARK: Autoencoders

    static let aeModes: [(l: Double, n: Int, sigma2: Double)] = [(2, 100, 0.05), (0.3, 10, 0.2), (15, 1000, 0.001)]

    @Test("matched weight decay gives the DAE's fixed point; half-time ratio 1 + N sigma^2/l")
    func matchedAutoencoders() throws {
        for (l, n, sigma2) in Self.aeModes {
            let gamma = try Autoencoders.matchedWeightDecay(eigenvalue: l, sampleCount: n, noiseVariance: sigma2)
            let tau = Double(n) / 0.1
            let dae = try LogisticLaw(.denoisingAutoencoder(eigenvalue: l, sampleCount: n, noiseVariance: sigma2), tau: tau)
            let wdae = try LogisticLaw(.weightDecayAutoencoder(eigenvalue: l, sampleCount: n, gamma: gamma), tau: tau)
            let fd = try #require(dae.fixedPoint), fw = try #require(wdae.fixedPoint)
            #expect(relativeError(fw, fd) < 1e-14)  // a few roundings of l - N gamma
            let ratio = try Autoencoders.halfTimeRatio(eigenvalue: l, sampleCount: n, noiseVariance: sigma2)
            #expect(relativeError(ratio, (l + Double(n) * sigma2) / l) < 1e-15)
            for u0 in [1e-8, 1e-3, 0.1 * fd] {
                let measured = try wdae.halfTime(from: u0) / dae.halfTime(from: u0)
                // The two half times share ln(a/(b u0) - 1) up to the rounding of the WDAE's a
                // (a relative 1e-15 error in a/b near ... ), so 1e-12.
                #expect(relativeError(measured, ratio) < 1e-12, "l=\(l) u0=\(u0)")
            }
        }
    }

    @Test("DAE at alpha equals the matched WDAE at alpha xi/l step for step")
    func stepForStep() throws {
        for (l, n, sigma2) in Self.aeModes {
            let alpha = 0.5  // per-epoch rate in Pretorius units; the map's rate is alpha/N
            let bigN = Double(n)
            let gamma = try Autoencoders.matchedWeightDecay(eigenvalue: l, sampleCount: n, noiseVariance: sigma2)
            let alphaW = try Autoencoders.equivalentWeightDecayLearningRate(
                denoisingLearningRate: alpha, eigenvalue: l, sampleCount: n, noiseVariance: sigma2)
            let daeAB = try TwoLayerCase.denoisingAutoencoder(eigenvalue: l, sampleCount: n, noiseVariance: sigma2).coefficients()
            let wdaeAB = try TwoLayerCase.weightDecayAutoencoder(eigenvalue: l, sampleCount: n, gamma: gamma).coefficients()
            let dae = try GradientDescentMode(a: daeAB.a, b: daeAB.b, learningRate: alpha / bigN)
            let wdae = try GradientDescentMode(a: wdaeAB.a, b: wdaeAB.b, learningRate: alphaW / bigN)
            let pd = try dae.iterate(from: 1e-4, steps: 5000)
            let pw = try wdae.iterate(from: 1e-4, steps: 5000)
            // Identical maps in exact arithmetic; rounding of gamma and a = l - N gamma makes the
            // per-step factors differ by ~1e-16 relative, accumulating at most linearly in the
            // growth phase and damped near the fixed point: 1e-12 over 5000 steps.
            let worst = zip(pd, pw).map { relativeError($1, $0) }.max()!
            #expect(worst < 1e-12, "l=\(l): worst \(worst)")
            // And the DAE at alpha differs from the WDAE at the *same* alpha (the relation matters).
            let same = try GradientDescentMode(a: wdaeAB.a, b: wdaeAB.b, learningRate: alpha / bigN)
            #expect(relativeError(try same.iterate(from: 1e-4, steps: 500).last!, pd[500]) > 1e-3)
        }
    }

    // MARK: Dropout

    @Test("dropout: exact learning time below the (tau/(s p)) ln(s/eps) bound; fixed points; test output")
    func dropout() throws {
        let s = 2.0, p = 0.5, tau = 10.0
        let standard = try DropoutMode(s: s, keepProbability: p, variant: .standard, tau: tau)
        for eps in [1e-1, 1e-3, 1e-6] {
            let exact = try standard.exactLearningTime(epsilon: eps)
            let bound = try standard.learningTimeBound(epsilon: eps)
            #expect(relativeError(bound, tau / (s * p) * log(s / eps)) < 1e-14)  // Notes/dropout.md
            #expect(relativeError(exact, tau / (p * s) * log((s - eps) / eps)) < 1e-13)
            #expect(exact <= bound)
            // Exact counterpart = time from eps to s - eps of the effective law (rounding of
            // s - eps: relative ulp(s)/eps in the gap, times tau/(2 a) / t).
            let direct = try standard.law.time(from: eps, to: s - eps)
            #expect(relativeError(direct, exact) < 1e-12 + 2 * s.ulp / eps)
            // Dropout slows learning by exactly 1/p against the plain Saxe mode.
            let plain = try LogisticLaw(.saxeMode(s: s), tau: tau).symmetricLearningTime(epsilon: eps)
            #expect(relativeError(exact, plain / p) < 1e-13)
        }
        #expect(standard.fixedPoint == s)
        #expect(standard.testOutputFixedPoint == p * s)
        let inverted = try DropoutMode(s: s, keepProbability: p, variant: .inverted, tau: tau)
        #expect(inverted.fixedPoint == p * s && inverted.testOutputFixedPoint == p * s)
        // Inverted dropout: no 1/p slow-down of the linear phase (a = s).
        #expect(inverted.law.a == s)
        let spread = try DropoutMode(s: s, keepProbability: p, variant: .spread(units: 4), tau: tau)
        let kappa = p + (1 - p) / 4
        #expect(relativeError(spread.fixedPoint, s / kappa) < 1e-15)
        #expect(relativeError(spread.testOutputFixedPoint, p * s / kappa) < 1e-15)
        #expect(relativeError(try spread.testOutput(at: 1e3, from: 1e-3), p * s / kappa) < 1e-14)
        #expect(thrownParameterName { _ = try DropoutMode(s: s, keepProbability: 1.5, tau: tau) } == "keepProbability")
    }

    // MARK: Module-internal kernels

    @Test("Gauss-Kronrod rule is exact for polynomials of degree 22; Brent finds cos x = x")
    func kernels() {
        // K15 integrates degree <= 22 exactly: int_0^1 x^22 dx = 1/23 on a single panel.
        let r = _adaptiveGaussKronrod({ pow($0, 22) }, from: 0, to: 1, relativeTolerance: 1, maxIntervals: 1)
        #expect(relativeError(r.value, 1.0 / 23) < 1e-14)
        let g = _adaptiveGaussKronrod({ 1 / (1 + $0 * $0) }, from: 0, to: 1)
        #expect(g.converged && relativeError(g.value, Double.pi / 4) < 1e-13)
        let root = _brentRoot(lo: 0, hi: 1) { cos($0) - $0 }
        #expect(relativeError(root!, 0.7390851332151607) < 1e-15)  // Dottie number
        #expect(_brentRoot(lo: 2, hi: 3) { cos($0) - $0 } == nil)
    }
}
