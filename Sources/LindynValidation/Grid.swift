import Foundation
import LindynIntegrator
import LindynModels

/// One axis of a grid: dotted paths into the problem file and the values they take. Several
/// paths joined by commas in the file (`"model.w1,model.w2"`) are tied: all take the same value
/// at a point (a balanced scalar start, say), so they count as one axis.
public struct GridAxis: Sendable, Equatable {
    /// The dotted paths the axis sets (one, or several tied together).
    public var paths: [String]
    /// The values the paths take, one per point along the axis.
    package var values: [InputJSON]

    /// An axis setting every path in `paths` to each of `values`.
    package init(paths: [String], values: [InputJSON]) {
        self.paths = paths
        self.values = values
    }

    /// The axis name as written in the file.
    public var name: String { paths.joined(separator: ",") }
}

/// One rung of a tolerance ladder: GSL's `epsabs` and `epsrel`.
public struct Tolerance: Sendable, Hashable {
    /// `epsabs`.
    public var absolute: Double
    /// `epsrel`.
    public var relative: Double

    /// A rung from its two tolerances.
    public init(absolute: Double, relative: Double) {
        self.absolute = absolute
        self.relative = relative
    }
}

/// What is compared at every grid point, and the pass rules (see `Notes/validation.md`).
public struct CompareSettings: Sendable, Equatable {
    /// A method compared with the reference at every point.
    public enum Method: String, Sendable, CaseIterable {
        /// Each stepper at each tolerance, integrating the flow.
        case integrator
        /// Gradient descent on the same weights, learning rate `1/tau`.
        case descent
        /// The closed form, checked against the tight reference integration.
        case formula
    }

    /// The methods compared, in the order of the table's rows.
    public var methods: [Method]
    /// A point fails when `formula` is compared but the settings have no closed form.
    public var requireFormula: Bool
    /// Integrator rule: |x - r| <= factor (epsabs G + epsrel |r|) + floor max|r|, G the growth
    /// of the reference column from its first output (an absolute error made at a small start is
    /// amplified by the escape from the saddle).
    public var integratorFactor: Double
    /// The floor of the integrator rule, relative to the reference column's largest magnitude.
    public var integratorFloor: Double
    /// Descent rule: max |x - r| <= maxScaledError max|r| (per compared column).
    public var descentMaxScaledError: Double
    /// Formula check against the tight reference integration: |x - r| <= rtol |r| + floor max|r|.
    public var formulaRelative: Double
    /// The floor of the formula rule, relative to the reference column's largest magnitude.
    public var formulaFloor: Double
    /// The tight integration used as the reference when there is no closed form, and to check
    /// the closed form itself.
    public var referenceSolver: SolverOptions
    /// Numerical failures of the compared steppers (an explicit stepper running out of steps on a
    /// stiff problem) are reported as `gave_up` and do not fail the point.
    public var allowMethodFailure: Bool
    /// Steppers known to miss the integrator rule on this grid: their failing rows are reported as
    /// `known_fail` (and still shown), not failures.
    public var knownInaccurate: [Stepper]
    /// Large-N rule (data-backed problems): the worst scaled deviation of the large-N theory
    /// from the exact curves is at most `largeNFactor / sqrt(N)` (`compare.large_n.factor`).
    public var largeNFactor: Double = 3

    /// Settings with the defaults of a grid file's `compare` object (`Notes/validation.md`).
    public init(
        methods: [Method] = Method.allCases, requireFormula: Bool = false, integratorFactor: Double = 1000,
        integratorFloor: Double = 1e-12, descentMaxScaledError: Double = 0.05, formulaRelative: Double = 1e-7,
        formulaFloor: Double = 1e-9,
        referenceSolver: SolverOptions = SolverOptions(stepper: .rk8pd, absoluteTolerance: 1e-13, relativeTolerance: 1e-13),
        allowMethodFailure: Bool = false, knownInaccurate: [Stepper] = []
    ) {
        self.methods = methods
        self.requireFormula = requireFormula
        self.integratorFactor = integratorFactor
        self.integratorFloor = integratorFloor
        self.descentMaxScaledError = descentMaxScaledError
        self.formulaRelative = formulaRelative
        self.formulaFloor = formulaFloor
        self.referenceSolver = referenceSolver
        self.allowMethodFailure = allowMethodFailure
        self.knownInaccurate = knownInaccurate
    }

