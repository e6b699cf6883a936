import Foundation
import Testing

/// `lindyn stiffness FILE` end to end on problems with known eigenvalues.
@Suite(.serialized) struct StiffnessCommandTests {
    /// The classic system [[998, 1998], [-999, -1999]] has eigenvalues -1 and -1000 everywhere:
    /// max|lambda| = 1000, restricted ratio 1000, T max|lambda| = 10 * 1000; rk4 needs over 10x
    /// the steps of rk4imp (stability h < 2.785/1000).
    @Test func stiffLinearSystemAsJSON() throws {
        let r = try LindynRun.run(["stiffness", "Validation/problems/stiff-linear.json", "--format", "json", "--samples", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["verdict"] as? String == "stiff")
        let rows = try #require(json["rows"] as? [[Any]])
        #expect(rows.count == 5)
        for row in rows {
            #expect(abs((row[1] as? Double ?? 0) - 1000) < 1e-9)
            #expect(abs((row[5] as? Double ?? 0) - 1000) < 1e-6)
        }
        #expect(abs((json["T_max_lambda"] as? Double ?? 0) - 1e4) < 1e-6)
        #expect((json["step_ratio"] as? Double ?? 0) > 10)
    }

    /// A Saxe mode is not stiff; its descent index near the learned mode is 2 s / tau = 0.06 (the
    /// file ends at t = 300, where u is within 1e-3 relative of s: 0.06 to 3 digits).
    @Test func saxeModeTable() throws {
        let r = try LindynRun.run(["stiffness", "Validation/problems/saxe-mode.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("verdict: not stiff"))
        let marker = "alpha max|lambda(Hessian)| = "
        let tail = try #require(r.stdout.range(of: marker)).upperBound
        let value = Double(r.stdout[tail...].prefix { "0123456789.e-".contains($0) }) ?? 0
        #expect(abs(value - 0.06) < 1e-4, "\(value)")
    }

    @Test func usageErrors() throws {
        #expect(try LindynRun.run(["stiffness", "Validation/problems/saxe-mode.json", "--implicit", "rk4"]).status == 64)
        #expect(try LindynRun.run(["stiffness", "-"], stdin: #"{"model": {"kind": "mode"}}"#).status == 65)
    }
}
