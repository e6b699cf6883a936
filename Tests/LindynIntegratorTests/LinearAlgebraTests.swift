import Foundation
import Testing
import LindynIntegrator

@Suite struct LinearAlgebraTests {
    @Test func symmetricEigenvaluesOfKnownMatrix() throws {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3 (by hand: (2 - l)^2 = 1).
        let values = try LinearAlgebra.symmetricEigenvalues([2, 1, 1, 2], n: 2)
        #expect(abs(values[0] - 1) < 1e-14 && abs(values[1] - 3) < 1e-14)
        // The tridiagonal (2, -1) matrix of size n has eigenvalues 2 - 2 cos(k pi/(n+1)).
        let n = 12
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            m[i * n + i] = 2
            if i > 0 { m[i * n + i - 1] = -1; m[(i - 1) * n + i] = -1 }
        }
        let computed = try LinearAlgebra.symmetricEigenvalues(m, n: n)
        let exact = (1...n).map { 2 - 2 * cos(Double($0) * Double.pi / Double(n + 1)) }.sorted()
        // Backward-stable QL: errors of order n eps ||A|| (||A|| <= 4).
        #expect(zip(computed, exact).allSatisfy { abs($0 - $1) < 1e-13 })
    }

    @Test func generalEigenvaluesOfRotation() throws {
        // A rotation by theta has eigenvalues e^{+-i theta}.
        let theta = 0.7
        let values = try LinearAlgebra.generalEigenvalues([cos(theta), -sin(theta), sin(theta), cos(theta)], n: 2)
        #expect(abs(values[0].re - cos(theta)) < 1e-14 && abs(abs(values[0].im) - sin(theta)) < 1e-14)
        #expect(abs(values[0].im + values[1].im) < 1e-14)
    }

    @Test func matrixProductsRunOnOpenBLASAndGSLKeepsItsOwnCBLAS() {
        // OpenBLAS serves the large products (its Fortran dgemm_), GSL's own CBLAS the tiny
        // level-1/2 calls inside GSL's implicit steppers (measured: routing those through
        // OpenBLAS made two parallel workers slower than one; see Notes/performance.md).
        #expect(LinearAlgebra.blasConfiguration.contains("OpenBLAS"))
        #if os(Linux)
        #expect(LinearAlgebra.matrixProductLibrary.contains("openblas"))
        #expect(LinearAlgebra.libraryDefining("cblas_daxpy")?.contains("gslcblas") == true,
                "cblas_daxpy resolves to \(LinearAlgebra.libraryDefining("cblas_daxpy") ?? "nothing")")
        #endif
        let before = LinearAlgebra.blasThreads
        LinearAlgebra.blasThreads = 1
        #expect(LinearAlgebra.blasThreads == 1)
        LinearAlgebra.blasThreads = before
    }

    @Test func badMatricesAreRefused() {
        #expect(throws: LinearAlgebra.Failure.self) { try LinearAlgebra.symmetricEigenvalues([1, 2, 3], n: 2) }
        #expect(throws: LinearAlgebra.Failure.self) { try LinearAlgebra.symmetricEigenvalues([1, .nan, .nan, 1], n: 2) }
    }

    @Test func gemmMatchesNaiveProduct() {
        let m = 3, k = 4, n = 2
        let a = (0..<(m * k)).map { Double($0) * 0.5 - 1 }
        let b = (0..<(k * n)).map { Double($0 * $0) * 0.1 }
        var c = [Double](repeating: 1, count: m * n)
        LinearAlgebra.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 2, a: a, lda: k, b: b, ldb: n, beta: 0.5, c: &c, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                let naive = 2 * (0..<k).reduce(0.0) { $0 + a[i * k + $1] * b[$1 * n + j] } + 0.5
                #expect(abs(c[i * n + j] - naive) < 1e-12)
            }
        }
        // Transposed A: A^T is k x m stored as the m x k... use a k x m matrix here.
        let at = (0..<(k * m)).map { Double($0) }
        var c2 = [Double](repeating: 0, count: m * n)
        LinearAlgebra.gemm(transposeA: true, transposeB: false, m: m, n: n, k: k, alpha: 1, a: at, lda: m, b: b, ldb: n, beta: 0, c: &c2, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                let naive = (0..<k).reduce(0.0) { $0 + at[$1 * m + i] * b[$1 * n + j] }
                #expect(abs(c2[i * n + j] - naive) < 1e-12)
            }
        }
    }
}
