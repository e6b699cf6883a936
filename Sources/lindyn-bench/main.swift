// lindyn-bench: Lindyn against the C baseline (GSL with hand-written right-hand sides), side by
// side in one process, and against a SciPy baseline file. Case definitions:
// Validation/bench/cases.md; figures and how to rerun: Notes/performance.md.
import Foundation
import LindynIntegrator
import LindynReport

let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
if let threads = options.blasThreads { LinearAlgebra.blasThreads = threads }

let cases = allCases(descentEpochs: options.descentEpochs)
let extraSections = ["dgemm", "grid", "controllers", "dense", "validate"]
if options.list {
    for c in cases { say(c.id) }
    for s in extraSections { say(s) }
    exit(0)
}

if let profile = options.profile {
    guard let benchCase = cases.first(where: { $0.id == profile.id }) else {
        BenchOptions.fail("unknown case '\(profile.id)' for --profile; see --list")
    }
    let run = profile.side == "lindyn" ? benchCase.swift : benchCase.c
    let start = wallSeconds()
    var runs = 0
    while wallSeconds() - start < profile.seconds {
        _ = run()
        runs += 1
    }
    say("\(benchCase.id) \(profile.side): \(runs) runs")
    exit(0)
}

// ---- which cases ----

var compareDocuments: [(path: String, document: JSONValue)] = []
for path in options.comparePaths {
    do {
        compareDocuments.append((path, try JSONValue.parse(String(contentsOfFile: path, encoding: .utf8))))
    } catch {
        BenchOptions.fail("cannot read --compare file \(path): \(error)")
    }
}

var selectors: [String]
if let chosen = options.cases {
    selectors = chosen.contains("all") ? cases.map(\.id) + extraSections : chosen
} else if !compareDocuments.isEmpty {
    // The problems that the comparison files hold.
    var names: [String] = []
    for entry in compareDocuments.flatMap({ $0.document["cases"]?.arrayValue ?? [] }) {
        if let name = entry["name"]?.stringValue, !names.contains(name) { names.append(name) }
    }
    selectors = names.filter { name in cases.contains { $0.problem == name } || extraSections.contains(name) }
} else {
    selectors = cases.map(\.id) + extraSections
    if options.quick { selectors.removeAll { $0.hasPrefix("network256") || $0 == "grid" || $0 == "validate" } }
}
let known = Set(cases.map(\.id) + cases.map(\.problem) + extraSections)
if let unknown = selectors.first(where: { !known.contains($0) }) {
    BenchOptions.fail("unknown case '\(unknown)'; see --list")
}
let selected = cases.filter { selectors.contains($0.id) || selectors.contains($0.problem) }

// ---- environment ----

func describeMachine() -> JSONObject {
    var uts = utsname()
    uname(&uts)
    let machine = withUnsafeBytes(of: &uts.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    var cpu = "?"
    if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
        let colon = line.firstIndex(of: ":")
    {
        cpu = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var load = "?"
    if let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
        load = text.split(separator: " ").prefix(3).joined(separator: " ")
    }
    return [
        "cpu": .string(cpu), "cores": .integer(ProcessInfo.processInfo.activeProcessorCount),
        "machine": .string(machine), "kernel": .string(release), "load_average_at_start": .string(load),
        "gsl": .string(LinearAlgebra.gslVersion), "blas": .string(LinearAlgebra.blasConfiguration),
        "blas_threads": .integer(LinearAlgebra.blasThreads),
    ]
}

let machine = describeMachine()
let dateText = ISO8601DateFormatter().string(from: Date())
say("lindyn-bench  \(dateText)")
say("machine: \(machine["cpu"]?.stringValue ?? "?"), \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(machine["load_average_at_start"]?.stringValue ?? "?")")
say("BLAS: \(LinearAlgebra.blasConfiguration), \(LinearAlgebra.blasThreads) thread(s); GSL \(LinearAlgebra.gslVersion)")
say("rounds: \(options.repetitions) after one warm-up, alternating Swift and C; times are medians per run")
say("")

// ---- Swift against C ----

func formatSeconds(_ s: Double) -> String {
    if s >= 1 { return String(format: "%.3f s", s) }
    if s >= 1e-3 { return String(format: "%.3f ms", s * 1e3) }
    return String(format: "%.2f us", s * 1e6)
}

func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    if s.count >= width { return s }
    let fill = String(repeating: " ", count: width - s.count)
    return right ? fill + s : s + fill
}

