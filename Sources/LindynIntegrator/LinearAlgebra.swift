internal import CGSL
import Foundation

/// Dense linear algebra that the gradient-flow models and the stiffness analysis need, through
/// GSL (and the CBLAS it is linked with). Matrices are row-major `[Double]`.
public enum LinearAlgebra {
    /// A refused or failed decomposition.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed, in one sentence.
        public let message: String
        /// The ``message``.
        public var description: String { message }
    }

    /// Eigenvalues of a real symmetric n x n matrix (only the lower triangle is read), in
    /// ascending order, by `gsl_eigen_symm` (Householder tridiagonalisation + implicit QL).
    /// Gradient flows have symmetric Jacobians (J = -Hessian/tau), for which this is the right
    /// and stable solver.
    public static func symmetricEigenvalues(_ matrix: [Double], n: Int) throws(Failure) -> [Double] {
        try withGSLMatrix(matrix, n: n, caller: "symmetricEigenvalues") { a throws(Failure) in
            guard let eval = gsl_vector_alloc(n), let work = gsl_eigen_symm_alloc(n) else {
                throw Failure(message: "symmetricEigenvalues: allocation failed")
            }
            defer {
                gsl_vector_free(eval)
                gsl_eigen_symm_free(work)
            }
            let status = gsl_eigen_symm(a, eval, work)
            guard status == GSL_SUCCESS else {
                throw Failure(message: "gsl_eigen_symm failed with status \(status)")
            }
            return (0..<n).map { gsl_vector_get(eval, $0) }.sorted()
        }
    }

    /// Eigenvalues (real and imaginary parts) of a general real n x n matrix by
    /// `gsl_eigen_nonsymm` (Hessenberg reduction + Francis QR). May fail to converge: that is
    /// reported as an error, never as made-up values. Sorted by real part, then imaginary part.
    public static func generalEigenvalues(_ matrix: [Double], n: Int) throws(Failure) -> [(re: Double, im: Double)] {
        try withGSLMatrix(matrix, n: n, caller: "generalEigenvalues") { a throws(Failure) in
            guard let eval = gsl_vector_complex_alloc(n), let work = gsl_eigen_nonsymm_alloc(n) else {
                throw Failure(message: "generalEigenvalues: allocation failed")
            }
            defer {
                gsl_vector_complex_free(eval)
                gsl_eigen_nonsymm_free(work)
            }
            let status = gsl_eigen_nonsymm(a, eval, work)
            guard status == GSL_SUCCESS else {
                throw Failure(message: "gsl_eigen_nonsymm did not converge (status \(status))")
            }
            return (0..<n).map { k -> (re: Double, im: Double) in
                let z = gsl_vector_complex_get(eval, k)
                return (z.dat.0, z.dat.1)
            }.sorted { ($0.re, $0.im) < ($1.re, $1.im) }
        }
    }

    /// Checks a row-major n x n matrix, copies it into a GSL matrix for `body` (which may
    /// overwrite it, as GSL's eigensolvers do) and frees it afterwards.
    static func withGSLMatrix<T>(
        _ matrix: [Double], n: Int, caller: String, _ body: (UnsafeMutablePointer<gsl_matrix>) throws(Failure) -> T
    ) throws(Failure) -> T {
        guard n > 0, matrix.count == n * n else {
            throw Failure(message: "\(caller): expected \(n * n) entries, got \(matrix.count)")
        }
        guard matrix.allSatisfy(\.isFinite) else {
            throw Failure(message: "\(caller): the matrix has non-finite entries")
        }
        _ = _gslErrorHandlerOff
        guard let a = gsl_matrix_alloc(n, n) else { throw Failure(message: "\(caller): allocation failed") }
        defer { gsl_matrix_free(a) }
        for i in 0..<n {
            for j in 0..<n { gsl_matrix_set(a, i, j, matrix[i * n + j]) }
        }
        return try body(a)
    }

    /// C = alpha op(A) op(B) + beta C through OpenBLAS's `dgemm`, row-major. `op(X)` is X or its
    /// transpose. op(A) is m x k, op(B) is k x n, C is m x n; the leading dimensions are the row
    /// lengths of the stored matrices. No allocation.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        _gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @usableFromInline
    static func _gemm(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double,
        _ c: UnsafeMutablePointer<Double>, _ ldc: Int
    ) {
        lindyn_dgemm(
            transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
            Int32(ldc))
    }

    /// Threads OpenBLAS may use inside one matrix product. Lindyn's grids run one solve per
    /// core, so they set this to 1 to avoid oversubscription; a single large network may use more.
    public static var blasThreads: Int {
        get { Int(lindyn_blas_threads()) }
        set { lindyn_blas_set_threads(Int32(max(1, newValue))) }
    }

    /// OpenBLAS's build description (kernel and threading), for benchmark reports.
    public static var blasConfiguration: String { String(cString: lindyn_blas_config()) }

    /// The library file that serves the matrix products (OpenBLAS, opened on first use; GSL's
    /// CBLAS when OpenBLAS cannot be opened).
    public static var matrixProductLibrary: String {
        if let address = lindyn_blas_dgemm_address(), let file = mappedFile(containing: UInt(bitPattern: address)) {
            return file
        }
        return String(cString: lindyn_blas_library())
    }

    /// The shared library that the running process resolves a C symbol to (nil when unknown):
    /// a diagnostic for which BLAS serves which call (`cblas_daxpy`: GSL's own CBLAS, used
    /// inside GSL). OpenBLAS is opened privately on first use: see ``matrixProductLibrary``.
    public static func libraryDefining(_ symbol: String) -> String? {
        #if canImport(Glibc)
        // The mapping of /proc/self/maps that contains the symbol's address names the file.
        guard let address = dlsym(nil, symbol).map({ UInt(bitPattern: $0) }) else { return nil }
        return mappedFile(containing: address)
        #else
        return nil
        #endif
    }

    /// The file mapped at `address` in this process (Linux: from /proc/self/maps).
    static func mappedFile(containing address: UInt) -> String? {
        #if canImport(Glibc)
        guard let file = FileHandle(forReadingAtPath: "/proc/self/maps") else { return nil }
        // procfs files report size 0: read to the end, not by the size.
        let maps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        try? file.close()
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6 else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let low = UInt(range[0], radix: 16), let high = UInt(range[1], radix: 16) else { continue }
            if low <= address && address < high { return fields[5...].joined(separator: " ") }
        }
        return nil
        #else
        return nil
        #endif
    }

    /// The GSL version the package is linked against.
    public static var gslVersion: String { GSL_VERSION }
}
