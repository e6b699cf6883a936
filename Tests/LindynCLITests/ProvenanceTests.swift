import Foundation
import LindynCLI
import Testing

/// Versions and provenance: `lindyn --version`, `lindyn version --json`, the record in every JSON
/// output and beside every table set, and `lindyn repeat` reproducing a run from it.
@Suite(.serialized) struct ProvenanceTests {
    static func temporary(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-provenance-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func isCommit(_ text: String) -> Bool {
        if text == "unknown" { return true }
        let hash = text.hasSuffix("-dirty") ? String(text.dropLast(6)) : text
        return hash.count == 40 && hash.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// SHA-256 by the system's `sha256sum` (GNU coreutils), an implementation independent of Lindyn's.
    static func systemSHA256(_ url: URL) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init)
    }

    @Test func versionJSONNamesEveryComponent() throws {
        let r = try LindynRun.run(["version", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let version = try #require(json["version"] as? String)
        #expect(version.split(separator: ".").count == 3 && version.split(separator: ".").allSatisfy { Int($0) != nil })
        #expect(Self.isCommit(json["commit"] as? String ?? ""), "commit \(json["commit"] ?? "none")")
        for key in ["gsl", "openblas", "swift"] {
            let value = json[key] as? String ?? ""
            #expect(value.first?.isNumber == true, "\(key) = '\(value)'")
        }
        #expect(["debug", "release"].contains(json["build_configuration"] as? String ?? ""))
        let short = try LindynRun.run(["--version"])
        #expect(short.status == 0)
        #expect(short.stdout.hasPrefix("\(version) (commit "), "\(short.stdout)")
        // `--version` alone is answered before the argument parser is built (FastPath): the text
        // must be what the parser itself prints for it (reached here through its own entry point).
        var parserText = ""
        do {
            _ = try LindynCommand.parseAsRoot(["--version"])
        } catch {
            parserText = LindynCommand.fullMessage(for: error)
        }
        #expect(!parserText.isEmpty && short.stdout == parserText + "\n", "fast path '\(short.stdout)' against the parser's '\(parserText)'")
        #expect(short.stderr.isEmpty)
    }

    /// The version is written once in the sources; CITATION.cff and CHANGELOG.md restate it.
    @Test func citationAndChangelogCarryTheVersion() throws {
        let version = try #require(try LindynRun.run(["version", "--json"]).json?["version"] as? String)
        let root = LindynRun.repositoryRoot
        let citation = try String(contentsOf: root.appendingPathComponent("CITATION.cff"), encoding: .utf8)
        #expect(citation.contains("\nversion: \(version)\n"), "CITATION.cff does not give version \(version)")
        let changelog = try String(contentsOf: root.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        #expect(changelog.contains("## [\(version)]"), "CHANGELOG.md has no entry for \(version)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("LICENSE").path))
    }

    /// The git commit recorded at build time: from git in a checkout, from a `git archive`
    /// tarball's substituted COMMIT file, else "unknown".
    @Test func buildInfoScriptFallsBackWithoutGit() throws {
        let script = LindynRun.repositoryRoot.appendingPathComponent("Scripts/build-info.sh").path
        func generated(package: URL) throws -> String {
            let out = package.appendingPathComponent("out")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = [script, package.path, out.path]
            try process.run()
            process.waitUntilExit()
            return try String(contentsOf: out.appendingPathComponent("BuildCommit.swift"), encoding: .utf8)
        }
        let tarball = Self.temporary("tarball")
        let commit = "0123456789abcdef0123456789abcdef01234567"
        try (commit + "\n").write(to: tarball.appendingPathComponent("COMMIT"), atomically: true, encoding: .utf8)
        #expect(try generated(package: tarball).contains("\"\(commit)\""))
        let plain = Self.temporary("plain")
        try "$Format:%H$\n".write(to: plain.appendingPathComponent("COMMIT"), atomically: true, encoding: .utf8)
        #expect(try generated(package: plain).contains("\"unknown\""))
    }

    @Test func solveJSONRecordsTheInputHashAndSeed() throws {
        let file = "Validation/problems/saxe-mode.json"
        let r = try LindynRun.run(["solve", file, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let provenance = try #require(r.json?["provenance"] as? [String: Any])
        #expect(provenance["command_line"] as? [String] == [LindynRun.executable().path, "solve", file, "--format", "json"])
        let inputs = try #require(provenance["inputs"] as? [[String: Any]])
        #expect(inputs.count == 1)
        #expect(inputs.first?["path"] as? String == file)
        if let expected = try Self.systemSHA256(LindynRun.repositoryRoot.appendingPathComponent(file)) {
            #expect(inputs.first?["sha256"] as? String == expected)
        }
        #expect((provenance["seeds"] as? [String: Any])?["descent.seed"] as? Int == 1)
        #expect((provenance["cores"] as? Int ?? 0) >= 1)
        #expect((provenance["date"] as? String)?.hasSuffix("Z") == true)
    }

    @Test(arguments: [["formula", "Validation/problems/saxe-mode.json"], ["descend", "Validation/problems/saxe-mode.json"],
                      ["check", "Validation/checks/saxe-mode.json"], ["stiffness", "Validation/problems/saxe-mode.json"],
                      ["equations", "Validation/problems/weight-decay-loss.json"]])
    func everyJSONOutputHasProvenance(arguments: [String]) throws {
        let r = try LindynRun.run(arguments + ["--format", "json"])
        #expect(r.json?["provenance"] is [String: Any], "\(arguments[0]): \(r.stdout.prefix(200)) \(r.stderr)")
    }

    static let grid = """
        {"name": "tiny", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 400, "points": 81},
         "grid": {"model.s": [1, 2]}, "steppers": ["rk8pd", "rkf45"], "tolerances": [1e-6, 1e-10],
         "descent": {"seed": 7}, "plots": {"trajectories": [0]}}
        """

    /// A run repeated from its provenance.json gives the same tables (wall times aside); a changed
    /// input is refused.
    @Test func repeatReproducesTheTables() throws {
        let base = Self.temporary("repeat")
        let file = base.appendingPathComponent("tiny.json")
        try Self.grid.write(to: file, atomically: true, encoding: .utf8)
        let first = try LindynRun.run(["validate", "tiny.json", "--out", "first"], in: base)
        #expect(first.status == 0, "\(first.stderr)")
        let record = base.appendingPathComponent("first/provenance.json")
        let provenance = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: record)) as? [String: Any])
        #expect((provenance["seeds"] as? [String: Any])?["descent.seed"] as? Int == 7)
        #expect((provenance["inputs"] as? [[String: Any]])?.first?["path"] as? String == "tiny.json")
        let readme = try String(contentsOf: base.appendingPathComponent("first/README.md"), encoding: .utf8)
        #expect(readme.contains("provenance.json"))
        let journal = try String(contentsOf: base.appendingPathComponent("first/journal.jsonl"), encoding: .utf8)
        #expect(journal.prefix { $0 != "\n" }.contains("\"provenance\":{\"lindyn_version\""))
        let svg = try String(contentsOf: base.appendingPathComponent("first/plots/trajectories-tiny.svg"), encoding: .utf8)
        #expect(svg.contains("<metadata><![CDATA[{\"lindyn_version\""))

        // Repeated from another directory: the recorded working directory resolves tiny.json.
        let elsewhere = Self.temporary("elsewhere")
        let again = try LindynRun.run(["repeat", record.path, "--out", "second"], in: elsewhere)
        #expect(again.status == 0, "\(again.stderr)")
        func table(_ directory: URL, _ name: String) throws -> [String] {
            let lines = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map(String.init)
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
            let timing = Set(header.indices.filter { header[$0].hasSuffix("seconds") })
            return lines.map { line in
                line.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { !timing.contains($0.offset) }.map(\.element).joined(separator: ",")
            }
        }
        for name in ["errors.csv", "stiffness.csv", "work-precision.csv", "summary.csv"] {
            let a = try table(base.appendingPathComponent("first"), name)
            let b = try table(elsewhere.appendingPathComponent("second"), name)
            #expect(a == b, "\(name) differs after repeat")
            #expect(a.count > 1)
        }
        // The grid axis has its own column, holding each point's value.
        let errors = try table(base.appendingPathComponent("first"), "errors.csv")
        let header = errors[0].split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "model.s"))
        let point = try #require(header.firstIndex(of: "point"))
        for line in errors.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells[column] == (cells[point] == "0" ? "1" : "2"), "\(line)")
        }
        let repeated = try String(contentsOf: elsewhere.appendingPathComponent("second/provenance.json"), encoding: .utf8)
        #expect(repeated.contains("\"validate\""))

        // Without --out the original results would be overwritten: refused.
        let noOut = try LindynRun.run(["repeat", record.path], in: elsewhere)
        #expect(noOut.status == 64)
        // A changed input is refused, naming it.
        try (Self.grid + " ").write(to: file, atomically: true, encoding: .utf8)
        let changed = try LindynRun.run(["repeat", record.path, "--out", "third"], in: elsewhere)
        #expect(changed.status == 65)
        #expect(changed.stderr.contains("tiny.json: the input changed"), "\(changed.stderr)")
    }

    @Test func repeatRefusesWhatIsNotARecord() throws {
        let r = try LindynRun.run(["repeat", "Validation/problems/saxe-mode.json"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("not a provenance record"))
        let missing = try LindynRun.run(["repeat", "no-such-record.json"])
        #expect(missing.status == 64)
    }
}