/// Largest |a_i - b_i| relative to the largest |b_i|.
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count, !a.isEmpty else { return .nan }
    let scale = max(b.map(abs).max() ?? 0, .leastNormalMagnitude)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

struct CaseResult {
    let benchCase: BenchCase
    let timing: SideBySide
    var swiftMedian: Double { timing.medianSeconds(0) }
    var cMedian: Double { timing.medianSeconds(1) }
    var ratio: Double { timing.pairedRatio(0, 1) }
    var swift: RunOutcome { timing.outcomes[0] }
    var c: RunOutcome { timing.outcomes[1] }
    var countsMatch: Bool {
        swift.acceptedSteps == c.acceptedSteps && swift.rejectedSteps == c.rejectedSteps
            && swift.rhsEvaluations == c.rhsEvaluations && swift.jacobianEvaluations == c.jacobianEvaluations
    }
    var failed: Bool { swift.failure != nil || c.failure != nil }
    var met: Bool { ratio <= benchCase.group.target }
}

var results: [CaseResult] = []
var problems: [String] = []
if !selected.isEmpty {
    let header = [
        pad("case", 22), pad("steps acc/rej", 14, right: true), pad("f evals", 9, right: true),
        pad("J evals", 8, right: true), pad("Lindyn", 12, right: true), pad("C", 12, right: true),
        pad("Lindyn/C", 9, right: true), pad("target", 7, right: true), "  checks",
    ].joined(separator: " ")
    say(header)
    say(String(repeating: "-", count: header.count))
}
for benchCase in selected {
    let settings = TimingSettings(
        repetitions: benchCase.group == .descent ? max(1, min(options.repetitions, 3)) : options.repetitions,
        sampleSeconds: options.sampleSeconds)
    let timing = SideBySide([("lindyn", benchCase.swift), ("c", benchCase.c)], settings: settings)
    let result = CaseResult(benchCase: benchCase, timing: timing)
    results.append(result)
    var checks: [String] = []
    if let failure = result.swift.failure { checks.append("LINDYN FAILED: \(failure)") }
    if let failure = result.c.failure { checks.append("C FAILED: \(failure)") }
    if !result.failed {
        if result.countsMatch {
            checks.append("counts identical")
        } else {
            let s = result.swift, c = result.c
            checks.append(
                "COUNTS DIFFER: Lindyn \(s.acceptedSteps)/\(s.rejectedSteps)/\(s.rhsEvaluations)/\(s.jacobianEvaluations), C \(c.acceptedSteps)/\(c.rejectedSteps)/\(c.rhsEvaluations)/\(c.jacobianEvaluations) (acc/rej/f/J)")
        }
        checks.append(String(format: "state diff %.1e", relativeDifference(result.swift.finalState, result.c.finalState)))
        if benchCase.dimension >= 100_000, result.swift.rhsEvaluations > 0 {
            // Wide systems: wall and CPU time per right-hand side (CPU counts both BLAS threads).
            let f = Double(result.swift.rhsEvaluations)
            checks.append(
                String(
                    format: "per f eval: wall %.2f / %.2f ms, cpu %.2f / %.2f ms (Lindyn / C)", 1e3 * result.swiftMedian / f,
                    1e3 * result.cMedian / f, 1e3 * result.timing.medianCPUSeconds(0) / f, 1e3 * result.timing.medianCPUSeconds(1) / f))
        }
        if let e = maxRelativeErrorOverOutputs(benchCase.problem, times: benchCase.outputTimes, rows: result.swift.rows),
            let ec = maxRelativeErrorOverOutputs(benchCase.problem, times: benchCase.outputTimes, rows: result.c.rows)
        {
            checks.append(String(format: "max rel error over outputs %.1e (C %.1e)", e, ec))
        }
    }
    if result.failed || !result.countsMatch { problems.append("\(benchCase.id): \(checks.joined(separator: "; "))") }
    let s = result.swift
    say(
        [
            pad(benchCase.id, 22), pad("\(s.acceptedSteps)/\(s.rejectedSteps)", 14, right: true),
            pad("\(s.rhsEvaluations)", 9, right: true), pad("\(s.jacobianEvaluations)", 8, right: true),
            pad(formatSeconds(result.swiftMedian), 12, right: true), pad(formatSeconds(result.cMedian), 12, right: true),
            pad(String(format: "%.3f", result.ratio), 9, right: true),
            pad((result.met ? "<= " : "!> ") + String(format: "%.2f", benchCase.group.target), 7, right: true),
            "  " + checks.joined(separator: "; "),
        ].joined(separator: " "))
}
if let descent = results.first(where: { $0.benchCase.group == .descent }), let epochs = descent.benchCase.epochs {
    say("")
    say(
        String(
            format: "descent256: %d epochs a run; per epoch Lindyn %@, C %@; extrapolated to 10^5 epochs: Lindyn %@, C %@",
            epochs, formatSeconds(descent.swiftMedian / Double(epochs)), formatSeconds(descent.cMedian / Double(epochs)),
            formatSeconds(descent.swiftMedian / Double(epochs) * 1e5), formatSeconds(descent.cMedian / Double(epochs) * 1e5)))
}
if !results.isEmpty {
    let groups: [CaseGroup] = [.builtin, .expression, .descent]
    say("")
    for group in groups {
        let members = results.filter { $0.benchCase.group == group }
        guard !members.isEmpty else { continue }
        let worst = members.max { $0.ratio < $1.ratio }!
        say(
            String(
                format: "%@: worst Lindyn/C %.3f (%@), target <= %.2f: %@", group.rawValue, worst.ratio, worst.benchCase.id,
                group.target, members.allSatisfy(\.met) ? "met" : "NOT MET"))
    }
}

