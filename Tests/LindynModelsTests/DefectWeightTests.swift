import CGSL
import Testing

/// The rk8pd dense output's defect estimate reads its weights at theta = 0.3 from a table
/// (`lindyn_rk8pd_defect_weights` in Sources/CGSL/shim.h) instead of forming them every step:
/// the table must hold exactly what `lindyn_rk8pd_interpolate` computes from the interpolant's
/// coefficients (`lindyn_rk8pd_dense_columns`), so that the estimate, and with it every step the
/// dense output controls, is unchanged.
@Suite struct DefectWeightTests {
    static func rows<T>(_ table: T, columns: Int) -> [[Double]] {
        let flat = withUnsafeBytes(of: table) { Array($0.bindMemory(to: Double.self)) }
        return stride(from: 0, to: flat.count, by: columns).map { Array(flat[$0..<($0 + columns)]) }
    }

    @Test func tableHoldsTheInterpolantsWeightsAtTheSamplePoint() {
        let columns = Self.rows(lindyn_rk8pd_dense_columns, columns: 10)
        let table = Self.rows(lindyn_rk8pd_defect_weights, columns: 10)
        #expect(columns.count == 6 && table.count == 2)
        // lindyn_rk8pd_interpolate's arithmetic, in its order (Swift forms no fused products).
        let theta = 0.3
        let t2 = theta * theta, t3 = t2 * theta, t4 = t2 * t2, t5 = t4 * theta, t6 = t3 * t3
        let pw = [t6, t5, t4, t3, t2, theta]
        let dpw = [6 * t5, 5 * t4, 4 * t3, 3 * t2, 2 * theta, 1]
        var w = [Double](repeating: 0, count: 10), dw = w
        for j in 0..<6 {
            for r in 0..<10 { w[r] += columns[j][r] * pw[j] }
        }
        for j in 0..<6 {
            for r in 0..<10 { dw[r] += columns[j][r] * dpw[j] }
        }
        #expect(table[0] == w, "b_i(0.3)")
        #expect(table[1] == dw, "b_i'(0.3)")
        // A consistent continuous extension reproduces y' = 1: sum b_i(theta) = theta and
        // sum b_i'(theta) = 1 (to the rounding of sums of ten terms of size < 1).
        #expect(abs(w.reduce(0, +) - theta) < 1e-14 && abs(dw.reduce(0, +) - 1) < 1e-14)
        #expect(Double(LINDYN_RK8PD_DEFECT_THETA) == theta)
    }
}