    /// True when `method` is among ``methods``.
    public func compares(_ method: Method) -> Bool { methods.contains(method) }
}

/// Settings of the stiffness analysis at each point (the `stiffness` object of a grid file).
public struct StiffnessSettings: Sendable, Equatable {
    /// The explicit and implicit steppers whose step counts are compared. The default pair,
    /// rk4 and rk4imp, has the same order and the same step-doubling error estimate, so their
    /// step ratio isolates stability from accuracy.
    public var explicitStepper: Stepper
    /// The implicit stepper of the pair.
    public var implicitStepper: Stepper
    /// The tolerance both runs use.
    public var tolerance: Tolerance
    /// Step cap of the explicit run (reaching it counts as giving up).
    public var maxSteps: Int
    /// Eigenvalues with |Re lambda| <= cutoff * max|lambda| count as null directions.
    public var cutoff: Double
    /// Stiff when explicit steps >= ratio * implicit steps (or the explicit run reaches its step cap).
    public var ratio: Double
    /// Whether the analysis runs at all (`"stiffness": false` in a grid file turns it off: its
    /// two extra integrations and spectra are most of a small point's cost). Off, every point's
    /// stiffness row has the verdict `not analysed`.
    public var enabled = true

    /// Settings with the defaults of a grid file's `stiffness` object: rk4 against rk4imp at
    /// 1e-6, stiff at a step ratio of 10.
    public init(
        explicitStepper: Stepper = .rk4, implicitStepper: Stepper = .rk4imp, tolerance: Tolerance = Tolerance(absolute: 1e-6, relative: 1e-6),
        maxSteps: Int = 200_000, cutoff: Double = 1e-6, ratio: Double = 10
    ) {
        self.explicitStepper = explicitStepper
        self.implicitStepper = implicitStepper
        self.tolerance = tolerance
        self.maxSteps = maxSteps
        self.cutoff = cutoff
        self.ratio = ratio
    }
}

/// Which figures a grid contributes (the `plots` object of a grid file).
public struct PlotSettings: Sendable, Equatable {
    /// Points drawn as trajectory panels, by index in the grid's point order.
    public var trajectories: [Int]
    /// Figure file name stem (default `trajectories-<grid>`).
    public var figure: String?
    /// The figure's title (`plots.title`); none when not given.
    public var title: String?
    /// One title per trajectory panel (default: the point's parameters).
    public var panelTitles: [String]
    /// The x-axis label of the trajectory panels.
    public var xLabel: String
    /// The y-axis label of the trajectory panels.
    public var yLabel: String
    /// Logarithmic axes for the trajectory panels (e.g. chemical kinetics over decades of t).
    public var logX = false
    /// Logarithmic y axis for the trajectory panels.
    public var logY = false
    /// The columns drawn (default: every compared column), e.g. only the mode strengths of a
    /// network that also observes its product entries.
    public var columns: [String] = []

    /// Settings with the defaults of a grid file's `plots` object: point 0 drawn, mode strength
    /// against epochs.
    public init(trajectories: [Int] = [0], figure: String? = nil, title: String? = nil, panelTitles: [String] = [], xLabel: String = "Epoch (t)", yLabel: String = "Mode strength") {
        self.trajectories = trajectories
        self.figure = figure
        self.title = title
        self.panelTitles = panelTitles
        self.xLabel = xLabel
        self.yLabel = yLabel
    }
}

/// A validation grid file: a problem file (any `model`, `loss` or `system`) plus `grid`
/// (axes as dotted paths, Cartesian product), `steppers`, `tolerances`, `compare`, and
/// optionally `stiffness` and `plots`. The format is described in `Notes/validation.md`.
public struct ValidationGrid: Sendable {
    /// The grid's name (the `name` key, else the file name): names its rows, tables and figures.
    public var name: String
    /// What the grid checks, in one sentence (the `description` key), for the tables' README.
    public var description: String?
    /// The problem document without the grid's own keys.
    package var base: InputJSON { didSet { loadedPoints = nil } }
    /// The axes, in file order; the points are their Cartesian product.
    public var axes: [GridAxis] { didSet { loadedPoints = nil } }
    /// The GSL steppers compared at each point.
    public var steppers: [Stepper]
    /// The tolerance ladder each stepper runs at.
    public var tolerances: [Tolerance]
    /// What is compared and the pass rules.
    public var compare: CompareSettings
    /// Settings of the stiffness analysis at each point.
    public var stiffness: StiffnessSettings
    /// Which points are drawn, and how.
    public var plots: PlotSettings
    /// A hash of the grid's text (FNV-1a, 64 bits): journal rows of another version are not resumed.
    public var fingerprint: String
    /// Size limits in force at every point (`CostLimits.standard` unless `--allow-large`).
    public var limits: CostLimits = .standard { didSet { loadedPoints = nil } }
    /// The points as ``parse(_:defaultName:limits:)`` loaded them to check them, so that a run
    /// does not load each problem a second time; dropped when what defines the points changes.
    private var loadedPoints: LoadedPoints?
    /// Grids with more points than this keep none loaded (their memory would grow with the grid).
    static let loadedPointsLimit = 20_000

