import Foundation
import LindynIntegrator
import LindynModels
import LindynReport
import LindynValidation

// MARK: - DGEMM

/// Seconds per call of `work`, median over `repetitions` samples of about `sampleSeconds` each.
func timePerCall(repetitions: Int, sampleSeconds: Double, _ work: () -> Void) -> Double {
    var start = wallSeconds()
    work()
    let once = max(wallSeconds() - start, 1e-9)
    let inner = max(1, Int((sampleSeconds / once).rounded(.up)))
    var samples: [Double] = []
    for _ in 0..<repetitions {
        start = wallSeconds()
        for _ in 0..<inner { work() }
        samples.append((wallSeconds() - start) / Double(inner))
    }
    return median(samples)
}

/// The machine's DGEMM rate (C = A B, n x n, through the CBLAS that GSL and the models use) at
/// n = 256, 512, 1024, and the rate the two-layer network's right-hand side reaches (three n x n
/// products per call) at n = 64 and 256, alternating the two measurements.
func measureDGEMM(repetitions: Int, quick: Bool) -> JSONValue {
    let sample = quick ? 0.05 : 0.2
    let threadSettings = LinearAlgebra.blasThreads > 1 ? [LinearAlgebra.blasThreads, 1] : [1]
    let saved = LinearAlgebra.blasThreads
    var out: [JSONValue] = []
    say("DGEMM (row-major C = A B) and the network right-hand side (3 products of n x n), GFLOP/s, medians:")
    for threads in threadSettings {
        LinearAlgebra.blasThreads = threads
        var rates: [Int: Double] = [:]
        for n in [256, 512, 1024] {
            let a = UnsafeMutablePointer<Double>.allocate(capacity: 3 * n * n)
            defer { a.deallocate() }
            for i in 0..<(3 * n * n) { a[i] = Double((i * 7919) % 1000) / 1000 - 0.5 }
            let b = a + n * n, c = a + 2 * n * n
            let seconds = timePerCall(repetitions: repetitions, sampleSeconds: sample) {
                LinearAlgebra.gemm(
                    transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0,
                    c: c, ldc: n)
            }
            rates[n] = 2 * Double(n * n * n) / seconds / 1e9
        }
        let peak = rates.values.max()!
        var rhsRates: [Int: Double] = [:]
        for n in [64, 256] {
            let network = NetworkCase(n: n)
            let flow = network.flow(tau: 1)
            let y = network.w1 + network.w2
            var dydt = [Double](repeating: 0, count: y.count)
            let seconds = y.withUnsafeBufferPointer { yp in
                dydt.withUnsafeMutableBufferPointer { fp in
                    timePerCall(repetitions: repetitions, sampleSeconds: sample) {
                        flow.rightHandSide(t: 0, y: yp.baseAddress!, dydt: fp.baseAddress!)
                    }
                }
            }
            rhsRates[n] = 6 * Double(n * n * n) / seconds / 1e9
        }
        say(
            String(
                format: "  %d thread(s): DGEMM n=256 %.1f, n=512 %.1f, n=1024 %.1f (best %.1f); network RHS n=64 %.1f (%.0f%% of best), n=256 %.1f (%.0f%% of best, %.0f%% of DGEMM at n=256)",
                threads, rates[256]!, rates[512]!, rates[1024]!, peak, rhsRates[64]!, 100 * rhsRates[64]! / peak,
                rhsRates[256]!, 100 * rhsRates[256]! / peak, 100 * rhsRates[256]! / rates[256]!))
        out.append(
            .object([
                "blas_threads": .integer(threads),
                "dgemm_gflops": .object(JSONObject(rates.sorted { $0.key < $1.key }.map { ("\($0.key)", JSONValue.number($0.value)) })),
                "dgemm_best_gflops": .number(peak),
                "network_rhs_gflops": .object(JSONObject(rhsRates.sorted { $0.key < $1.key }.map { ("\($0.key)", JSONValue.number($0.value)) })),
                "network256_fraction_of_best": .number(rhsRates[256]! / peak),
                "network64_fraction_of_best": .number(rhsRates[64]! / peak),
            ]))
    }
    LinearAlgebra.blasThreads = saved
    return .array(out)
}

// MARK: - comparison files

