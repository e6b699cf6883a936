import Foundation

/// The Marchenko-Pastur law of the eigenvalues of `X^T X` for a `P x N` matrix `X` with iid
/// `N(0, 1/N)` entries, as `N, P -> infinity` with `ratio = P/N` fixed (Marchenko & Pastur 1967):
/// a mass `(1 - ratio)_+` at 0 and the continuous part
/// `rho(lam) = sqrt((lam_+ - lam)(lam - lam_-)) / (2 pi lam)` on `[lam_-, lam_+]`,
/// `lam_pm = (1 pm sqrt(ratio))^2`, of mass `min(1, ratio)`.
///
/// Integrals over the continuous part use the angle `phi` in `(0, pi)`:
/// `lam = (1 - sqrt r)^2 + 4 sqrt(r) sin^2(phi/2)` (`phi = 0` the lower edge, `phi = pi` the upper),
/// `rho(lam) dlam = 2 r sin^2(phi) / (pi lam) dphi`. The weight is smooth even at `r = 1`, where
/// it is `(2/pi) cos^2(phi/2)` and `lam` reaches 0: no square-root or `1/lam` singularity is
/// left to the quadrature. Panels are graded geometrically towards `phi = 0` (the small
/// eigenvalues where, near `r = 1` and at long times, the integrands change on the scale
/// `lam ~ 1/T`), and each panel is integrated by adaptive Gauss-Kronrod, so the result keeps
/// its relative accuracy (about 1e-11) for any `T` and any ratio, including exactly 1.
public struct MarchenkoPastur: Sendable, Hashable {
    /// `ratio = P/N` (samples per dimension) for the eigenvalue law; `A = N3/N1` for the
    /// singular values of a noise matrix (``SpikedTeacherTheory``).
    public let ratio: Double

    /// Halvings of the first panel towards the lower edge (at most).
    let grading: Int

    /// - Parameter grading: halvings of the first panel towards the lower edge, at most (48
    ///   resolves integrands like `1/lam` near a lower edge at 0 for any time; bounded integrands
    ///   of `sqrt(lam)`, such as the mode strengths over a singular-value bulk, need few).
    /// - Throws: `invalidParameter` unless `ratio` is finite and positive.
    public init(ratio: Double, grading: Int = 48) throws(TheoryError) {
        try _requirePositive(ratio, "ratio")
        self.ratio = ratio
        self.grading = max(0, min(grading, 60))
    }

    /// Lower edge `(1 - sqrt r)^2` of the continuous part.
    public var lowerEdge: Double { let r = ratio.squareRoot(); return (1 - r) * (1 - r) }
    /// Upper edge `(1 + sqrt r)^2`.
    public var upperEdge: Double { let r = ratio.squareRoot(); return (1 + r) * (1 + r) }
    /// Mass of the eigenvalue 0, `(1 - r)_+`.
    public var massAtZero: Double { max(0, 1 - ratio) }

    /// The eigenvalue at angle `phi`.
    @inline(__always)
    func eigenvalue(_ phi: Double) -> Double {
        let r = ratio.squareRoot()
        let s = sin(0.5 * phi)
        return (1 - r) * (1 - r) + 4 * r * s * s
    }

    /// The density weight `2 r sin^2(phi)/(pi lam)` at angle `phi` (the continuous part's mass is `min(1, r)`).
    @inline(__always)
    func weight(_ phi: Double) -> Double {
        let sp = sin(phi)
        return 2 * ratio * sp * sp / (Double.pi * eigenvalue(phi))
    }

    /// The angle below which a fraction `fraction` of the continuous part's mass lies.
    func angle(belowFraction fraction: Double) -> Double {
        if fraction <= 0 { return 0 }
        if fraction >= 1 { return .pi }
        let total = integrate { _ in 1 }
        return _brentRoot(lo: 0, hi: .pi, xTolerance: 1e-15) { phi in
            self.integrate(from: 0, to: phi) { _ in 1 } / total - fraction
        } ?? .pi
    }

    /// `integral f(lam) rho(lam) dlam` over the continuous part, restricted to angles in
    /// `[from, to]` (default: all of it). `f` must be finite on `(lam_-, lam_+)`.
    public func integrate(from a: Double = 0, to b: Double = .pi, _ f: (Double) -> Double) -> Double {
        guard b > a else { return 0 }
        var total = 0.0
        let edges = panelEdges
        for k in 0..<(edges.count - 1) {
            let lo = max(a, edges[k]), hi = min(b, edges[k + 1])
            guard hi > lo else { continue }
            let r = _adaptiveGaussKronrod({ phi in self.weight(phi) * f(self.eigenvalue(phi)) }, from: lo, to: hi,
                                          relativeTolerance: 1e-11, maxIntervals: 200)
            total += r.value
        }
        return total
    }

    /// Eight equal panels, the first of them split geometrically towards `phi = 0` (halving down
    /// to where `4 sqrt(r) sin^2(phi/2)` is below `10^-3 lam_-`, or `grading` times when the
    /// lower edge is 0 or nearly so).
    var panelEdges: [Double] {
        let r = ratio.squareRoot()
        let lower = (1 - r) * (1 - r)
        var graded: [Double] = []
        var e = Double.pi / 8
        for _ in 0..<grading {
            e *= 0.5
            if 4 * r * e * e / 4 < 1e-3 * lower { break }
            graded.append(e)
        }
        return [0] + graded.reversed() + (1...8).map { Double.pi * Double($0) / 8 }
    }
}
