import Foundation
import Testing

@testable import LindynTheory

// Large-N generalisation theory (Lampinen & Ganguli 2019; Advani & Saxe 2017/2020).
// Reference values marked "reference script" come from Validation/reference/generalisation.py
// (SciPy QUADPACK in the eigenvalue variable with algebraic endpoint weights, and a bounded
// scalar minimiser; its output is Validation/reference/generalisation.txt), an implementation
// independent of Lindyn's angle quadrature. The others are closed forms, stated at each test.

@Suite("Generalisation theory")
struct GeneralisationTheoryTests {
    /// Closed forms of G1b/G1e evaluated by hand: A = 1, sbar = 3: shat = sqrt(10 * 10)/3 = 10/3,
    /// O^2 = (1 - 10/90)(1 - 10/90) = (8/9)^2; sbar = 1.5: shat = 3.25/1.5, O = (1 - 3.25/7.3125) = 5/9.
    @Test("outlier, overlap and shrinkage constants")
    func spikedConstants() throws {
        let one = try SpikedTeacherTheory(aspectRatio: 1)
        #expect(abs(one.outlier(3) - 10.0 / 3) < 1e-14)
        #expect(abs(one.overlap(3) - 8.0 / 9) < 1e-14)
        #expect(abs(one.shrinkageTestError([3]) - (1 - 64.0 / 81)) < 1e-14)
        #expect(abs(one.outlier(1.5) - 3.25 / 1.5) < 1e-14)
        #expect(abs(one.overlap(1.5) - 5.0 / 9) < 1e-14)
        let half = try SpikedTeacherTheory(aspectRatio: 0.5)
        // sqrt(5 * 4.5)/2 and sqrt[(1 - 0.5*5/(4*4.5))(1 - 4.5/(4*5))].
        #expect(abs(half.outlier(2) - (22.5).squareRoot() / 2) < 1e-14)
        #expect(abs(half.overlap(2) - ((1 - 2.5 / 18) * (1 - 4.5 / 20)).squareRoot()) < 1e-14)
        // Below the threshold A^{1/4} = 0.8409: no outlier (bulk edge 1 + sqrt(1/2)), no overlap.
        #expect(half.threshold > 0.8)
        #expect(half.outlier(0.8) == 1 + 0.5.squareRoot())
        #expect(half.overlap(0.8) == 0)
        // The inverse map recovers sbar from its outlier.
        for sbar in [1.1, 2.0, 5.0] {
            #expect(abs(half.signal(fromOutlier: half.outlier(sbar))! - sbar) < 1e-12 * sbar)
        }
        #expect(half.signal(fromOutlier: 1.5) == nil)
        #expect(throws: TheoryError.self) { try SpikedTeacherTheory(aspectRatio: 1.5) }
    }

    /// Moments of the Marchenko-Pastur law for X^T X, X of iid N(0, 1/N) entries (P x N):
    /// continuous mass min(1, alpha), (1/N) E tr X^T X = alpha, (1/N) E tr (X^T X)^2 = alpha (1 + alpha).
    @Test("Marchenko-Pastur mass and moments, alpha = 1 included", arguments: [0.25, 0.5, 0.999999, 1.0, 1.000001, 2.0, 4.0])
    func marchenkoPasturMoments(_ alpha: Double) throws {
        let mp = try MarchenkoPastur(ratio: alpha)
        let mass = mp.integrate { _ in 1 }
        let mean = mp.integrate { $0 }
        let second = mp.integrate { $0 * $0 }
        #expect(abs(mass - min(1, alpha)) < 1e-11)
        #expect(abs(mean - alpha) < 1e-11 * alpha)
        #expect(abs(second - alpha * (1 + alpha)) < 1e-11 * alpha * (1 + alpha))
    }

    /// Advani-Saxe curves against the reference script (QUADPACK, eigenvalue variable).
    @Test("regression E_g(T), E_t(T) against an independent quadrature")
    func regressionCurves() throws {
        let task = try RegressionTask(teacherVariance: 0.8, noiseVariance: 0.2)
        let reference: [(Double, Double, Double, Double)] = [  // alpha, T, test, train
            (0.5, 0.5, 0.794119978927, 0.317509920001), (0.5, 2, 0.716483083519, 0.057342912897),
            (0.5, 10, 0.766039008032, 0.002068458331), (1, 0.5, 0.641280143162, 0.276970953760),
            (1, 2, 0.522202203102, 0.082343353688), (1, 10, 0.624444842497, 0.027651390953),
            (2, 0.5, 0.446345596786, 0.222144450146), (2, 2, 0.345729224321, 0.113042293713),
            (2, 10, 0.390806235623, 0.100099597401),
        ]
        for (alpha, T, test, train) in reference {
            let e = try RegressionTheory(alpha: alpha, task: task).errors(at: T)
            // The script prints 12 decimals; both quadratures are good to ~1e-11.
            #expect(abs(e.test - test) < 2e-11, "alpha \(alpha) T \(T): \(e.test) vs \(test)")
            #expect(abs(e.train - train) < 2e-11, "alpha \(alpha) T \(T): \(e.train) vs \(train)")
        }
    }