    /// Keys a grid file adds to a problem file.
    public static let gridKeys = ["name", "grid", "steppers", "tolerances", "compare", "stiffness", "plots"]

    /// The number of points (the product of the axis lengths; 1 without axes).
    public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// Reads a grid document. `defaultName` (the file's base name) is used when the file has no
    /// `name`. Every point's problem is loaded, so a bad value is refused before anything runs,
    /// and checked against `limits` (grid points, descent epochs and runs, variables for the
    /// steppers that use the Jacobian). An empty comparison (no methods, or the integrator
    /// compared with no steppers) is refused: it would pass without comparing anything.
    package static func parse(_ document: InputJSON, defaultName: String, limits: CostLimits = .standard) throws(ProblemFileError) -> ValidationGrid {
        guard case let .object(pairs) = document else {
            throw ProblemFileError(field: "file", message: "a grid file is a JSON object: a problem file plus grid, steppers, tolerances and compare")
        }
        let root = Field("", document)
        let name = root["name"].isPresent ? try root["name"].string("the grid's name") : defaultName
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw root["name"].error("must be letters, digits, - or _ (it names output files), got '\(name)'")
        }
        let base = InputJSON.object(pairs.filter { !gridKeys.contains($0.0) })
        var axes: [GridAxis] = []
        if root["grid"].isPresent {
            for (key, field) in try root["grid"].pairs("an object of dotted paths to lists of values") {
                let paths = key.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard !paths.isEmpty, paths.allSatisfy({ !$0.isEmpty }) else { throw field.error("an axis needs a dotted path such as model.s") }
                guard case let .array(values)? = field.value, !values.isEmpty else {
                    throw field.error("expected a non-empty list of values for the axis")
                }
                axes.append(GridAxis(paths: paths, values: values))
            }
        }
        var steppers: [Stepper] = []
        if root["steppers"].isPresent {
            for item in try root["steppers"].items("a list of GSL stepper names") {
                let s = try item.string("a stepper name")
                guard let stepper = Stepper(rawValue: s) else { throw item.error("unknown stepper '\(s)'; expected one of \(Stepper.allNames)") }
                steppers.append(stepper)
            }
        } else {
            steppers = [.rk8pd]
        }
        var tolerances: [Tolerance] = []
        if root["tolerances"].isPresent {
            for item in try root["tolerances"].items("a list of [epsabs, epsrel] pairs") {
                tolerances.append(try tolerance(item))
            }
        } else {
            tolerances = [Tolerance(absolute: 1e-10, relative: 1e-10)]
        }
        guard !tolerances.isEmpty else { throw root["tolerances"].error("needs at least one tolerance") }
        var points = 1
        for axis in axes {
            let (product, overflow) = points.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, product <= limits.gridPoints else {
                let hint = limits == .standard ? "; pass --allow-large to raise the limit" : ""
                throw root["grid"].error("the grid's points (the product of the axis lengths) exceed the limit of \(limits.gridPoints)\(hint)")
            }
            points = product
        }
        var grid = ValidationGrid(
            name: name, description: root["description"].isPresent ? try root["description"].string() : nil,
            base: base, axes: axes, steppers: steppers, tolerances: tolerances,
            compare: try compareSettings(root["compare"]), stiffness: try stiffnessSettings(root["stiffness"]),
            plots: try plotSettings(root["plots"]), fingerprint: fnv1a(canonicalText(document)))
        grid.limits = limits
        guard !grid.compare.methods.isEmpty else {
            throw root["compare"]["methods"].error("needs at least one of integrator, descent and formula (an empty comparison would pass without comparing anything)")
        }
        if grid.compare.compares(.integrator) && steppers.isEmpty {
            throw root["steppers"].error("needs at least one stepper when the integrator is compared (an empty list would pass without comparing anything)")
        }
        for (k, index) in grid.plots.trajectories.enumerated() where !(0..<grid.pointCount).contains(index) {
            throw root["plots"]["trajectories"].error("entry \(k) is point \(index), but the grid has points 0 to \(grid.pointCount - 1)")
        }
        var loaded: [GridPoint] = []
        let keeps = grid.pointCount <= loadedPointsLimit
        if keeps { loaded.reserveCapacity(grid.pointCount) }
        for index in 0..<grid.pointCount {
            let point = try grid.point(index)
            if keeps { loaded.append(point) }
            let problem = point.problem
            let context = { (error: ProblemFileError) in ProblemFileError(field: error.field, message: "\(error.message) (grid point \(index))") }
            do {
                let variables = problem.dynamics.stateNames.count
                if grid.compare.compares(.integrator) {
                    for stepper in steppers { try limits.checkJacobian(stepper: stepper, variables: variables) }
                }
                try limits.checkJacobian(stepper: grid.compare.referenceSolver.stepper, variables: variables)
                if grid.compare.compares(.descent), problem.dynamics.tau != nil {
                    _ = try Simulation.checkedDescentEpochs(problem.time, runs: problem.descent.runs, limits: limits)
                }
            } catch {
                throw context(error)
            }
        }
        if keeps { grid.loadedPoints = LoadedPoints(loaded) }
        return grid
    }

    /// Reads a grid file.
    public static func load(contentsOf url: URL) throws(ProblemFileError) -> ValidationGrid {
        let document = try InputJSON.parse(contentsOf: url)
        return try parse(document, defaultName: url.deletingPathExtension().lastPathComponent)
    }

    static func tolerance(_ f: Field) throws(ProblemFileError) -> Tolerance {
        let pair: (Double, Double)
        switch f.value {
        case .number(let x)?: pair = (x, x)
        case .array?:
            let values = try f.doubles("[epsabs, epsrel]")
            guard values.count == 2 else { throw f.error("expected [epsabs, epsrel], got \(values.count) numbers") }
            pair = (values[0], values[1])
        case .object?:
            try f.onlyKeys(["epsabs", "epsrel"])
            pair = (try f["epsabs"].double(), try f["epsrel"].double())
        default:
            throw f.error("expected [epsabs, epsrel], {\"epsabs\": x, \"epsrel\": y} or one number for both")
        }
        guard pair.0 > 0, pair.1 > 0, pair.0.isFinite, pair.1.isFinite else { throw f.error("tolerances must be positive numbers") }
        return Tolerance(absolute: pair.0, relative: pair.1)
    }

    static func compareSettings(_ f: Field) throws(ProblemFileError) -> CompareSettings {
        var c = CompareSettings()
        guard f.isPresent else { return c }
        try f.onlyKeys(["methods", "require_formula", "integrator", "descent", "formula", "reference_solver", "allow_method_failure", "known_inaccurate", "large_n"])
        if f["methods"].isPresent {
            c.methods = []
            for item in try f["methods"].items("a list of integrator, descent and formula") {
                let s = try item.string()
                guard let m = CompareSettings.Method(rawValue: s) else { throw item.error("unknown method '\(s)'; expected integrator, descent or formula") }
                c.methods.append(m)
            }
        }
        c.requireFormula = try f["require_formula"].bool(default: false)
        c.allowMethodFailure = try f["allow_method_failure"].bool(default: false)
        if f["known_inaccurate"].isPresent {
            for item in try f["known_inaccurate"].items("a list of stepper names") {
                let s = try item.string()
                guard let stepper = Stepper(rawValue: s) else { throw item.error("unknown stepper '\(s)'; expected one of \(Stepper.allNames)") }
                c.knownInaccurate.append(stepper)
            }
        }
        try f["integrator"].onlyKeys(["factor", "floor"])
        c.integratorFactor = try f["integrator"]["factor"].positive(default: c.integratorFactor)
        c.integratorFloor = try f["integrator"]["floor"].positive(default: c.integratorFloor)
        try f["descent"].onlyKeys(["max_scaled_error"])
        c.descentMaxScaledError = try f["descent"]["max_scaled_error"].positive(default: c.descentMaxScaledError)
        try f["large_n"].onlyKeys(["factor"])
        c.largeNFactor = try f["large_n"]["factor"].positive(default: c.largeNFactor)
        try f["formula"].onlyKeys(["rtol", "floor"])
        c.formulaRelative = try f["formula"]["rtol"].positive(default: c.formulaRelative)
        c.formulaFloor = try f["formula"]["floor"].positive(default: c.formulaFloor)
        if f["reference_solver"].isPresent {
            let r = f["reference_solver"]
            try r.onlyKeys(["stepper", "epsabs", "epsrel", "max_steps"])
            if r["stepper"].isPresent {
                let s = try r["stepper"].string()
                guard let stepper = Stepper(rawValue: s) else { throw r["stepper"].error("unknown stepper '\(s)'; expected one of \(Stepper.allNames)") }
                c.referenceSolver.stepper = stepper
            }
            c.referenceSolver.absoluteTolerance = try r["epsabs"].positive(default: c.referenceSolver.absoluteTolerance)
            c.referenceSolver.relativeTolerance = try r["epsrel"].positive(default: c.referenceSolver.relativeTolerance)
            c.referenceSolver.maxSteps = try r["max_steps"].int(default: c.referenceSolver.maxSteps)
        }
        return c
    }

    static func stiffnessSettings(_ f: Field) throws(ProblemFileError) -> StiffnessSettings {
        var s = StiffnessSettings()
        guard f.isPresent else { return s }
        if case .bool(let on)? = f.value {
            s.enabled = on
            return s
        }
        try f.onlyKeys(["explicit", "implicit", "epsabs", "epsrel", "max_steps", "cutoff", "ratio"])
        for (key, implicit) in [("explicit", false), ("implicit", true)] where f[key].isPresent {
            let name = try f[key].string()
            guard let stepper = Stepper(rawValue: name), stepper.isImplicit == implicit else {
                throw f[key].error("expected \(implicit ? "an implicit" : "an explicit") GSL stepper, got '\(name)'")
            }
            if implicit { s.implicitStepper = stepper } else { s.explicitStepper = stepper }
        }
        s.tolerance = Tolerance(absolute: try f["epsabs"].positive(default: s.tolerance.absolute), relative: try f["epsrel"].positive(default: s.tolerance.relative))
        s.maxSteps = try f["max_steps"].int(default: s.maxSteps)
        guard s.maxSteps >= 1 else { throw f["max_steps"].error("must be at least 1") }
        s.cutoff = try f["cutoff"].positive(default: s.cutoff)
        s.ratio = try f["ratio"].positive(default: s.ratio)
        return s
    }

    static func plotSettings(_ f: Field) throws(ProblemFileError) -> PlotSettings {
        var p = PlotSettings()
        guard f.isPresent else { return p }
        try f.onlyKeys(["trajectories", "figure", "title", "panel_titles", "x_label", "y_label", "x_scale", "y_scale", "columns"])
        if f["columns"].isPresent {
            p.columns = try f["columns"].strings("a list of column names")
            guard !p.columns.isEmpty else { throw f["columns"].error("needs at least one column name") }
        }
        if f["trajectories"].isPresent {
            p.trajectories = []
            for item in try f["trajectories"].items("a list of point indices") { p.trajectories.append(try item.int("a point index")) }
        }
        if f["figure"].isPresent { p.figure = try f["figure"].string() }
        if f["title"].isPresent { p.title = try f["title"].string() }
        if f["panel_titles"].isPresent { p.panelTitles = try f["panel_titles"].strings() }
        if f["x_label"].isPresent { p.xLabel = try f["x_label"].string() }
        if f["y_label"].isPresent { p.yLabel = try f["y_label"].string() }
        for (key, isLog) in [("x_scale", \PlotSettings.logX), ("y_scale", \PlotSettings.logY)] where f[key].isPresent {
            let scale = try f[key].string("linear or log")
            guard scale == "linear" || scale == "log" else { throw f[key].error("expected linear or log, got '\(scale)'") }
            p[keyPath: isLog] = scale == "log"
        }
        return p
    }

    /// The axis values of point `index` (the last axis varies fastest).
    public func coordinates(_ index: Int) -> [Int] {
        precondition((0..<pointCount).contains(index), "point \(index) is outside the grid")
        var rest = index
        var out = Array(repeating: 0, count: axes.count)
        for k in stride(from: axes.count - 1, through: 0, by: -1) {
            out[k] = rest % axes[k].values.count
            rest /= axes[k].values.count
        }
        return out
    }

    /// Point `index`: its parameter values and its problem (the base with the axes applied).
    public func point(_ index: Int) throws(ProblemFileError) -> GridPoint {
        if let loadedPoints, loadedPoints.points.indices.contains(index) { return loadedPoints.points[index] }
        var document = base
        var parameters: [(String, InputJSON)] = []
        for (k, c) in coordinates(index).enumerated() {
            let axis = axes[k]
            let value = axis.values[c]
            for path in axis.paths {
                do {
                    document = try document.setting(path.split(separator: ".").map(String.init), to: value)
                } catch {
                    throw ProblemFileError(field: "grid.\(axis.name)", message: "cannot set \(path): \(error.message)")
                }
            }
            parameters.append((axis.name, value))
        }
        do {
            var problem = try Problem.load(document)
            problem.limits = limits
            return GridPoint(index: index, parameters: parameters, problem: problem)
        } catch {
            let at = parameters.map { "\($0.0) = \(canonicalText($0.1))" }.joined(separator: ", ")
            throw ProblemFileError(field: error.field, message: "\(error.message) (grid point \(index)\(at.isEmpty ? "" : ": " + at))")
        }
    }

    /// A small version for quick runs: each axis keeps its first and last value, the first two
    /// steppers and the tightest tolerance; trajectory plots keep the points that still exist.
    public func reduced() -> ValidationGrid {
        var g = self
        g.axes = axes.map { GridAxis(paths: $0.paths, values: $0.values.count > 2 ? [$0.values.first!, $0.values.last!] : $0.values) }
        g.steppers = Array(steppers.prefix(2))
        g.tolerances = [tolerances.min { $0.absolute + $0.relative < $1.absolute + $1.relative }!]
        // The plotted points that survive the reduction keep their panels (and titles); the
        // figure title stays only when every panel does, so it never describes a missing panel.
        var kept: [(index: Int, title: String?)] = []
        for (k, index) in plots.trajectories.enumerated() where (0..<pointCount).contains(index) {
            var reducedIndex = 0
            var survives = true
            for (axis, c) in zip(axes, coordinates(index)) {
                let n = axis.values.count
                let r: Int? = n > 2 ? (c == 0 ? 0 : c == n - 1 ? 1 : nil) : c
                guard let r else { survives = false; break }
                reducedIndex = reducedIndex * min(n, 2) + r
            }
            if survives { kept.append((reducedIndex, k < plots.panelTitles.count ? plots.panelTitles[k] : nil)) }
        }
        if kept.isEmpty {
            g.plots.trajectories = [0]
            g.plots.panelTitles = []
            g.plots.title = nil
        } else {
            g.plots.trajectories = kept.map(\.index)
            g.plots.panelTitles = kept.allSatisfy { $0.title != nil } ? kept.map { $0.title! } : []
            if kept.count < plots.trajectories.count { g.plots.title = nil }
        }
        g.fingerprint = fnv1a(fingerprint + "-reduced")
        return g
    }
}

