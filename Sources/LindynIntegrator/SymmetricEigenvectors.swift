internal import CGSL
import Foundation

extension LinearAlgebra {
    /// Eigenvalues and orthonormal eigenvectors of a real symmetric n x n matrix (row-major; the
    /// lower triangle is read) by `gsl_eigen_symmv`, eigenvalues in descending order. Column k of
    /// `vectors` (row-major n x n) belongs to `values[k]`.
    public static func symmetricEigenvectors(_ matrix: [Double], n: Int) throws(Failure) -> (values: [Double], vectors: [Double]) {
        // The same decomposition as symmetricEigenSystem, with the vectors as columns of one
        // row-major matrix.
        let system = try symmetricEigenSystem(matrix, n: n)
        var vectors = [Double](repeating: 0, count: n * n)
        for (k, vector) in system.vectors.enumerated() {
            for i in 0..<n { vectors[i * n + k] = vector[i] }
        }
        return (system.values, vectors)
    }

    /// The singular value decomposition Sigma = U S V^T of a row-major m x n matrix, with U
    /// (m x m) and V (n x n) orthogonal and the singular values in descending order (min(m, n)
    /// of them). Computed from the symmetric eigenproblem of [[0, A^T], [A, 0]], whose
    /// eigenvalues are +-s_i with eigenvectors (v_i, +-u_i)/sqrt 2 (backward stable: each s_i is
    /// accurate to round-off times the largest); singular values below 1e-13 of the largest
    /// count as zero, and their directions complete U and V to orthonormal bases.
    public static func singularValueDecomposition(_ a: [Double], rows m: Int, columns n: Int) throws(Failure) -> (u: [Double], s: [Double], v: [Double]) {
        guard m > 0, n > 0, a.count == m * n else {
            throw Failure(message: "singularValueDecomposition: expected \(m * n) entries, got \(a.count)")
        }
        let size = m + n
        var h = [Double](repeating: 0, count: size * size)
        for i in 0..<m {
            for j in 0..<n {
                h[(n + i) * size + j] = a[i * n + j]
                h[j * size + n + i] = a[i * n + j]
            }
        }
        let (values, vectors) = try symmetricEigenvectors(h, n: size)
        let rank = min(m, n)
        let largest = max(values.first ?? 0, 0)
        var s: [Double] = []
        var uColumns: [[Double]] = []
        var vColumns: [[Double]] = []
        for k in 0..<rank where values[k] > 1e-13 * largest && values[k] > 0 {
            s.append(values[k])
            vColumns.append((0..<n).map { vectors[$0 * size + k] * 2.0.squareRoot() })
            uColumns.append((0..<m).map { vectors[(n + $0) * size + k] * 2.0.squareRoot() })
        }
        // Re-orthonormalise (clusters of equal singular values) and complete the bases.
        func complete(_ columns: [[Double]], _ dim: Int) -> [[Double]] {
            var basis: [[Double]] = []
            func add(_ c: [Double]) -> Bool {
                var x = c
                for _ in 0..<2 {
                    for b in basis {
                        var d = 0.0
                        for i in 0..<dim { d += b[i] * x[i] }
                        for i in 0..<dim { x[i] -= d * b[i] }
                    }
                }
                let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0.5 else { return false }
                basis.append(x.map { $0 / norm })
                return true
            }
            for c in columns { _ = add(c) }
            var e = 0
            while basis.count < dim && e < dim {
                var unit = [Double](repeating: 0, count: dim)
                unit[e] = 1
                _ = add(unit)
                e += 1
            }
            return basis
        }
        let uBasis = complete(uColumns, m), vBasis = complete(vColumns, n)
        guard uBasis.count == m, vBasis.count == n else { throw Failure(message: "singularValueDecomposition: could not complete the bases") }
        s += Array(repeating: 0, count: rank - s.count)
        var u = [Double](repeating: 0, count: m * m), v = [Double](repeating: 0, count: n * n)
        for (k, c) in uBasis.enumerated() { for i in 0..<m { u[i * m + k] = c[i] } }
        for (k, c) in vBasis.enumerated() { for i in 0..<n { v[i * n + k] = c[i] } }
        return (u, s, v)
    }
}
