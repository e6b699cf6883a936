import Foundation
import Testing

/// Every LaTeX file Lindyn writes compiles with a real TeX (pdfLaTeX, twice so that longtable's
/// column widths settle) on the default `article` page, without errors and without overfull
/// boxes. Needs pdflatex with booktabs, siunitx and longtable (Debian: texlive-latex-recommended,
/// texlive-latex-extra, texlive-science; `make test` and `.ci/run` install them when missing).
@Suite(.serialized) struct LaTeXCompileTests {
    static let pdflatex: String? = ["/usr/bin/pdflatex", "/usr/local/bin/pdflatex", "/Library/TeX/texbin/pdflatex"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static let hasPackages: Bool = {
        guard let tex = pdflatex else { return false }
        let kpsewhich = URL(fileURLWithPath: tex).deletingLastPathComponent().appendingPathComponent("kpsewhich").path
        guard FileManager.default.isExecutableFile(atPath: kpsewhich) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kpsewhich)
        process.arguments = ["siunitx.sty", "booktabs.sty", "longtable.sty"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return false }
        let found = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return found.split(separator: "\n").count == 3
    }()

    /// Compiles `body` in a plain article; returns the log.
    static func compile(_ body: String, in directory: URL) throws -> (status: Int32, log: String) {
        let document = """
            \\documentclass{article}
            \\usepackage[T1]{fontenc}
            \\usepackage{booktabs}
            \\usepackage{siunitx}
            \\usepackage{longtable}
            \\usepackage{amsmath}
            \\begin{document}
            \(body)
            \\end{document}

            """
        try document.write(to: directory.appendingPathComponent("doc.tex"), atomically: true, encoding: .utf8)
        var status: Int32 = 0
        for _ in 0..<2 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: pdflatex!)
            process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            status = process.terminationStatus
            if status != 0 { break }
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("doc.log"), encoding: .isoLatin1)) ?? ""
        return (status, log)
    }

    static func overfull(_ log: String) -> [String] {
        log.split(separator: "\n").filter { $0.hasPrefix("Overfull") }.map(String.init)
    }

    /// The tables of a run over grids with one, two and four parameters (one tied axis, one a
    /// boolean, one a list).
    @Test(.enabled(if: hasPackages, "pdflatex with booktabs, siunitx and longtable is not installed (Debian: texlive-latex-recommended texlive-latex-extra texlive-science); skipping the LaTeX compile test"))
    func validationTablesCompileOnAPage() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-latex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let r = try LindynRun.run([
            "validate", "Validation/grids/seed-scalar.json", "Validation/grids/seed-dropout.json",
            "Validation/grids/stiff-network.json", "--out", base.path, "--quick", "--no-plots",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let names = ["summary", "errors", "stiffness", "work-precision"]
        for name in names {
            let text = try String(contentsOf: base.appendingPathComponent("\(name).tex"), encoding: .utf8)
            #expect(text.contains("\\label{tab:"), "\(name).tex has no label")
            #expect(text.contains("\\toprule") && text.contains("S[table-format="), "\(name).tex: booktabs and siunitx")
        }
        let (status, log) = try Self.compile(names.map { "\\input{\(base.path)/\($0).tex}" }.joined(separator: "\n"), in: base)
        #expect(status == 0, "pdflatex failed: \(log.split(separator: "\n").filter { $0.hasPrefix("!") }.prefix(3))")
        #expect(Self.overfull(log).isEmpty, "\(Self.overfull(log).prefix(5))")
        #expect(!log.contains("Table widths have changed"), "longtable did not settle in two runs")
    }

    /// A table too wide for the page is reported: the check can fail.
    @Test(.enabled(if: hasPackages, "pdflatex with booktabs, siunitx and longtable is not installed; skipping"))
    func anOverfullTableIsDetected() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-latex-wide-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let r = try LindynRun.run([
            "validate", "Validation/grids/seed-scalar.json", "--out", base.path, "--quick", "--no-plots",
            "--columns", "errors=grid,point,parameters,method,stepper,epsabs,epsrel,reference,compared,max_abs_error,max_rel_error,max_scaled_error,error_ratio,status",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let (_, log) = try Self.compile("\\input{\(base.path)/errors.tex}", in: base)
        #expect(!Self.overfull(log).isEmpty)
    }

    /// `lindyn equations --latex` prints one equation per line, each valid in display maths.
    @Test(.enabled(if: hasPackages, "pdflatex is not installed; skipping"))
    func equationsCompile() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-latex-eq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let r = try LindynRun.run(["equations", "Validation/problems/weight-decay-loss.json", "--latex"])
        #expect(r.status == 0)
        let body = r.stdout.split(separator: "\n").map { "\\[ \($0) \\]" }.joined(separator: "\n")
        let (status, log) = try Self.compile(body, in: base)
        #expect(status == 0, "\(log.split(separator: "\n").filter { $0.hasPrefix("!") }.prefix(3))")
        #expect(Self.overfull(log).isEmpty, "\(Self.overfull(log).prefix(3))")
    }

    @Test func unknownLatexColumnIsAUsageError() throws {
        let r = try LindynRun.run(["validate", "Validation/grids/seed-scalar.json", "--out", "/tmp/lindyn-latex-unused", "--quick", "--columns", "errors=bogus"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("errors has no column 'bogus'"))
    }
}
