import Foundation
import Testing

/// `lindyn demo` end to end (quick mode, in a temporary directory): the shipped grids compiled
/// in, every point passing, the seed talk's figures written, and a summary saying where to look.
@Suite(.serialized) struct DemoCommandTests {
    @Test func quickDemoFromAnotherDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let r = try LindynRun.run(["demo", "--quick"], in: dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("failed: 0."))
        #expect(r.stdout.contains("Where to look"))
        let out = dir.appendingPathComponent("lindyn-out")
        for file in ["README.md", "errors.md", "stiffness.csv", "work-precision.tex", "summary.json", "plots/seed-scalar.svg", "plots/seed-network.svg", "plots/seed-dropout.svg", "plots/stiffness-map.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("## Summary by grid"))
    }
}
