import Foundation

// Small, self-contained numerical kernels used where no closed form exists. They live here so
// that LindynTheory depends on Foundation only and stays an independent reference for the
// GSL-based integrator. Names carry a leading underscore: they are not API.

/// `log(exp(x) + exp(y))` without overflow; either argument may be `-infinity`.
@inline(__always)
func _logAddExp(_ x: Double, _ y: Double) -> Double {
    if x == -.infinity { return y }
    if y == -.infinity { return x }
    let m = max(x, y)
    return m + log1p(exp(-abs(x - y)))
}

/// `log(b / a)` for positive `a`, `b`, accurate when the ratio is near 1 and free of
/// overflow/underflow when it is extreme.
@inline(__always)
func _logRatio(_ b: Double, _ a: Double) -> Double {
    let r = b / a
    if r.isNormal && r.isFinite { return log(r) }
    return log(b) - log(a)
}

/// Brent's method (Brent 1973, "Algorithms for Minimization without Derivatives", ch. 4):
/// inverse quadratic interpolation and secant steps safeguarded by bisection, so it converges
/// whenever `f(lo)` and `f(hi)` have opposite signs (or one is zero).
///
/// - Returns: `x` with `|x - root| <= 2 eps|x| + xTolerance/2`, or `nil` if the bracket does not
///   straddle a sign change or `f` returned NaN.
func _brentRoot(
    lo: Double, hi: Double, xTolerance: Double = 0, maxIterations: Int = 300,
    _ f: (Double) -> Double
) -> Double? {
    var a = lo, b = hi
    var fa = f(a), fb = f(b)
    if fa.isNaN || fb.isNaN { return nil }
    if fa == 0 { return a }
    if fb == 0 { return b }
    if (fa > 0) == (fb > 0) { return nil }
    var c = a, fc = fa
    var d = b - a, e = d
    for _ in 0..<maxIterations {
        if (fb > 0) == (fc > 0) {
            c = a; fc = fa; d = b - a; e = d
        }
        if abs(fc) < abs(fb) {
            a = b; b = c; c = a
            fa = fb; fb = fc; fc = fa
        }
        let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * xTolerance
        let m = 0.5 * (c - b)
        if abs(m) <= tol || fb == 0 { return b }
        if abs(e) >= tol && abs(fa) > abs(fb) {
            // Interpolation step (secant when a == c, inverse quadratic otherwise).
            let s = fb / fa
            var p: Double, q: Double
            if a == c {
                p = 2 * m * s
                q = 1 - s
            } else {
                let qa = fa / fc, r = fb / fc
                p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
                q = (qa - 1) * (r - 1) * (s - 1)
            }
            if p > 0 { q = -q } else { p = -p }
            if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
                e = d; d = p / q
            } else {
                d = m; e = m
            }
        } else {
            d = m; e = m
        }
        a = b; fa = fb
        b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
        fb = f(b)
        if fb.isNaN { return nil }
    }
    return b
}

/// Result of `_adaptiveGaussKronrod`.
struct _QuadratureResult {
    var value: Double
    var errorEstimate: Double
    var intervals: Int
    var converged: Bool
}

/// Globally adaptive 7-point Gauss / 15-point Kronrod quadrature (the QUADPACK QK15 rule,
/// Piessens et al. 1983): the interval with the largest |K15 - G7| is bisected until the summed
/// estimate is below `max(absoluteTolerance, relativeTolerance * |integral|)`.
///
/// The integrand must be finite on the open interval; endpoints are never evaluated.
func _adaptiveGaussKronrod(
    _ f: (Double) -> Double, from a: Double, to b: Double,
    relativeTolerance: Double = 1e-13, absoluteTolerance: Double = 0, maxIntervals: Int = 4000
) -> _QuadratureResult {
    struct Piece { var a: Double; var b: Double; var value: Double; var error: Double }
    func rule(_ a: Double, _ b: Double) -> Piece {
        let center = 0.5 * (a + b), half = 0.5 * (b - a)
        let fc = f(center)
        var kronrod = fc * _wgk[7]
        var gauss = fc * _wg[3]
        for j in 0..<7 {
            let dx = half * _xgk[j]
            let sum = f(center - dx) + f(center + dx)
            kronrod += _wgk[j] * sum
            if j % 2 == 1 { gauss += _wg[j / 2] * sum }
        }
        return Piece(a: a, b: b, value: kronrod * half, error: abs((kronrod - gauss) * half))
    }
    if a == b { return _QuadratureResult(value: 0, errorEstimate: 0, intervals: 0, converged: true) }
    var pieces = [rule(a, b)]
    while true {
        var total = 0.0, error = 0.0, worst = 0
        for (i, p) in pieces.enumerated() {
            total += p.value
            error += p.error
            if p.error > pieces[worst].error { worst = i }
        }
        let target = max(absoluteTolerance, relativeTolerance * abs(total))
        if error <= target || !error.isFinite || pieces.count >= maxIntervals {
            return _QuadratureResult(
                value: total, errorEstimate: error, intervals: pieces.count,
                converged: error <= target)
        }
        let p = pieces[worst]
        let mid = 0.5 * (p.a + p.b)
        if mid <= p.a || mid >= p.b {  // interval no longer divisible in floating point
            return _QuadratureResult(
                value: total, errorEstimate: error, intervals: pieces.count, converged: false)
        }
        pieces[worst] = rule(p.a, mid)
        pieces.append(rule(mid, p.b))
    }
}

// QK15 abscissae and weights (QUADPACK, dqk15.f).
private let _xgk: [Double] = [
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.0,
]
private let _wgk: [Double] = [
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
]
private let _wg: [Double] = [
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
]
