import Foundation

@testable import LindynTheory

// Independent numerical references for the closed forms. They are written here, in the test
// target, and share no code with LindynTheory (whose own quadrature is Gauss-Kronrod; the one
// here is adaptive Simpson) nor with the GSL integrator of the package.

/// The parameter named by the `TheoryError.invalidParameter` that `body` throws; `nil` if it
/// does not throw, a description for any other error.
func thrownParameterName(_ body: () throws -> Void) -> String? {
    do { try body() } catch {
        if case let .invalidParameter(n, _, _)? = error as? TheoryError { return n }
        return "other: \(error)"
    }
    return nil
}

/// Relative difference `|x - y| / max(|y|, tiny)`.
func relativeError(_ x: Double, _ y: Double) -> Double {
    if x == y { return 0 }
    return abs(x - y) / max(abs(y), Double.leastNormalMagnitude)
}

/// Dormand-Prince 5(4) with adaptive steps (Dormand & Prince 1980; Hairer, Norsett, Wanner,
/// "Solving ODEs I", II.5), error per step `<= atol + rtol |y|` component-wise (RMS norm).
/// Integrates `dy/dt = f(y)` from `t = 0` and returns `y` at each requested time (sorted).
struct DormandPrince {
    var relativeTolerance = 1e-12
    var absoluteTolerance = 1e-300
    var maxSteps = 5_000_000

    func solve(
        _ y0: [Double], at times: [Double], _ f: ([Double]) -> [Double]
    ) -> [[Double]] {
        precondition(times == times.sorted() && (times.first ?? 0) >= 0)
        let n = y0.count
        var y = y0
        var t = 0.0
        var h = 1e-3 * max(times.last ?? 1, 1e-6)
        var out: [[Double]] = []
        var next = 0
        while next < times.count && times[next] == 0 { out.append(y); next += 1 }
        var k1 = f(y)
        var steps = 0
        while next < times.count {
            steps += 1
            precondition(steps < maxSteps, "DormandPrince: too many steps")
            let target = times[next]
            var hit = false
            let hProposed = h
            if t + h >= target { h = target - t; hit = true }
            func axpy(_ terms: [(Double, [Double])]) -> [Double] {
                var r = y
                for (c, k) in terms where c != 0 {
                    for i in 0..<n { r[i] += h * c * k[i] }
                }
                return r
            }
            let k2 = f(axpy([(1.0 / 5, k1)]))
            let k3 = f(axpy([(3.0 / 40, k1), (9.0 / 40, k2)]))
            let k4 = f(axpy([(44.0 / 45, k1), (-56.0 / 15, k2), (32.0 / 9, k3)]))
            let k5 = f(
                axpy([
                    (19372.0 / 6561, k1), (-25360.0 / 2187, k2), (64448.0 / 6561, k3),
                    (-212.0 / 729, k4),
                ]))
            let k6 = f(
                axpy([
                    (9017.0 / 3168, k1), (-355.0 / 33, k2), (46732.0 / 5247, k3),
                    (49.0 / 176, k4), (-5103.0 / 18656, k5),
                ]))
            let yNew = axpy([
                (35.0 / 384, k1), (500.0 / 1113, k3), (125.0 / 192, k4), (-2187.0 / 6784, k5),
                (11.0 / 84, k6),
            ])
            let k7 = f(yNew)
            let e: [Double] = [
                71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525,
                -1.0 / 40,
            ]
            var errSq = 0.0
            for i in 0..<n {
                let est =
                    h
                    * (e[0] * k1[i] + e[2] * k3[i] + e[3] * k4[i] + e[4] * k5[i] + e[5] * k6[i]
                        + e[6] * k7[i])
                let scale =
                    absoluteTolerance + relativeTolerance * max(abs(y[i]), abs(yNew[i]))
                errSq += (est / scale) * (est / scale)
            }
            let err = (errSq / Double(n)).squareRoot()
            if err <= 1 {
                t = hit ? target : t + h
                y = yNew
                k1 = k7
                if hit {
                    out.append(y)
                    next += 1
                    while next < times.count && times[next] == t { out.append(y); next += 1 }
                }
                let factor = err == 0 ? 5 : min(5, max(0.2, 0.9 * pow(err, -0.2)))
                h = hit ? hProposed : h * factor
            } else {
                h *= max(0.1, 0.9 * pow(err, -0.2))
            }
        }
        return out
    }
}

/// Adaptive Simpson quadrature with the Richardson (Lyness) correction
/// `S(a,b) ~ S2 + (S2 - S1)/15`, recursing until `|S2 - S1| <= 15 tol`.
func adaptiveSimpson(
    _ f: (Double) -> Double, from a: Double, to b: Double, tolerance: Double, maxDepth: Int = 60
) -> Double {
    func simpson(_ a: Double, _ fa: Double, _ fm: Double, _ b: Double, _ fb: Double) -> Double {
        (b - a) / 6 * (fa + 4 * fm + fb)
    }
    func recurse(
        _ a: Double, _ fa: Double, _ m: Double, _ fm: Double, _ b: Double, _ fb: Double,
        _ whole: Double, _ tol: Double, _ depth: Int
    ) -> Double {
        let lm = 0.5 * (a + m), rm = 0.5 * (m + b)
        let flm = f(lm), frm = f(rm)
        let left = simpson(a, fa, flm, m, fm), right = simpson(m, fm, frm, b, fb)
        let delta = left + right - whole
        if depth <= 0 || abs(delta) <= 15 * tol {
            return left + right + delta / 15
        }
        return recurse(a, fa, lm, flm, m, fm, left, tol / 2, depth - 1)
            + recurse(m, fm, rm, frm, b, fb, right, tol / 2, depth - 1)
    }
    let fa = f(a), fb = f(b), m = 0.5 * (a + b), fm = f(m)
    return recurse(a, fa, m, fm, b, fb, simpson(a, fa, fm, b, fb), tolerance, maxDepth)
}
