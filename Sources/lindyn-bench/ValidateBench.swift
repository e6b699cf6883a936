// The cost of a validation point against the solves it needs: `Validation/bench/mode-grid.json`
// (1000 single modes, rk8pd against the closed form) through the whole `lindyn validate` pipeline
// and, side by side, only the integrations and closed-form evaluations its points ask for.
import Foundation
import LindynIntegrator
import LindynModels
import LindynReport
import LindynValidation

/// CPU seconds (user + system) of this process so far, every thread.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

/// CPU seconds of the finished child processes so far.
func childrenCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

/// One solve a grid point needs: a closed-form evaluation or an integration.
enum PointSolve {
    case formula(Problem)
    case integrate(Problem)
    case descend(Problem)

    func run() -> Bool {
        switch self {
        case .formula(let p): return (try? Formula.evaluate(p, requireLearned: false))?.succeeded ?? false
        case .integrate(let p): return (try? Simulation.integrate(p))?.succeeded ?? false
        case .descend(let p): return (try? Simulation.descend(p))?.succeeded ?? false
        }
    }
}

/// The solves `PointRunner` runs at point `index` of `grid`, with their settings (prepared
/// untimed): the closed form (also with the half-time event), the tight reference integration,
/// every stepper at every tolerance (with the half-time event) and the descent.
func pointSolves(_ grid: ValidationGrid, _ index: Int) throws -> [PointSolve] {
    let problem = try grid.point(index).problem
    let settings = grid.compare
    var solves: [PointSolve] = []
    var tight = problem
    tight.solver = settings.referenceSolver
    let formula = settings.compares(.formula) ? try? Formula.evaluate(problem, requireLearned: false) : nil
    let reference = formula ?? (try? Simulation.integrate(tight))
    var events: [EventSpec] = []
    if let reference, let column = reference.columns.dropFirst().first,
        let level = TrajectoryComparison.halfLevel(reference: reference, column: column, first: true),
        problem.dynamics.stateNames.contains(column) || problem.dynamics.observableNames.contains(column)
    {
        events = [EventSpec(name: "half_time", observable: column, level: level)]
    }
    if settings.compares(.formula) {
        solves.append(.formula(problem))
        if formula != nil, !events.isEmpty {
            var q = problem
            q.events = events
            solves.append(.formula(q))
        }
    }
    solves.append(.integrate(tight))
    if settings.compares(.integrator) {
        for stepper in grid.steppers {
            for tolerance in grid.tolerances {
                var p = problem
                p.solver.stepper = stepper
                p.solver.absoluteTolerance = tolerance.absolute
                p.solver.relativeTolerance = tolerance.relative
                p.events = events
                solves.append(.integrate(p))
            }
        }
    }
    if settings.compares(.descent), problem.dynamics.tau != nil { solves.append(.descend(problem)) }
    return solves
}

/// Runs `body(k)` for k in 0..<count on `workers` threads, handing out indices in order.
func inParallel(_ count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        func take(_ limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < limit else { return nil }
            next += 1
            return next - 1
        }
    }
    let counter = Counter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let k = counter.take(count) { body(k) }
    }
}

