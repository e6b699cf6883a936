import Foundation
import Testing

/// `solve` reports its conservation laws; `formula` gives the any-start closed forms.
@Suite struct AnyInitCommandTests {
    @Test func solveReportsInvariants() throws {
        let r = try LindynRun.run(["solve", "Validation/problems/robertson.json", "--stepper", "bsimp", "--format", "json"])
        #expect(r.status == 0)
        let invariants = try #require(r.json?["invariants"] as? [[String: Any]])
        #expect(invariants.first?["name"] as? String == "y1 + y2 + y3")
        #expect((invariants.first?["relative_drift"] as? Double ?? 1) < 1e-12)
        #expect(!r.stderr.contains("warning"))
        let table = try LindynRun.run(["solve", "Validation/problems/lambda-balanced.json"])
        #expect(table.stdout.contains("invariant W2^T W2 - W1 W1^T: worst drift"))
    }

    @Test func formulaReportsTheStall() throws {
        let r = try LindynRun.run(["formula", "Validation/problems/wrong-sign-stall.json", "--format", "json"])
        #expect(r.status == 0)
        let derived = try #require(r.json?["derived"] as? [String: Any])
        #expect(abs((derived["saddle_loss"] as? Double ?? 0) - 0.125) < 1e-12)
    }
}
