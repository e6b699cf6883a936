internal import CGSL
import Foundation

extension LinearAlgebra {
    /// Eigenvalues (descending) and orthonormal eigenvectors of a real symmetric n x n matrix
    /// (row-major; symmetry is assumed, the lower triangle is read), by LAPACK's divide-and-
    /// conquer `dsyevd`. `vectors[k]` belongs to `values[k]`.
    public static func symmetricEigenSystem(_ matrix: [Double], n: Int) throws -> (values: [Double], vectors: [[Double]]) {
        guard n > 0, matrix.count == n * n else {
            throw Failure(message: "symmetricEigenSystem: expected \(n * n) entries, got \(matrix.count)")
        }
        guard matrix.allSatisfy(\.isFinite) else { throw Failure(message: "symmetricEigenSystem: the matrix has non-finite entries") }
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        var info: Int32 = 0
        var nn = Int32(n)
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workSize = 0.0
        var iworkSize: Int32 = 0
        let jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        withUnsafePointer(to: jobz) { jz in
            withUnsafePointer(to: uplo) { ul in
                dsyevd_(jz, ul, &nn, &a, &nn, &w, &workSize, &lwork, &iworkSize, &liwork, &info)
            }
        }
        guard info == 0 else { throw Failure(message: "dsyevd workspace query failed (info \(info))") }
        lwork = Int32(workSize.rounded(.up))
        liwork = max(1, iworkSize)
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        withUnsafePointer(to: jobz) { jz in
            withUnsafePointer(to: uplo) { ul in
                dsyevd_(jz, ul, &nn, &a, &nn, &w, &work, &lwork, &iwork, &liwork, &info)
            }
        }
        guard info == 0 else { throw Failure(message: "dsyevd did not converge (info \(info))") }
        // Column-major output: eigenvector k is a[k*n ..< (k+1)*n]; LAPACK sorts ascending.
        let order = (0..<n).reversed()
        return (order.map { w[$0] }, order.map { k in Array(a[(k * n)..<((k + 1) * n)]) })
    }

    /// The thin singular value decomposition M = sum_k s_k u_k v_k^T of a row-major
    /// rows x cols matrix, s descending, k < min(rows, cols), by LAPACK's `dgesdd`.
    public static func singularValueDecomposition(_ matrix: [Double], rows: Int, cols: Int) throws
        -> (values: [Double], left: [[Double]], right: [[Double]])
    {
        guard rows > 0, cols > 0, matrix.count == rows * cols else {
            throw Failure(message: "singularValueDecomposition: expected \(rows * cols) entries, got \(matrix.count)")
        }
        guard matrix.allSatisfy(\.isFinite) else { throw Failure(message: "singularValueDecomposition: the matrix has non-finite entries") }
        // Row-major M is column-major M^T (cols x rows): M^T = U' S V'^T, so M's left vectors
        // are V' (rows of VT') and its right vectors U' (columns of U').
        var a = matrix
        let k = min(rows, cols)
        var m = Int32(cols), n = Int32(rows), kk = Int32(k)
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: cols * k)
        var vt = [Double](repeating: 0, count: k * rows)
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var info: Int32 = 0
        var lwork: Int32 = -1
        var workSize = 0.0
        let jobz = Int8(UInt8(ascii: "S"))
        withUnsafePointer(to: jobz) { jz in
            dgesdd_(jz, &m, &n, &a, &m, &s, &u, &m, &vt, &kk, &workSize, &lwork, &iwork, &info)
        }
        guard info == 0 else { throw Failure(message: "dgesdd workspace query failed (info \(info))") }
        lwork = Int32(workSize.rounded(.up))
        var work = [Double](repeating: 0, count: Int(lwork))
        withUnsafePointer(to: jobz) { jz in
            dgesdd_(jz, &m, &n, &a, &m, &s, &u, &m, &vt, &kk, &work, &lwork, &iwork, &info)
        }
        guard info == 0 else { throw Failure(message: "dgesdd did not converge (info \(info))") }
        let left = (0..<k).map { c in (0..<rows).map { i in vt[c + i * k] } }
        let right = (0..<k).map { c in Array(u[(c * cols)..<((c + 1) * cols)]) }
        return (s, left, right)
    }
}
