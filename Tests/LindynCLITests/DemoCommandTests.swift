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
        for file in ["README.md", "errors.md", "stiffness.csv", "work-precision.tex", "summary.json", "plots/seed-scalar.svg", "plots/seed-network.svg", "plots/seed-dropout.svg", "plots/stiffness-map.svg", "plots/generalisation-curves.svg", "plots/double-descent.svg", "plots/optimal-stopping.svg", "generalisation-figures.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("## Summary by grid"))
        #expect(readme.contains("## Generalisation figures"))
        // The generalisation figures are redrawn from their saved numbers with the others.
        let again = dir.appendingPathComponent("again")
        let redraw = try LindynRun.run(["plot", "--from", out.path, "--out", again.path], in: dir)
        #expect(redraw.status == 0, "\(redraw.stderr)")
        for name in ["generalisation-curves", "double-descent", "optimal-stopping"] {
            let a = try Data(contentsOf: out.appendingPathComponent("plots/\(name).svg")), b = try Data(contentsOf: again.appendingPathComponent("\(name).svg"))
            #expect(a.count > 1000 && b.count > 1000)
        }
    }
}
