import Foundation

/// A small dense real matrix, row-major, for the closed forms that need matrix algebra (the
/// two-layer solution from any start, the end-to-end flow). Sizes are those of a network's
/// widths; the products are plain loops (this module has no BLAS).
public struct Matrix: Sendable, Hashable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Entries, row-major: `values[i * columns + j]`.
    public var values: [Double]

    /// A `rows x columns` matrix from its entries in row-major order.
    ///
    /// - Precondition: `values.count == rows * columns`.
    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "a \(rows) x \(columns) matrix needs \(rows * columns) entries")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A `rows x columns` matrix whose every entry is `x` (the zero matrix by default).
    public init(rows: Int, columns: Int, repeating x: Double = 0) {
        self.init(rows: rows, columns: columns, values: Array(repeating: x, count: rows * columns))
    }

    /// The n x n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A diagonal matrix.
    public static func diagonal(_ d: [Double]) -> Matrix {
        var m = Matrix(rows: d.count, columns: d.count)
        for (i, x) in d.enumerated() { m[i, i] = x }
        return m
    }

    /// The entry in row `i`, column `j` (both from 0).
    public subscript(i: Int, j: Int) -> Double {
        get { values[i * columns + j] }
        set { values[i * columns + j] = newValue }
    }

    /// The transpose (`columns x rows`).
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t.values[j * rows + i] = values[i * columns + j] } }
        return t
    }

    /// The matrix product `a b`.
    ///
    /// - Precondition: `a.columns == b.rows`.
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.columns == b.rows, "product of \(a.rows)x\(a.columns) and \(b.rows)x\(b.columns)")
        var c = Matrix(rows: a.rows, columns: b.columns)
        let n = b.columns
        a.values.withUnsafeBufferPointer { av in
            b.values.withUnsafeBufferPointer { bv in
                c.values.withUnsafeMutableBufferPointer { cv in
                    for i in 0..<a.rows {
                        for k in 0..<a.columns {
                            let x = av[i * a.columns + k]
                            if x == 0 { continue }
                            for j in 0..<n { cv[i * n + j] += x * bv[k * n + j] }
                        }
                    }
                }
            }
        }
        return c
    }

    /// The entrywise sum.
    ///
    /// - Precondition: `a` and `b` have the same shape.
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns)
        return Matrix(rows: a.rows, columns: a.columns, values: zip(a.values, b.values).map { $0 + $1 })
    }

    /// The entrywise difference `a - b`.
    ///
    /// - Precondition: `a` and `b` have the same shape.
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns)
        return Matrix(rows: a.rows, columns: a.columns, values: zip(a.values, b.values).map { $0 - $1 })
    }

    /// The matrix `a` scaled by `x`.
    public static func * (x: Double, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, columns: a.columns, values: a.values.map { x * $0 })
    }

    /// The Frobenius norm.
    public var norm: Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Rows `r0..<r1`, columns `c0..<c1`.
    public func block(rows r: Range<Int>, columns c: Range<Int>) -> Matrix {
        var m = Matrix(rows: r.count, columns: c.count)
        for i in r { for j in c { m[i - r.lowerBound, j - c.lowerBound] = self[i, j] } }
        return m
    }

    /// The symmetric part (A + A^T)/2 (to remove round-off asymmetry).
    public var symmetrised: Matrix {
        var m = self
        for i in 0..<rows { for j in 0..<i { let x = 0.5 * (self[i, j] + self[j, i]); m[i, j] = x; m[j, i] = x } }
        return m
    }
}

/// The eigendecomposition A = E diag(values) E^T of a real symmetric matrix.
public struct SymmetricEigensystem: Sendable, Hashable {
    /// Eigenvalues, descending.
    public let values: [Double]
    /// Orthonormal eigenvectors as columns, in the order of `values`.
    public let vectors: Matrix

    /// Cyclic Jacobi rotations until the off-diagonal part is below 1e-18 of the norm (or every
    /// off-diagonal entry is negligible against its diagonal neighbours): eigenvalues accurate to
    /// round-off relative to the norm, eigenvectors orthonormal to round-off. About 6-10 sweeps
    /// of 4n^3 operations each; meant for n up to a few hundred.
    public init(_ a: Matrix) {
        precondition(a.rows == a.columns, "a symmetric eigenproblem needs a square matrix")
        let n = a.rows
        var m = a.symmetrised.values
        var v = Matrix.identity(n).values
        let total = m.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { off += m[i * n + j] * m[i * n + j] } }
            if off == 0 || off <= 1e-36 * total { break }
            var rotated = false
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) {
                    let apq = m[p * n + q]
                    if apq == 0 { continue }
                    let app = m[p * n + p], aqq = m[q * n + q]
                    // Skip entries that cannot change the diagonal in floating point.
                    if abs(apq) * 1e18 < abs(app) && abs(apq) * 1e18 < abs(aqq) { m[p * n + q] = 0; m[q * n + p] = 0; continue }
                    rotated = true
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let mkp = m[k * n + p], mkq = m[k * n + q]
                        m[k * n + p] = c * mkp - s * mkq
                        m[k * n + q] = s * mkp + c * mkq
                    }
                    for k in 0..<n {
                        let mpk = m[p * n + k], mqk = m[q * n + k]
                        m[p * n + k] = c * mpk - s * mqk
                        m[q * n + k] = s * mpk + c * mqk
                    }
                    m[p * n + q] = 0
                    m[q * n + p] = 0
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
            if !rotated { break }
        }
        let order = (0..<n).sorted { m[$0 * n + $0] > m[$1 * n + $1] }
        values = order.map { m[$0 * n + $0] }
        var e = Matrix(rows: n, columns: n)
        for (k, col) in order.enumerated() { for i in 0..<n { e[i, k] = v[i * n + col] } }
        vectors = e
    }

    /// E diag(g(values)) E^T.
    public func apply(_ g: (Double) -> Double) -> Matrix {
        let n = values.count
        var out = Matrix(rows: n, columns: n)
        let d = values.map(g)
        for i in 0..<n {
            for j in 0...i {
                var x = 0.0
                for k in 0..<n { x += vectors[i, k] * d[k] * vectors[j, k] }
                out[i, j] = x
                out[j, i] = x
            }
        }
        return out
    }
}

extension Matrix {
    /// The principal power A^p of a symmetric positive semi-definite matrix; eigenvalues below
    /// `cutoff` times the largest count as exactly zero (a round-off eigenvalue of 1e-17 raised
    /// to a small power would otherwise inject an O(1e-4) error); power 0 is the identity.
    public func psdPower(_ p: Double, cutoff: Double = 1e-10) -> Matrix {
        if p == 0 { return .identity(rows) }
        let eig = SymmetricEigensystem(self)
        let top = max(eig.values.first ?? 0, 0)
        return eig.apply { x in x <= cutoff * top || x <= 0 ? 0 : pow(x, p) }
    }
}
