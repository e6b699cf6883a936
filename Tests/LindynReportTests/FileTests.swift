import Foundation
import Testing
@testable import LindynReport

/// A fresh directory under the system temporary directory, removed by the caller.
func makeScratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func directoryListing(_ url: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
}

@Suite("Atomic writes")
struct AtomicWriteTests {
    @Test func writesCreatesParentsAndLeavesNoTemporaryFiles() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("a/b/out.txt")
        try writeAtomically("first", to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "first")
        #expect(try directoryListing(target.deletingLastPathComponent()) == ["out.txt"])
    }

    @Test func overwritesAnExistingFileWhole() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("out.bin")
        try writeAtomically(Data(repeating: 7, count: 100_000), to: target)
        try writeAtomically(Data([1, 2, 3]), to: target)
        #expect(try Data(contentsOf: target) == Data([1, 2, 3]))
        #expect(try directoryListing(root) == ["out.bin"])
    }

    /// A reader polling during repeated rewrites only ever sees one whole version or the other.
    @Test func readersNeverSeeAPartialFile() async throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("big.txt")
        let versions = [String(repeating: "a", count: 400_000), String(repeating: "b", count: 300_000)]
        try writeAtomically(versions[0], to: target)
        let seen = await withTaskGroup(of: Set<Int>.self) { group in
            group.addTask {
                for i in 0..<20 { try? writeAtomically(versions[i % 2], to: target) }
                return []
            }
            group.addTask {
                var lengths = Set<Int>()
                for _ in 0..<200 {
                    if let data = try? Data(contentsOf: target) { lengths.insert(data.count) }
                }
                return lengths
            }
            var all = Set<Int>()
            for await lengths in group { all.formUnion(lengths) }
            return all
        }
        #expect(seen.isSubset(of: [400_000, 300_000]))
        #expect(try directoryListing(root) == ["big.txt"])
    }

    @Test func failureIsReportedAndCleansUp() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("dir")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inner"), withIntermediateDirectories: true)
        // Renaming a file over a non-empty directory fails.
        #expect(throws: ReportError.self) { try writeAtomically("x", to: target) }
        #expect(try directoryListing(root) == ["dir"])
    }

    @Test func tableWritesAllFormats() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let urls = try sampleTable.write(to: root.appendingPathComponent("tables"), baseName: "errors")
        #expect(urls.map(\.lastPathComponent) == ["errors.csv", "errors.md", "errors.tex", "errors.json"])
        #expect(try directoryListing(root.appendingPathComponent("tables")) == ["errors.csv", "errors.json", "errors.md", "errors.tex"])
        #expect(try String(contentsOf: urls[0], encoding: .utf8) == sampleTable.csv())
        #expect(try String(contentsOf: urls[3], encoding: .utf8) == sampleTable.json() + "\n")
    }
}

@Suite("Row journal")
struct RowJournalTests {
    static let columns = ["s", "u0", "error", "steps", "note"]
    static let rows: [[Cell]] = [
        [1.0, 0.001, 2.5e-11, 120, "ok"],
        [2.0, 0.001, .number(.nan), 0, "diverged"],
        [3.0, 0.01, .number(.infinity), -1, nil],
        [.number(0.1 + 0.2), 1e-300, .number(-.infinity), 7, "a,\"b\"\nc"],
    ]