    /// E_g(inf) closed forms s_e/(1-alpha) + (1-alpha) s_w and s_e alpha/(alpha-1) are what the
    /// quadrature tends to at long times (the lower edge is away from 0, so convergence is
    /// exponential); at alpha = 1 the error is finite at every finite T, grows without bound,
    /// and the early-stopping minimum stays finite (reference script: T* = 2.4651, 0.520025880083).
    @Test("convergence values, the alpha = 1 peak, ridge below early stopping")
    func convergenceAndPeak() throws {
        let task = try RegressionTask(teacherVariance: 0.8, noiseVariance: 0.2)
        for alpha in [0.5, 2.0] {
            let theory = try RegressionTheory(alpha: alpha, task: task)
            let late = try theory.errors(at: 1e6)
            #expect(abs(late.test - theory.testErrorAtConvergence) < 1e-10)
            #expect(abs(late.train - theory.trainErrorAtConvergence) < 1e-10)
        }
        #expect(abs(try RegressionTheory(alpha: 0.5, task: task).testErrorAtConvergence - (0.4 + 0.4)) < 1e-15)
        #expect(abs(try RegressionTheory(alpha: 2, task: task).testErrorAtConvergence - 0.4) < 1e-15)
        let peak = try RegressionTheory(alpha: 1, task: task)
        #expect(peak.testErrorAtConvergence == .infinity)
        var previous = 0.0
        for T in [1e2, 1e4, 1e8, 1e12, 1e16] {
            let e = try peak.errors(at: T).test
            #expect(e.isFinite && e > previous, "T \(T): \(e)")
            previous = e
        }
        let stop = try peak.optimalStopping()
        #expect(abs(stop.testError - 0.520025880083) < 1e-11)
        #expect(abs(stop.time - 2.46510732) < 1e-3)  // flat minimum: T is determined to ~sqrt(eps)
        for alpha in [0.25, 0.5, 1, 2, 4] {
            let theory = try RegressionTheory(alpha: alpha, task: task)
            let stopped = try theory.optimalStopping().testError
            #expect(theory.ridgeTestError <= stopped + 1e-12)
        }
    }

    /// Lampinen-Ganguli large-N test error: reference script values at A = 1, sbar = 3,
    /// eps = 1e-3, full-width student, and its optimal stopping at N = 200.
    @Test("teacher-student large-N test error and optimal stopping")
    func teacherStudentCurve() throws {
        let law = try StudentModeLaw.plain(depth: 2)
        let reference: [(Int, Double, Double)] = [(50, 1, 0.669093345274), (50, 3, 3.122223800421), (200, 1, 0.672313541134), (200, 3, 11.886411350137)]
        for (n, T, test) in reference {
            let theory = try TeacherStudentTheory(teacher: [3], inputs: n, outputs: n, hidden: n, initialStrength: 1e-3, law: law)
            let e = try theory.errors(at: T)
            #expect(abs(e.test - test) < 1e-9 * test, "N \(n) T \(T): \(e.test) vs \(test)")
        }
        let theory = try TeacherStudentTheory(teacher: [3], inputs: 200, outputs: 200, hidden: 200, initialStrength: 1e-3, law: law)
        let stop = try theory.optimalStopping()
        #expect(abs(stop.testError - 0.261377332929) < 1e-10)
        #expect(abs(stop.time - 1.35627619) < 1e-4)
        // The signal-only time ln[(shat/eps - 1)/(shat/(sbar O) - 1)]/(2 shat) with shat = 10/3,
        // sbar O = 8/3 overestimates the full optimum.
        let signal = try #require(theory.signalStoppingTime(3))
        #expect(abs(signal - log((10.0 / 3 / 1e-3 - 1) / (10.0 / 8 - 1)) / (20.0 / 3)) < 1e-12)
        #expect(signal > stop.time)
        // The training error falls monotonically to the bulk it cannot fit (none: full width).
        #expect(try theory.errors(at: 1e6).train < 1e-6)
    }

    @Test("student mode laws: limits, small s, deep and decay")
    func modeLaws() throws {
        let two = try StudentModeLaw(depth: 2, decay: 0.5)
        // tau u' = 2u(s - lambda - u): fixed point s - lambda; never learned when s <= lambda.
        #expect(abs(try two.strength(3, from: 1e-3, at: 1e3) - 2.5) < 1e-12)
        #expect(try two.strength(0.4, from: 1e-3, at: 1e3) < 1e-30)
        let plain = try StudentModeLaw.plain(depth: 2)
        // s = 0: tau u' = -2u^2, u = u0/(1 + 2 u0 T).
        #expect(abs(try plain.strength(0, from: 0.1, at: 5) - 0.1 / 2) < 1e-15)
        let deep = try StudentModeLaw.plain(depth: 4)
        let t = try #require(deep.time(2, from: 1e-3, to: 1))
        #expect(abs(try deep.strength(2, from: 1e-3, at: t) - 1) < 1e-9)
        #expect(throws: TheoryError.self) { try StudentModeLaw(depth: 3, decay: 0.1) }
    }
}