/// The Lindyn stepper that plays the part of a SciPy method.
func counterpart(of method: String, stiff: Bool) -> String? {
    switch method {
    case "RK45", "Tsit5": "rkf45"
    case "DOP853", "Dopri8": "rk8pd"
    case "LSODA": stiff ? "msbdf" : "msadams"
    case "BDF": "msbdf"
    case "Kvaerno5": "bsimp"
    case "numpy-gd": "gd"
    default: nil
    }
}

/// Speed-up targets against each peer (the peer's best time / Lindyn's best time).
let peerTargets: [String: [String: Double]] = [
    "scipy": ["scalar": 100, "mode": 100, "robertson": 100, "network256": 3],
    "diffrax": ["mode2001": 5, "network256": 1.3],
]

/// Lindyn's relative error at the last output time, from a run's final state, against the same
/// closed form or reference value the peer scripts use (nil where a case has none).
func finalRelativeError(_ problem: String, _ state: [Double]) -> Double? {
    func logistic(_ a: Double, _ b: Double, _ u0: Double, _ t: Double) -> Double { a / (b + (a / u0 - b) * exp(-2 * a * t)) }
    switch problem {
    case "mode", "mode2", "mode2001":
        guard let u = state.first else { return nil }
        let exact = logistic(3, 1, 1e-3, 10)
        return abs(u - exact) / exact
    case "scalar":
        guard state.count == 2 else { return nil }
        let exact = logistic(1, 1, 1e-4, 20)
        return abs(state[0] * state[1] - exact) / exact
    case "robertson":
        guard let y1 = state.first else { return nil }
        let reference = 0.7158270687193941  // y1(40), Hairer & Wanner's test set
        return abs(y1 - reference) / reference
    default:
        guard let n = networkWidth(problem), state.count == 2 * n * n else { return nil }
        return networkModeError(NetworkCase(n: n), state[...], t: 10)
    }
}

/// n for a `networkN` problem name.
func networkWidth(_ problem: String) -> Int? {
    guard problem.hasPrefix("network") else { return nil }
    return Int(problem.dropFirst("network".count))
}

/// The largest relative error over the modes of a network state (W1 then W2, row-major) at time
/// t: u_k = U[:,k]^T W2 W1 V[:,k] against the logistic law of mode k (tau = 1, u0 = 1e-3), as the
/// peer scripts compute it.
func networkModeError(_ data: NetworkCase, _ state: ArraySlice<Double>, t: Double) -> Double {
    func logistic(_ a: Double, _ b: Double, _ u0: Double, _ t: Double) -> Double { a / (b + (a / u0 - b) * exp(-2 * a * t)) }
    let n = data.n
    let w1 = Array(state.prefix(n * n))
    let w2 = Array(state.dropFirst(n * n).prefix(n * n))
    var worst = 0.0
    for mode in data.modes {
        // u_k = U[:,k]^T W2 W1 V[:,k]
        var w1v = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { w1v[i] += w1[i * n + j] * mode.input[j] } }
        var u = 0.0
        for i in 0..<n { var row = 0.0; for j in 0..<n { row += w2[i * n + j] * w1v[j] }; u += mode.output[i] * row }
        let exact = logistic(mode.s, 1, 1e-3, t)
        worst = max(worst, abs(u - exact) / exact)
    }
    return worst
}

/// Lindyn's largest relative error over every output of a run, against the closed form (the
/// peers' `max_rel_error_vs_closed_form`); nil where the case has none.
func maxRelativeErrorOverOutputs(_ problem: String, times: [Double], rows: [Double]) -> Double? {
    func logistic(_ a: Double, _ b: Double, _ u0: Double, _ t: Double) -> Double { a / (b + (a / u0 - b) * exp(-2 * a * t)) }
    guard !times.isEmpty else { return nil }
    if problem.hasPrefix("mode") {
        guard rows.count == times.count else { return nil }
        return zip(times, rows).map { t, u in let e = logistic(3, 1, 1e-3, t); return abs(u - e) / e }.max()
    }
    if let n = networkWidth(problem) {
        let dim = 2 * n * n
        guard rows.count == dim * times.count else { return nil }
        let data = NetworkCase(n: n)
        return times.indices.map { k in networkModeError(data, rows[(k * dim)..<((k + 1) * dim)], t: times[k]) }.max()
    }
    if problem == "scalar" {
        guard rows.count == 2 * times.count else { return nil }
        return times.indices.map { k in
            let e = logistic(1, 1, 1e-4, times[k])
            return abs(rows[2 * k] * rows[2 * k + 1] - e) / e
        }.max()
    }
    return nil
}