/// `--format csv` keeps what the table view shows below the table, as a second block.
@Suite struct CSVBlockTests {
    static func blocks(_ text: String) -> [[[String]]] {
        text.components(separatedBy: "\n\n").map { block in
            block.split(separator: "\n").map { line in line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
    }

    @Test func formulaKeepsItsDerivedQuantities() throws {
        let table = try LindynRun.run(["formula", "Validation/problems/saxe-mode.json"])
        let csv = try LindynRun.run(["formula", "Validation/problems/saxe-mode.json", "--format", "csv"])
        #expect(csv.status == 0)
        let parts = Self.blocks(csv.stdout)
        #expect(parts.count == 2)
        #expect(parts[0].first == ["t", "u"])
        #expect(parts[1].first == ["quantity", "value", "note"])
        // Every derived quantity of the table view is a row of the second block, same value.
        let json = try #require(try LindynRun.run(["formula", "Validation/problems/saxe-mode.json", "--format", "json"]).json)
        let derived = try #require(json["derived"] as? [String: Any])
        #expect(!derived.isEmpty)
        for (name, value) in derived {
            let row = parts[1].first { $0.first == name }
            #expect(row != nil, "\(name) missing from the CSV")
            // Foundation's JSON reader may round the last digit; the CSV text itself is exact.
            let a = Double(row?[1] ?? "") ?? .nan, b = value as? Double ?? .infinity
            #expect(abs(a - b) <= 4 * b.ulp, "\(name): \(a) against \(b)")
            #expect(table.stdout.contains("\(name) = "))
        }
    }

    @Test func stiffnessKeepsItsVerdict() throws {
        let r = try LindynRun.run(["stiffness", "Validation/problems/saxe-mode.json", "--format", "csv"])
        #expect(r.status == 0)
        let parts = Self.blocks(r.stdout)
        #expect(parts.count == 2)
        #expect(parts[1].contains { $0.first == "verdict" && $0[1] == "not stiff" })
        #expect(parts[1].contains { $0.first == "step_ratio" && Double($0[1]) != nil })
    }

    @Test func checkKeepsItsSummary() throws {
        let r = try LindynRun.run(["check", "Validation/checks/saxe-mode.json", "--format", "csv"])
        let parts = Self.blocks(r.stdout)
        #expect(parts.count == 2)
        #expect(parts[1].last?.first == "summary")
    }

    /// A single-block output (solve) is unchanged: one table, no empty line.
    @Test func solveIsOneBlock() throws {
        let r = try LindynRun.run(["solve", "Validation/problems/saxe-mode.json", "--format", "csv"])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("\n\n"))
    }
}

/// `lindyn plot --from DIR` redraws a saved run's figures; PNG and PDF come from rsvg-convert.
@Suite(.serialized) struct FigureCommandTests {
    @Test func plotFromASavedRunRedrawsItsFigures() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-redraw-\(UUID().uuidString)")
        let run = try LindynRun.run(["validate", "Validation/grids/seed-dropout.json", "--out", base.path])
        #expect(run.status == 0, "\(run.stderr)")
        let original = try String(contentsOf: base.appendingPathComponent("plots/seed-dropout.svg"), encoding: .utf8)
        #expect(original.contains("Test time: p u"))
        #expect(!original.contains("Monte-Carlo runs") || original.contains("GD, "))
        let redrawn = base.appendingPathComponent("again")
        var arguments = ["plot", "--from", base.path, "--out", redrawn.path]
        let raster = FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert")
        if raster { arguments += ["--figure-formats", "png,pdf"] }
        let r = try LindynRun.run(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let again = try String(contentsOf: redrawn.appendingPathComponent("seed-dropout.svg"), encoding: .utf8)
        // The same drawing (the metadata records the redrawing command, so it differs).
        func body(_ svg: String) -> String { svg.replacingOccurrences(of: #"<metadata>.*</metadata>"#, with: "", options: .regularExpression) }
        #expect(body(again) == body(original))
        if raster {
            let png = try Data(contentsOf: redrawn.appendingPathComponent("seed-dropout.png"))
            #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
            let pdf = try Data(contentsOf: redrawn.appendingPathComponent("seed-dropout.pdf"))
            #expect(pdf.prefix(4) == Data("%PDF".utf8))
        }
        let missing = try LindynRun.run(["plot", "--from", "/nonexistent-run"])
        #expect(missing.status == 64)
        let both = try LindynRun.run(["plot", "Validation/problems/saxe-mode.json", "--from", base.path])
        #expect(both.status == 64)
    }
}