    @Test func appendsAndReadsBackExactly() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("run/rows.jsonl")
        let journal = try RowJournal(url: url, columns: Self.columns)
        #expect(journal.resumedRows.isEmpty)
        for row in Self.rows { try journal.append(row) }
        // Each row is on disk as soon as it is appended, before closing.
        let contents = try RowJournal.read(url)
        journal.close()
        #expect(contents.columns == Self.columns)
        #expect(contents.ignoredTrailingBytes == 0)
        #expect(contents.rows.count == Self.rows.count)
        for (read, written) in zip(contents.rows, Self.rows) {
            for (a, b) in zip(read, written) {
                if case .number(let x) = a, case .number(let y) = b {
                    #expect(x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN))
                } else {
                    #expect(a == b)
                }
            }
        }
        #expect(contents.table.columnNames == Self.columns)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 1 + Self.rows.count)
        #expect(!text.contains("NaN,") && text.contains(#"{"number":"NaN"}"#))
    }

    @Test(arguments: [1, 5, 12])
    func truncatedLastLineIsIgnoredAndCutOnResume(keptBytesOfLastLine: Int) throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        do {
            let journal = try RowJournal(url: url, columns: Self.columns)
            for row in Self.rows.prefix(3) { try journal.append(row) }
            journal.close()
        }
        // Simulate an interrupted write: part of a fourth line, no newline.
        let partial = JSONValue.array(Self.rows[3].map(RowJournal._encode)).serialized().prefix(keptBytesOfLastLine)
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(partial.utf8))
        try handle.close()

        let contents = try RowJournal.read(url)
        #expect(contents.rows.count == 3)
        #expect(contents.ignoredTrailingBytes == keptBytesOfLastLine)

        let resumed = try RowJournal(url: url, columns: Self.columns)
        #expect(resumed.resumedRows.count == 3)
        try resumed.append(Self.rows[3])
        resumed.close()
        let after = try RowJournal.read(url)
        #expect(after.rows.count == 4)
        #expect(after.ignoredTrailingBytes == 0)
        #expect(after.rows[3][4] == Self.rows[3][4])
    }

    @Test func interruptedHeaderStartsAfresh() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        try writeAtomically(#"{"lindyn_row_jour"#, to: url)
        let journal = try RowJournal(url: url, columns: ["a"])
        try journal.append([1])
        journal.close()
        #expect(try RowJournal.read(url).rows == [[1]])
    }

    @Test func resumingWithOtherColumnsFails() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        try RowJournal(url: url, columns: ["a", "b"]).close()
        #expect(throws: ReportError.journalColumnsMismatch(path: url.path, expected: ["a"], found: ["a", "b"])) {
            try RowJournal(url: url, columns: ["a"])
        }
    }

    /// Temporary files of a writer that was killed are removed by the next write into the
    /// directory; those of a live writer, of another host, or not Lindyn's are left alone.
    @Test func staleTemporaryFilesOfDeadWritersAreRemoved() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        // A process id that no longer runs: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        let uuid = UUID().uuidString
        let stale = ".errors.csv.lindyn-\(TemporaryFiles.hostTag)-\(dead)-\(uuid).tmp"
        let live = ".errors.csv.lindyn-\(TemporaryFiles.hostTag)-\(getpid())-\(uuid).tmp"
        let otherHost = ".errors.csv.lindyn-0badf00d-\(dead)-\(uuid).tmp"
        let foreign = ".errors.csv.\(uuid).tmp"
        for name in [stale, live, otherHost, foreign] { try Data("partial".utf8).write(to: root.appendingPathComponent(name)) }
        #expect(TemporaryFiles.writer(of: stale) == dead)
        #expect(TemporaryFiles.writer(of: foreign) == nil && TemporaryFiles.writer(of: otherHost) == nil)
        try writeAtomically("a,b\n", to: root.appendingPathComponent("table.csv"))
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: root.path))
        #expect(names == [live, otherHost, foreign, "table.csv"])
    }

    /// A complete line that does not parse is skipped (not fatal); resuming drops it.
    @Test func corruptLineIsSkippedAndDroppedOnResume() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        try writeAtomically("{\"lindyn_row_journal\":1,\"columns\":[\"a\"]}\n[1]\n[oops\n[2]\n", to: url)
        let contents = try RowJournal.read(url)
        #expect(contents.rows == [[1], [2]])
        #expect(contents.corruptLines == [3])
        let resumed = try RowJournal(url: url, columns: ["a"])
        #expect(resumed.resumedRows == [[1], [2]] && resumed.droppedLines == [3])
        try resumed.append([3])
        resumed.close()
        let after = try RowJournal.read(url)
        #expect(after.rows == [[1], [2], [3]] && after.corruptLines.isEmpty && after.version == RowJournal.currentVersion)
        // A file whose first line is not a journal header is not a journal: refused, never rewritten.
        try writeAtomically("not a journal\n[1]\n", to: url)
        #expect(throws: ReportError.self) { try RowJournal(url: url, columns: ["a"]) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "not a journal\n[1]\n")
    }

    /// Every line carries a CRC-32 of its row: a changed digit anywhere in the row is detected.
    @Test func changedDigitIsDetectedByTheChecksum() throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        let journal = try RowJournal(url: url, columns: Self.columns)
        for row in Self.rows { try journal.append(row) }
        journal.close()
        let original = Array(try Data(contentsOf: url))
        // CRC-32 of "123456789" is CBF43926 (the standard check value of the IEEE polynomial).
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let digits = original.indices.filter { original[$0] >= UInt8(ascii: "0") && original[$0] <= UInt8(ascii: "9") }
        let headerEnd = original.firstIndex(of: UInt8(ascii: "\n"))!
        var detected = 0, tried = 0
        for k in digits where k > headerEnd {
            var bytes = original
            bytes[k] = bytes[k] == UInt8(ascii: "9") ? UInt8(ascii: "0") : bytes[k] + 1
            try Data(bytes).write(to: url)
            let contents = try RowJournal.read(url)
            tried += 1
            if contents.corruptLines.count == 1 && contents.rows.count == Self.rows.count - 1 { detected += 1 }
        }
        #expect(tried > 20 && detected == tried, "\(detected) of \(tried)")
    }

    @Test func concurrentAppendsKeepLinesWhole() async throws {
        let root = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("rows.jsonl")
        let journal = try RowJournal(url: url, columns: ["i", "label"])
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask { try? journal.append([.integer(i), .text(String(repeating: "x", count: i))]) }
            }
        }
        journal.close()
        let rows = try RowJournal.read(url).rows
        #expect(Set(rows.compactMap { $0[0].doubleValue.map(Int.init) }) == Set(0..<200))
    }
}

/// SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "Example Algorithms", SHA256.pdf)
/// and the hash of the empty message; each is exact.
@Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
])
func sha256MatchesTheStandardVectors(message: String, expected: String) {
    #expect(sha256Hex(Array(message.utf8)) == expected)
}

/// Messages whose padding crosses a block boundary (55, 56, 64 bytes), against `sha256sum`.
@Test func sha256AcrossPaddingBoundaries() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") else { return }
    for length in [55, 56, 63, 64, 65, 1000] {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-sha-\(length)-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(sha256Hex(bytes) == out.split(separator: " ").first.map(String.init), "length \(length)")
    }
}