func compare(_ results: [CaseResult], with document: JSONValue, path: String) -> JSONValue {
    let entries = document["cases"]?.arrayValue ?? []
    if document["tool"]?.stringValue == "lindyn-bench" {
        return comparePrevious(results, entries, path: path)
    }
    let tool = document["tool"]?.stringValue ?? "scipy"
    let peer = tool == "diffrax" ? "diffrax" : "SciPy"
    let versions = document["versions"]
    let version = versions?[tool]?.stringValue.map { "\(peer) \($0)" } ?? "?"
    let load = versions?["load_average"]?.arrayValue?.compactMap(\.doubleValue).map { String(format: "%.2f", $0) }.joined(separator: " ")
    say("Against \(peer) (\(path); \(version)\(load.map { ", load then \($0)" } ?? ""); load now \(loadAverage())):")
    say("  speed-up = \(peer) median / Lindyn median (the \(peer) file's medians were taken in another process);")
    say("  f evals, the relative error at the last output time and (where a closed form gives it) the largest")
    say("  relative error over every output are shown for both sides")
    var rows: [JSONValue] = []
    var equalRows: [JSONValue] = []
    var bestPeer: [String: (Double, String, Double?)] = [:]
    for entry in entries {
        guard let name = entry["name"]?.stringValue, let method = entry["method"]?.stringValue,
            let peerSeconds = entry["median_seconds"]?.doubleValue
        else { continue }
        let ok = entry["success"] == .bool(true)
        let mine = results.filter { $0.benchCase.problem == name && !$0.failed }
        guard !mine.isEmpty else { continue }
        let stiff = name.hasPrefix("robertson") || name == "vanderpol"
        let wanted = counterpart(of: method, stiff: stiff)
        // Every Lindyn variant of the counterpart stepper (rk8pd, rk8pd-rms-pi, ...), else the fastest.
        var matches = mine.filter { wanted != nil && ($0.benchCase.stepper == wanted! || $0.benchCase.stepper.hasPrefix(wanted! + "-")) }
        if matches.isEmpty { matches = [mine.min { $0.swiftMedian < $1.swiftMedian }!] }
        // The Lindyn run with the fewest evaluations (the loosest tolerance) that is at least as
        // accurate as the peer: final error no larger, and the largest error over the outputs no
        // larger where both sides report it. Chosen by counts, not by the fastest time, so that
        // timing noise does not pick the run.
        var equalAccuracy: (seconds: Double, match: CaseResult, error: Double, max: Double?)? = nil
        for match in matches {
        var peerSeconds = peerSeconds
        var lindynSeconds = match.swiftMedian
        var unit = ""
        if let epochs = entry["epochs"]?.doubleValue, let mineEpochs = match.benchCase.epochs {
            // Per epoch: the runs may differ in length.
            peerSeconds /= epochs
            lindynSeconds /= Double(mineEpochs)
            unit = " per epoch"
        }
        let speedup = peerSeconds / lindynSeconds
        let peerError = entry["final_rel_error"]?.doubleValue
        let lindynError = finalRelativeError(name, match.swift.finalState)
        let peerEvaluations = entry["nfev"]?.doubleValue.map { Int($0) }
        let peerMax = entry["max_rel_error_vs_closed_form"]?.doubleValue
        let lindynMax = maxRelativeErrorOverOutputs(name, times: match.benchCase.outputTimes, rows: match.swift.rows)
        func error(_ value: Double?) -> String { value.map { String(format: "%.1e", $0) } ?? "-" }
        // The verdict compares the peer at the case's own tolerance (the tightest in the file;
        // runs from `--tolerances` are listed, with their equal-accuracy lines, but not judged).
        let tightest = entries.filter { $0["name"]?.stringValue == name }.compactMap { $0["rtol"]?.doubleValue }.min()
        let atCaseTolerance = tightest == nil || entry["rtol"]?.doubleValue == tightest
        if ok, atCaseTolerance, bestPeer[name].map({ peerSeconds < $0.0 }) ?? true {
            bestPeer[name] = (peerSeconds, method, peerMax ?? peerError)
        }
        if ok, let peerError, let lindynError, lindynError <= peerError, peerMax == nil || lindynMax == nil || lindynMax! <= peerMax!,
            equalAccuracy.map({ e in
                match.swift.rhsEvaluations < e.match.swift.rhsEvaluations
                    || (match.swift.rhsEvaluations == e.match.swift.rhsEvaluations && lindynSeconds < e.seconds)
            }) ?? true
        {
            equalAccuracy = (lindynSeconds, match, lindynError, lindynMax)
        }
        let tolerances = "tol \(pad(entry["rtol"]?.doubleValue.map(tolText) ?? "-", 5)) / \(pad(match.benchCase.tolerance.map(tolText) ?? "-", 5))"
        say(
            "  \(pad(name, 12)) \(pad(method, 8)) \(tolerances) \(pad(formatSeconds(peerSeconds), 11, right: true)) f \(pad(peerEvaluations.map { "\($0)" } ?? "-", 7, right: true)) err \(pad(error(peerError), 8)) max \(pad(error(peerMax), 8))  Lindyn \(pad(match.benchCase.stepper, 7)) \(pad(formatSeconds(lindynSeconds), 11, right: true)) f \(pad("\(match.swift.rhsEvaluations)", 7, right: true)) err \(pad(error(lindynError), 8)) max \(pad(error(lindynMax), 8))\(unit)  speed-up \(String(format: "%8.2f", speedup))x\(ok ? "" : "  (\(peer) run FAILED)")")
        rows.append(
            .object([
                "name": .string(name), "peer": .string(tool), "peer_method": .string(method), "peer_seconds": .number(peerSeconds),
                "peer_rhs_evaluations": peerEvaluations.map { .number(Double($0)) } ?? .null,
                "peer_final_rel_error": peerError.map(JSONValue.number) ?? .null,
                "lindyn_stepper": .string(match.benchCase.stepper), "lindyn_seconds": .number(lindynSeconds),
                "lindyn_rhs_evaluations": .number(Double(match.swift.rhsEvaluations)),
                "lindyn_final_rel_error": lindynError.map(JSONValue.number) ?? .null,
                "peer_max_rel_error": peerMax.map(JSONValue.number) ?? .null,
                "lindyn_max_rel_error": lindynMax.map(JSONValue.number) ?? .null,
                "speedup": .number(speedup), "peer_success": .bool(ok), "per_epoch": .bool(!unit.isEmpty),
                "peer_tolerance": entry["rtol"] ?? .null, "lindyn_tolerance": match.benchCase.tolerance.map(JSONValue.number) ?? .null,
            ]))
        }
        if matches.count > 1 || equalAccuracy != nil {
            let peerError = entry["final_rel_error"]?.doubleValue
            if let best = equalAccuracy {
                let speedup = peerSeconds / best.seconds
                say(
                    "    at equal accuracy: \(peer) \(method) tol \(entry["rtol"]?.doubleValue.map(tolText) ?? "-") err \(String(format: "%.1e", peerError ?? .nan)) \(formatSeconds(peerSeconds)) / Lindyn \(best.match.benchCase.stepper) tol \(best.match.benchCase.tolerance.map(tolText) ?? "-") err \(String(format: "%.1e", best.error)) f \(best.match.swift.rhsEvaluations) \(formatSeconds(best.seconds)): \(String(format: "%.2f", speedup))x")
                equalRows.append(
                    .object([
                        "name": .string(name), "peer_method": .string(method), "peer_tolerance": entry["rtol"] ?? .null,
                        "peer_final_rel_error": peerError.map(JSONValue.number) ?? .null, "peer_seconds": .number(peerSeconds),
                        "lindyn_stepper": .string(best.match.benchCase.stepper),
                        "lindyn_tolerance": best.match.benchCase.tolerance.map(JSONValue.number) ?? .null,
                        "lindyn_final_rel_error": .number(best.error), "lindyn_max_rel_error": best.max.map(JSONValue.number) ?? .null,
                        "lindyn_rhs_evaluations": .number(Double(best.match.swift.rhsEvaluations)),
                        "lindyn_seconds": .number(best.seconds), "speedup": .number(speedup),
                    ]))
            } else {
                say("    at equal accuracy: no Lindyn run here is as accurate as \(peer) \(method) (err \(String(format: "%.1e", peerError ?? .nan)))")
            }
        }
    }
    say("  best against best (\(peer)'s fastest method / Lindyn's fastest run at least as accurate: final error and, where both report it, the largest over the outputs):")
    var best: [JSONValue] = []
    for (name, (peerSeconds, method, peerAccuracy)) in bestPeer.sorted(by: { $0.key < $1.key }) {
        let mine = results.filter { $0.benchCase.problem == name && !$0.failed }
        let tightest = entries.filter { $0["name"]?.stringValue == name }.compactMap { $0["rtol"]?.doubleValue }.min()
        let peerEntry = entries.first {
            $0["name"]?.stringValue == name && $0["method"]?.stringValue == method
                && (tightest == nil || $0["rtol"]?.doubleValue == tightest)
        }
        let peerFinal = peerEntry?["final_rel_error"]?.doubleValue
        let peerMax = peerEntry?["max_rel_error_vs_closed_form"]?.doubleValue
        func maxError(_ r: CaseResult) -> Double? {
            maxRelativeErrorOverOutputs(name, times: r.benchCase.outputTimes, rows: r.swift.rows)
        }
        func asAccurate(_ r: CaseResult) -> Bool {
            let final = finalRelativeError(name, r.swift.finalState)
            let largest = maxError(r)
            if let peerFinal, let final, final > peerFinal { return false }
            if let peerMax, let largest, largest > peerMax { return false }
            // At least one comparable measure.
            return (peerFinal != nil && final != nil) || (peerMax != nil && largest != nil)
        }
        let accurate = mine.filter(asAccurate)
        let fastest = (accurate.isEmpty ? mine : accurate).min { $0.swiftMedian < $1.swiftMedian }!
        let lindynSeconds = fastest.benchCase.epochs.map { fastest.swiftMedian / Double($0) } ?? fastest.swiftMedian
        let speedup = peerSeconds / lindynSeconds
        let target = peerTargets[tool]?[name]
        let accuracy = maxError(fastest) ?? finalRelativeError(name, fastest.swift.finalState)
        let isAccurate = !accurate.isEmpty
        let verdict = target.map {
            speedup >= $0 && isAccurate
                ? "target >= \($0)x met" : "target >= \($0)x NOT MET\(speedup >= $0 && !isAccurate ? " (not at equal accuracy)" : "")"
        } ?? ""
        func error(_ value: Double?) -> String { value.map { String(format: "%.1e", $0) } ?? "-" }
        say("    \(pad(name, 12)) \(peer) \(pad(method, 8)) err \(pad(error(peerAccuracy), 8)) / Lindyn \(pad(fastest.benchCase.stepper, 12)) err \(pad(error(accuracy), 8)) \(String(format: "%8.2f", speedup))x  \(verdict)")
        best.append(
            .object([
                "name": .string(name), "peer_method": .string(method), "lindyn_stepper": .string(fastest.benchCase.stepper),
                "speedup": .number(speedup), "target": target.map(JSONValue.number) ?? .null, "as_accurate": .bool(isAccurate),
            ]))
    }
    return .object(["file": .string(path), "tool": .string(tool), "pairs": .array(rows), "equal_accuracy": .array(equalRows), "best": .array(best)])
}

