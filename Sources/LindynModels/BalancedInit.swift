import Foundation
import LindynTheory

extension NetworkModel {
    /// Two-layer weights with W2^T W2 - W1 W1^T = lambda I (lambda-balanced; zero-balanced for
    /// lambda = 0), widths [n0, n1, n2]. When lambda >= 0 and n1 <= n2, W1 is the random factor and
    /// W2 = R (W1 W1^T + lambda I)^{1/2}; otherwise (lambda <= 0, n1 <= n0) W2 is the random
    /// factor and W1 = (W2^T W2 - lambda I)^{1/2} R^T; R has orthonormal columns (the first n1 of a
    /// seeded random orthogonal matrix). The random factor has N(0, scale^2) entries, or, when
    /// `aligned`, hidden unit i carries mode i: W1 = diag(b) V^T, W2 = U diag(a) with
    /// a_i^2 - b_i^2 = lambda and the random side's value equal to `scale`.
    static func lambdaBalancedWeights(widths: [Int], u: [Double], v: [Double], initialization: NetworkInit) -> [Double] {
        let n0 = widths[0], n1 = widths[1], n2 = widths[2]
        let lambda = initialization.kind == .zeroBalanced ? 0 : initialization.lambda
        let scale = initialization.scale
        let firstIsRandom = lambda >= 0 && n1 <= n2
        var w1 = Matrix(rows: n1, columns: n0), w2 = Matrix(rows: n2, columns: n1)
        if initialization.aligned {
            for i in 0..<n1 {
                var a = 0.0, b = 0.0
                if firstIsRandom {
                    b = i < n0 ? scale : 0
                    a = (b * b + lambda).squareRoot()
                } else {
                    a = i < n2 ? scale : 0
                    b = (a * a - lambda).squareRoot()
                }
                if i < n0 { for j in 0..<n0 { w1[i, j] = b * v[j * n0 + i] } } else { precondition(b == 0) }
                if i < n2 { for k in 0..<n2 { w2[k, i] = a * u[k * n2 + i] } } else { precondition(a == 0) }
            }
            return w1.values + w2.values
        }
        var g = SeededGenerator(seed: initialization.seed)
        if firstIsRandom {
            for k in w1.values.indices { w1.values[k] = scale * g.normal() }
            let r = randomOrthogonal(n2, seed: initialization.seed &* 7 &+ 3)
            let root = (w1 * w1.transposed + lambda * Matrix.identity(n1)).psdPower(0.5, cutoff: 0)
            var rm = Matrix(rows: n2, columns: n1)
            for i in 0..<n2 { for j in 0..<n1 { rm[i, j] = r[i * n2 + j] } }
            w2 = rm * root
        } else {
            for k in w2.values.indices { w2.values[k] = scale * g.normal() }
            let r = randomOrthogonal(n0, seed: initialization.seed &* 7 &+ 3)
            let root = (w2.transposed * w2 - lambda * Matrix.identity(n1)).psdPower(0.5, cutoff: 0)
            var rt = Matrix(rows: n1, columns: n0)
            for i in 0..<n1 { for j in 0..<n0 { rt[i, j] = r[j * n0 + i] } }
            w1 = root * rt
        }
        return w1.values + w2.values
    }

    /// For a two-layer network: lambda = tr(W2^T W2 - W1 W1^T)/n1 and the imbalance
    /// ||W2^T W2 - W1 W1^T - lambda I||_F / max(||W1 W1^T||_F, ||W2^T W2||_F, tiny), which is
    /// round-off (about 1e-15) for lambda-balanced weights.
    public static func balance(widths: [Int], weights: [Double]) -> (lambda: Double, imbalance: Double) {
        let n0 = widths[0], n1 = widths[1], n2 = widths[2]
        let w1 = Matrix(rows: n1, columns: n0, values: Array(weights[0..<(n1 * n0)]))
        let w2 = Matrix(rows: n2, columns: n1, values: Array(weights[(n1 * n0)..<(n1 * n0 + n2 * n1)]))
        let a = w2.transposed * w2, b = w1 * w1.transposed
        let d = a - b
        var lambda = 0.0
        for i in 0..<n1 { lambda += d[i, i] }
        lambda /= Double(n1)
        let rest = d - lambda * Matrix.identity(n1)
        return (lambda, rest.norm / max(a.norm, b.norm, abs(lambda) * Double(n1).squareRoot(), 1e-300))
    }
}