// ---- DGEMM rate and the network right-hand side ----

var dgemmJSON: JSONValue = .null
if selectors.contains("dgemm") {
    say("")
    dgemmJSON = measureDGEMM(repetitions: options.repetitions, quick: options.quick)
}

// ---- the shipped validation grid, 1 and 2 workers ----

var gridJSON: JSONValue = .null
if selectors.contains("grid") {
    say("")
    gridJSON = measureGrid(repetitions: options.gridRepetitions)
}

// ---- work-precision: error norm and controller on the networks, dense output on the mode ----

var controllersJSON: JSONValue = .null
if selectors.contains("controllers") {
    say("")
    controllersJSON = measureControllers(widths: options.quick ? [16] : [16, 64], tolerances: [1e-6, 1e-8, 1e-10])
}
var denseJSON: JSONValue = .null
if selectors.contains("dense") {
    say("")
    denseJSON = measureDenseOutput(repetitions: options.repetitions)
}

// ---- a validation point against the solves it needs ----

var validateJSON: JSONValue = .null
if selectors.contains("validate") {
    say("")
    validateJSON = measureValidate(repetitions: options.repetitions, plots: true)
}

// ---- comparison with a SciPy or earlier lindyn-bench file ----

var comparisons: [JSONValue] = []
for (path, document) in compareDocuments {
    say("")
    comparisons.append(compare(results, with: document, path: path))
}
let compareJSON: JSONValue = comparisons.isEmpty ? .null : comparisons.count == 1 ? comparisons[0] : .array(comparisons)