/// The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them ("?" where unreadable).
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

func comparePrevious(_ results: [CaseResult], _ entries: [JSONValue], path: String) -> JSONValue {
    say("Against the earlier run \(path) (now / then; medians from different processes):")
    var rows: [JSONValue] = []
    for r in results {
        guard
            let old = entries.first(where: {
                $0["name"]?.stringValue == r.benchCase.problem && $0["stepper"]?.stringValue == r.benchCase.stepper
            }), let oldSwift = old["lindyn_median_seconds"]?.doubleValue, let oldC = old["c_median_seconds"]?.doubleValue,
            let oldRatio = old["ratio"]?.doubleValue
        else { continue }
        say(
            "  \(pad(r.benchCase.id, 22)) Lindyn \(String(format: "%.3f", r.swiftMedian / oldSwift))  C \(String(format: "%.3f", r.cMedian / oldC))  Lindyn/C then \(String(format: "%.3f", oldRatio)) now \(String(format: "%.3f", r.ratio))")
        rows.append(
            .object([
                "case": .string(r.benchCase.id), "lindyn_now_over_then": .number(r.swiftMedian / oldSwift),
                "c_now_over_then": .number(r.cMedian / oldC), "ratio_then": .number(oldRatio), "ratio_now": .number(r.ratio),
            ]))
    }
    return .object(["file": .string(path), "tool": "lindyn-bench", "pairs": .array(rows)])
}