/// The loaded points of a grid (immutable; shared by the grid's copies).
final class LoadedPoints: Sendable {
    let points: [GridPoint]
    init(_ points: [GridPoint]) { self.points = points }
}

/// One point of a grid.
public struct GridPoint: Sendable {
    /// The point's position in the grid's point order (the last axis varies fastest).
    public var index: Int
    /// Axis name and value, in axis order.
    package var parameters: [(String, InputJSON)]
    /// The problem file with the point's values substituted.
    public var problem: Problem

    /// `model.s=2; model.u0=0.001`: the parameters as one text cell.
    public var parameterText: String {
        parameters.map { "\($0.0)=\(canonicalText($0.1))" }.joined(separator: "; ")
    }
}

/// Compact JSON text of an input value (numbers in shortest round-trip form).
package func canonicalText(_ value: InputJSON) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let x):
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    case .array(let items): return "[" + items.map(canonicalText).joined(separator: ",") + "]"
    case .object(let pairs): return "{" + pairs.map { canonicalText(.string($0.0)) + ":" + canonicalText($0.1) }.joined(separator: ",") + "}"
    }
}

/// FNV-1a, 64 bits, as 16 hex digits: a stable fingerprint (Swift's Hasher is seeded per process).
public func fnv1a(_ text: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in text.utf8 {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01B3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