// ---- JSON ----

func caseJSON(_ r: CaseResult) -> JSONValue {
    func outcome(_ o: RunOutcome) -> JSONValue {
        .object([
            "accepted_steps": .integer(o.acceptedSteps), "rejected_steps": .integer(o.rejectedSteps),
            "rhs_evaluations": .integer(o.rhsEvaluations), "jacobian_evaluations": .integer(o.jacobianEvaluations),
            "failure": o.failure.map(JSONValue.string) ?? .null,
        ])
    }
    var object: JSONObject = [
        "name": .string(r.benchCase.problem), "stepper": .string(r.benchCase.stepper),
        "group": .string(r.benchCase.group.rawValue), "dim": .integer(r.benchCase.dimension),
        "repetitions": .integer(r.timing.samples[0].count), "runs_per_sample": .integer(r.timing.inner),
        "lindyn_median_seconds": .number(r.swiftMedian), "c_median_seconds": .number(r.cMedian),
        "lindyn_seconds": .array(r.timing.samples[0].map(JSONValue.number)),
        "c_seconds": .array(r.timing.samples[1].map(JSONValue.number)),
        "lindyn_median_cpu_seconds": .number(r.timing.medianCPUSeconds(0)), "c_median_cpu_seconds": .number(r.timing.medianCPUSeconds(1)),
        "ratio": .number(r.ratio), "target": .number(r.benchCase.group.target), "met": .bool(r.met),
        "counts_identical": .bool(r.countsMatch), "lindyn": outcome(r.swift), "c": outcome(r.c),
        "final_state_max_rel_diff": r.failed ? .null : .number(relativeDifference(r.swift.finalState, r.c.finalState)),
        "lindyn_max_rel_error": maxRelativeErrorOverOutputs(r.benchCase.problem, times: r.benchCase.outputTimes, rows: r.swift.rows).map(JSONValue.number) ?? .null,
        "c_max_rel_error": maxRelativeErrorOverOutputs(r.benchCase.problem, times: r.benchCase.outputTimes, rows: r.c.rows).map(JSONValue.number) ?? .null,
    ]
    if let epochs = r.benchCase.epochs {
        object["epochs"] = .integer(epochs)
        object["lindyn_seconds_per_epoch"] = .number(r.swiftMedian / Double(epochs))
        object["c_seconds_per_epoch"] = .number(r.cMedian / Double(epochs))
    }
    if let flops = r.benchCase.flopsPerRHS, r.swift.rhsEvaluations > 0 {
        object["flops_per_rhs"] = .number(flops)
    }
    return .object(object)
}

if let path = options.jsonPath {
    let document: JSONValue = .object([
        "tool": "lindyn-bench", "date": .string(dateText), "machine": .object(machine),
        "settings": .object([
            "repetitions": .integer(options.repetitions), "sample_seconds": .number(options.sampleSeconds),
            "descent_epochs": .integer(options.descentEpochs), "quick": .bool(options.quick),
            "first_step": .number(firstStep),
        ]),
        "cases": .array(results.map(caseJSON)), "dgemm": dgemmJSON, "grid": gridJSON, "controllers": controllersJSON, "dense_output": denseJSON, "validate": validateJSON, "compare": compareJSON,
    ])
    let url = URL(fileURLWithPath: path)
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (document.serialized(.pretty) + "\n").write(to: url, atomically: true, encoding: .utf8)
        say("\nresults written to \(path)")
    } catch {
        FileHandle.standardError.write(Data("lindyn-bench: cannot write \(path): \(error)\n".utf8))
        exit(1)
    }
}

if !problems.isEmpty {
    FileHandle.standardError.write(Data("\nlindyn-bench: PROBLEMS\n".utf8))
    for p in problems { FileHandle.standardError.write(Data("  \(p)\n".utf8)) }
    exit(1)
}