// MARK: - validation grid

/// The process's peak resident memory so far, in MiB (getrusage's ru_maxrss).
func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Times every shipped validation grid (`lindyn validate`'s default run, without plots) with 1
/// and 2 workers, alternating, and reports the median speed-up. BLAS runs one thread per solve,
/// as the grids expect. Memory: the peak resident size after one grid alone and after the full
/// run, to show how it grows with the number of points.
func measureGrid(repetitions: Int) -> JSONValue {
    let grids: [ValidationGrid]
    do {
        grids = try BuiltinGrids.grids()
    } catch {
        say("grid: the shipped grids do not load: \(error)")
        return .null
    }
    let points = grids.reduce(0) { $0 + $1.pointCount }
    let savedThreads = LinearAlgebra.blasThreads
    LinearAlgebra.blasThreads = 1
    defer { LinearAlgebra.blasThreads = savedThreads }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-bench-grid-\(getpid())")
    defer { try? FileManager.default.removeItem(at: scratch) }
    func run(_ subset: [ValidationGrid], workers: Int) -> (seconds: Double, passed: Bool) {
        try? FileManager.default.removeItem(at: scratch)
        let start = wallSeconds()
        do {
            let summary = try Validation.run(
                subset, options: ValidationOptions(outputDirectory: scratch, plots: false, progress: false, workers: workers))
            return (wallSeconds() - start, summary.passed)
        } catch {
            say("grid: the run failed: \(error)")
            return (wallSeconds() - start, false)
        }
    }
    // Memory with the smallest grid first, then everything.
    let smallest = grids.min { $0.pointCount < $1.pointCount }!
    _ = run([smallest], workers: 2)
    let memorySmall = peakResidentMiB()
    say("grid: \(grids.count) shipped grids, \(points) points; 1 and 2 workers alternating, \(repetitions) round(s)")
    var one: [Double] = []
    var two: [Double] = []
    var allPassed = true
    for round in 0..<repetitions {
        for workers in round % 2 == 0 ? [1, 2] : [2, 1] {
            let (seconds, passed) = run(grids, workers: workers)
            allPassed = allPassed && passed
            if workers == 1 { one.append(seconds) } else { two.append(seconds) }
        }
    }
    let memoryAll = peakResidentMiB()
    // Where the time goes: each grid alone, 1 and 2 workers (a grid whose time is one long
    // point cannot be split).
    var perGrid: [JSONValue] = []
    var lines: [String] = []
    for grid in grids {
        let single = run([grid], workers: 1).seconds
        let double = run([grid], workers: 2).seconds
        lines.append(String(format: "%@ (%d) %.2f/%.2f s", grid.name, grid.pointCount, single, double))
        perGrid.append(
            .object([
                "name": .string(grid.name), "points": .integer(grid.pointCount), "one_worker_seconds": .number(single),
                "two_worker_seconds": .number(double),
            ]))
    }
    say("  each grid alone, 1/2 workers: " + lines.joined(separator: ", "))
    let speedup = median(zip(one, two).map { $0 / $1 })
    say(
        String(
            format: "  1 worker %.2f s, 2 workers %.2f s (medians); speed-up %.2fx (target >= 1.8: %@); all points passed: %@",
            median(one), median(two), speedup, speedup >= 1.8 ? "met" : "NOT MET", allPassed ? "yes" : "NO"))
    say(
        String(
            format: "  peak resident memory: %.1f MiB after one %d-point grid, %.1f MiB after the %d-point runs",
            memorySmall, smallest.pointCount, memoryAll, points))
    return .object([
        "grids": .integer(grids.count), "points": .integer(points),
        "one_worker_seconds": .array(one.map(JSONValue.number)), "two_worker_seconds": .array(two.map(JSONValue.number)),
        "speedup": .number(speedup), "target": 1.8, "met": .bool(speedup >= 1.8), "all_points_passed": .bool(allPassed),
        "peak_resident_mib_small": .number(memorySmall), "small_grid_points": .integer(smallest.pointCount),
        "peak_resident_mib_all": .number(memoryAll), "per_grid": .array(perGrid),
    ])
}
