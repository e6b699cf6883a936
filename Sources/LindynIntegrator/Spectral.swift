internal import CGSL
import Foundation

extension LinearAlgebra {
    /// Eigenvalues (descending) and orthonormal eigenvectors of a real symmetric n x n matrix
    /// (row-major; the lower triangle is read), by `gsl_eigen_symmv` (Householder
    /// tridiagonalisation + implicit QL). `vectors[k]` belongs to `values[k]`.
    public static func symmetricEigenSystem(_ matrix: [Double], n: Int) throws(Failure) -> (values: [Double], vectors: [[Double]]) {
        try withGSLMatrix(matrix, n: n, caller: "symmetricEigenSystem") { a throws(Failure) in
            guard let eval = gsl_vector_alloc(n), let evec = gsl_matrix_alloc(n, n), let work = gsl_eigen_symmv_alloc(n) else {
                throw Failure(message: "symmetricEigenSystem: allocation failed")
            }
            defer {
                gsl_vector_free(eval)
                gsl_matrix_free(evec)
                gsl_eigen_symmv_free(work)
            }
            let status = gsl_eigen_symmv(a, eval, evec, work)
            guard status == GSL_SUCCESS else { throw Failure(message: "gsl_eigen_symmv failed with status \(status)") }
            let order = (0..<n).sorted { gsl_vector_get(eval, $0) > gsl_vector_get(eval, $1) }
            return (order.map { gsl_vector_get(eval, $0) }, order.map { k in (0..<n).map { gsl_matrix_get(evec, $0, k) } })
        }
    }

    /// The thin singular value decomposition M = sum_k s_k u_k v_k^T of a row-major
    /// rows x cols matrix, s descending, k < min(rows, cols): the eigensystem of the smaller of
    /// M M^T and M^T M, the other side's vectors as M^T u_k / s_k (or M v_k / s_k), orthonormal to
    /// working accuracy relative to the largest singular value. A zero singular value gets a
    /// zero partner vector.
    public static func singularValueDecomposition(_ matrix: [Double], rows: Int, cols: Int) throws(Failure)
        -> (values: [Double], left: [[Double]], right: [[Double]])
    {
        guard rows > 0, cols > 0, matrix.count == rows * cols else {
            throw Failure(message: "singularValueDecomposition: expected \(rows * cols) entries, got \(matrix.count)")
        }
        let wide = rows <= cols
        let k = min(rows, cols), other = max(rows, cols)
        // G = M M^T (rows <= cols) or M^T M.
        var g = [Double](repeating: 0, count: k * k)
        matrix.withUnsafeBufferPointer { m in
            g.withUnsafeMutableBufferPointer { c in
                gemm(transposeA: !wide, transposeB: wide, m: k, n: k, k: other, alpha: 1, a: m.baseAddress!, lda: cols,
                     b: m.baseAddress!, ldb: cols, beta: 0, c: c.baseAddress!, ldc: k)
            }
        }
        for i in 0..<k { for j in 0..<i { let v = 0.5 * (g[i * k + j] + g[j * k + i]); g[i * k + j] = v; g[j * k + i] = v } }
        let (values, vectors) = try symmetricEigenSystem(g, n: k)
        let s = values.map { $0 > 0 ? $0.squareRoot() : 0 }
        let partners: [[Double]] = (0..<k).map { a in
            guard s[a] > 0 else { return [Double](repeating: 0, count: other) }
            // The same sums in the same order as M^T v (or M v) written out, on unsafe buffers.
            return vectors[a].withUnsafeBufferPointer { v in
                matrix.withUnsafeBufferPointer { m in
                    (0..<other).map { j in
                        var total = 0.0, i = 0
                        if wide {
                            while i < rows { total += m[i * cols + j] * v[i]; i += 1 }
                        } else {
                            while i < cols { total += m[j * cols + i] * v[i]; i += 1 }
                        }
                        return total / s[a]
                    }
                }
            }
        }
        return wide ? (s, vectors, partners) : (s, partners, vectors)
    }
}