func measureValidate(repetitions: Int, plots: Bool) -> JSONValue {
    let path = "Validation/bench/mode-grid.json"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        say("validate: \(path) not found (run from the repository root)")
        return .null
    }
    func parse() throws -> ValidationGrid { try ValidationGrid.parse(try InputJSON.parse(text), defaultName: "mode-grid") }
    let grid: ValidationGrid
    let solves: [[PointSolve]]
    do {
        grid = try parse()
        solves = try (0..<grid.pointCount).map { try pointSolves(grid, $0) }
    } catch {
        say("validate: \(path) does not load: \(error)")
        return .null
    }
    let points = grid.pointCount
    let savedThreads = LinearAlgebra.blasThreads
    LinearAlgebra.blasThreads = 1
    defer { LinearAlgebra.blasThreads = savedThreads }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-bench-validate-\(getpid())")
    defer { try? FileManager.default.removeItem(at: scratch) }

    final class Flag: @unchecked Sendable {
        let lock = NSLock()
        var ok = true
        func fail() { lock.lock(); ok = false; lock.unlock() }
    }
    /// (wall, cpu) of every solve of every point.
    func solvesOnly(workers: Int) -> (Double, Double, Bool) {
        let flag = Flag()
        let (w0, c0) = (wallSeconds(), processCPUSeconds())
        inParallel(points, workers: workers) { k in
            for s in solves[k] where !s.run() { flag.fail() }
        }
        return (wallSeconds() - w0, processCPUSeconds() - c0, flag.ok)
    }
    /// (wall, cpu) of the grid file read and run through `Validation.run`, as `lindyn validate` does.
    func validate(workers: Int) -> (Double, Double, Bool) {
        try? FileManager.default.removeItem(at: scratch)
        let (w0, c0) = (wallSeconds(), processCPUSeconds())
        do {
            let g = try parse()
            let summary = try Validation.run([g], options: ValidationOptions(outputDirectory: scratch, plots: plots, progress: false, workers: workers))
            return (wallSeconds() - w0, processCPUSeconds() - c0, summary.passed)
        } catch {
            say("validate: the run failed: \(error)")
            return (wallSeconds() - w0, processCPUSeconds() - c0, false)
        }
    }
    // The whole command as a process, when the release `lindyn` sits beside this executable.
    let lindyn = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lindyn")
    let hasProcess = FileManager.default.isExecutableFile(atPath: lindyn.path)
    func process(workers: Int) -> (Double, Double, Bool) {
        try? FileManager.default.removeItem(at: scratch)
        let p = Process()
        p.executableURL = lindyn
        p.arguments = ["validate", path, "--out", scratch.path, "--workers", String(workers)] + (plots ? [] : ["--no-plots"])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let (w0, c0) = (wallSeconds(), childrenCPUSeconds())
        do { try p.run() } catch { return (0, 0, false) }
        p.waitUntilExit()
        return (wallSeconds() - w0, childrenCPUSeconds() - c0, p.terminationStatus == 0)
    }

    let solveCount = solves.reduce(0) { $0 + $1.count }
    say("validate: \(path), \(points) points (\(grid.steppers.map(\.rawValue).joined(separator: ", ")) at \(grid.tolerances.count) tolerance(s), \(grid.compare.methods.map(\.rawValue).joined(separator: " and ")); stiffness analysis \(grid.stiffness.enabled ? "on" : "off"); plots \(plots ? "on" : "off")), \(solveCount) solves; \(repetitions) rounds alternating after a warm-up")
    _ = solvesOnly(workers: 1)
    _ = validate(workers: 1)
    var s1: [(Double, Double)] = [], v1: [(Double, Double)] = [], s2: [(Double, Double)] = [], v2: [(Double, Double)] = [], p2: [(Double, Double)] = []
    var allOK = true
    for round in 0..<repetitions {
        var steps: [() -> Void] = [
            { let r = solvesOnly(workers: 1); s1.append((r.0, r.1)); allOK = allOK && r.2 },
            { let r = validate(workers: 1); v1.append((r.0, r.1)); allOK = allOK && r.2 },
            { let r = solvesOnly(workers: 2); s2.append((r.0, r.1)); allOK = allOK && r.2 },
            { let r = validate(workers: 2); v2.append((r.0, r.1)); allOK = allOK && r.2 },
        ]
        if hasProcess { steps.append({ let r = process(workers: 2); p2.append((r.0, r.1)); allOK = allOK && r.2 }) }
        if round % 2 == 1 { steps.reverse() }
        for step in steps { step() }
    }
    let cpuRatio = median(zip(v1, s1).map { $0.1 / $1.1 })
    let wallRatio2 = median(zip(v2, s2).map { $0.0 / $1.0 })
    let pointsPerSecond = Double(points) / median(v2.map(\.0))
    func ms(_ xs: [(Double, Double)], _ cpu: Bool) -> Double { median(xs.map { cpu ? $0.1 : $0.0 }) * 1e3 }
    say(String(format: "  1 worker:  solves only %.0f ms cpu (%.0f wall), validate %.0f ms cpu (%.0f wall); validate / solves %.2f cpu (target <= 2: %@)",
               ms(s1, true), ms(s1, false), ms(v1, true), ms(v1, false), cpuRatio, cpuRatio <= 2 ? "met" : "NOT MET"))
    say(String(format: "  2 workers: solves only %.0f ms wall, validate %.0f ms wall (%.0f cpu); validate / solves %.2f wall; %.0f points/s (target >= 3000: %@)",
               ms(s2, false), ms(v2, false), ms(v2, true), wallRatio2, pointsPerSecond, pointsPerSecond >= 3000 ? "met" : "NOT MET"))
    var processJSON: JSONValue = .null
    if hasProcess {
        let processRate = Double(points) / median(p2.map(\.0))
        say(String(format: "  whole process `lindyn validate --workers 2`: %.0f ms wall, %.0f ms cpu; %.0f points/s", ms(p2, false), ms(p2, true), processRate))
        processJSON = .object(["wall_seconds": .array(p2.map { .number($0.0) }), "cpu_seconds": .array(p2.map { .number($0.1) }), "points_per_second": .number(processRate)])
    } else {
        say("  (no release lindyn beside lindyn-bench: whole-process run skipped; `make bench-validate` builds it)")
    }
    if !allOK { say("  SOME RUNS FAILED OR POINTS DID NOT PASS") }
    func series(_ xs: [(Double, Double)]) -> JSONValue {
        .object(["wall_seconds": .array(xs.map { .number($0.0) }), "cpu_seconds": .array(xs.map { .number($0.1) })])
    }
    return .object([
        "grid": .string(path), "points": .integer(points), "solves": .integer(solveCount), "plots": .bool(plots),
        "solves_one_worker": series(s1), "validate_one_worker": series(v1), "solves_two_workers": series(s2), "validate_two_workers": series(v2),
        "process_two_workers": processJSON, "cpu_ratio_one_worker": .number(cpuRatio), "wall_ratio_two_workers": .number(wallRatio2),
        "points_per_second": .number(pointsPerSecond), "targets": .object(["points_per_second": 3000, "cpu_ratio": 2]),
        "all_passed": .bool(allOK),
    ])
}
