import Foundation
import LindynIntegrator

/// Output times of a problem (`time` in a problem file).
public struct TimeSpec: Sendable, Hashable {
    /// The start time (default 0).
    public var start: Double
    /// The end time, > start.
    public var end: Double
    /// Requested output times, non-decreasing, within [start, end], ending at `end`.
    public var outputTimes: [Double]
    /// True when the times were listed (`time.at`) rather than spaced evenly (`time.points`).
    public var listed: Bool = false

    /// Output at the given times (non-decreasing, within [start, end], ending at `end`).
    public init(start: Double = 0, end: Double, outputTimes: [Double]) {
        self.start = start
        self.end = end
        self.outputTimes = outputTimes
    }

    /// `points` evenly spaced output times from `start` to `end`, both included (a problem file's
    /// `time.points`, 101 when not given).
    public init(start: Double = 0, end: Double, points: Int) {
        self.init(start: start, end: end, outputTimes: ODESolver.evenlySpacedTimes(start: start, end: end, points: points))
    }
}

/// Settings of `lindyn formula` (the `formula` object of a problem file).
public struct FormulaOptions: Sendable, Hashable {
    /// Absolute distance from the fixed point that counts as learned (`time_to_learn`): Saxe's
    /// epsilon, learning from epsilon to s - epsilon.
    public var epsilon: Double

    /// The problem file's default: epsilon = 1e-3.
    public init(epsilon: Double = 1e-3) { self.epsilon = epsilon }
}

/// A problem file, read and checked: dynamics, output times and solver settings.
public struct Problem: Sendable {
    /// What is integrated, descended and solved in closed form.
    public var dynamics: any Dynamics
    /// The output times.
    public var time: TimeSpec
    /// The integrator's settings.
    public var solver: SolverOptions
    /// The gradient-descent settings.
    public var descent: DescentOptions
    /// The closed form's settings.
    public var formula: FormulaOptions
    /// Level crossings to locate (`events`): by `solve` on the integrator's dense output, by
    /// `formula` on the closed form, by `descend` between output rows.
    public var events: [EventSpec] = []
    /// The document it was read from (for grids and reports).
    package var document: InputJSON = .null
    /// Size limits in force (``CostLimits/standard`` unless `--allow-large`).
    public var limits: CostLimits = .standard

    /// A problem built in Swift, with the problem file's defaults for the settings not given.
    public init(
        dynamics: any Dynamics, time: TimeSpec, solver: SolverOptions = SolverOptions(), descent: DescentOptions = DescentOptions(),
        formula: FormulaOptions = FormulaOptions()
    ) {
        self.dynamics = dynamics
        self.time = time
        self.solver = solver
        self.descent = descent
        self.formula = formula
    }

    /// A problem with the document it was read from (what grids and reports record).
    package init(
        dynamics: any Dynamics, time: TimeSpec, solver: SolverOptions = SolverOptions(), descent: DescentOptions = DescentOptions(),
        formula: FormulaOptions = FormulaOptions(), document: InputJSON
    ) {
        self.init(dynamics: dynamics, time: time, solver: solver, descent: descent, formula: formula)
        self.document = document
    }

    /// Reads a problem file's JSON. Every refusal names the field and what is expected.
    package static func load(_ document: InputJSON) throws(ProblemFileError) -> Problem {
        let root = Field("", document)
        guard case .object = document else {
            throw ProblemFileError(field: "file", message: "a problem file is a JSON object with one of system, loss or model, and time")
        }
        try root.onlyKeys(["system", "loss", "model", "time", "solver", "descent", "formula", "description", "name", "grid", "steppers", "tolerances", "compare", "events"])
        let present = ["system", "loss", "model"].filter { root[$0].isPresent }
        guard present.count == 1 else {
            throw ProblemFileError(
                field: present.isEmpty ? "system" : present.joined(separator: "/"),
                message: present.isEmpty ? "the file needs one of system, loss or model" : "give only one of system, loss or model")
        }
        let dynamics: any Dynamics
        switch present[0] {
        case "system": dynamics = try ExpressionSystem.parse(root["system"])
        case "loss": dynamics = try LossFlow.parse(root["loss"])
        default: dynamics = try ModelParser.parse(root["model"])
        }
        var problem = Problem(
            dynamics: dynamics, time: try parseTime(root["time"]), solver: try parseSolver(root["solver"]),
            descent: try parseDescent(root["descent"]), formula: try parseFormula(root["formula"]), document: document)
        problem.events = try EventSpec.parse(root["events"], dynamics: dynamics)
        return problem
    }

    /// Reads a problem file's text (JSON). Every refusal names the field and what is expected.
    public static func load(text: String) throws(ProblemFileError) -> Problem {
        try load(InputJSON.parse(text))
    }

    static func parseTime(_ f: Field) throws(ProblemFileError) -> TimeSpec {
        guard f.isPresent else { throw f.error("is required: give {\"end\": T} and optionally start, at or points") }
        try f.onlyKeys(["start", "end", "at", "points"])
        let start = try f["start"].double(default: 0)
        let end = try f["end"].double("the end time (a number)")
        guard start.isFinite, end.isFinite, end > start else {
            throw f["end"].error("must be a finite number greater than time.start (\(start)), got \(end)")
        }
        if f["at"].isPresent {
            if f["points"].isPresent { throw f["points"].error("give either time.at or time.points, not both") }
            let at = try f["at"].doubles("a list of output times")
            guard !at.isEmpty else { throw f["at"].error("needs at least one output time") }
            for (k, t) in at.enumerated() where !(t >= start && t <= end) || (k > 0 && t < at[k - 1]) {
                throw f["at"].error("output times must be non-decreasing and within [start, end]; entry \(k) is \(t)")
            }
            var times = at
            if times.last! < end { times.append(end) }
            var spec = TimeSpec(start: start, end: end, outputTimes: times)
            spec.listed = true
            return spec
        }
        let points = try f["points"].int(default: 101, "a whole number of output points")
        guard points >= 2, points <= 10_000_000 else { throw f["points"].error("must be between 2 and 10^7, got \(points)") }
        return TimeSpec(start: start, end: end, points: points)
    }

    static func parseSolver(_ f: Field) throws(ProblemFileError) -> SolverOptions {
        var options = SolverOptions()
        guard f.isPresent else { return options }
        try f.onlyKeys(["stepper", "epsabs", "epsrel", "a_y", "a_dydt", "hstart", "hmin", "hmax", "max_steps", "output", "error_norm", "controller"])
        if f["stepper"].isPresent {
            let name = try f["stepper"].string("a stepper name")
            guard let stepper = Stepper(rawValue: name) else {
                throw f["stepper"].error("unknown stepper '\(name)'; expected one of \(Stepper.allNames)")
            }
            options.stepper = stepper
        }
        options.absoluteTolerance = try f["epsabs"].positive(default: options.absoluteTolerance)
        options.relativeTolerance = try f["epsrel"].positive(default: options.relativeTolerance)
        options.stateScale = try f["a_y"].double(default: 1)
        options.derivativeScale = try f["a_dydt"].double(default: 0)
        if case .some(.string(let word)) = f["hstart"].value {
            guard word == "auto" else { throw f["hstart"].error("expected a positive number or \"auto\", got \"\(word)\"") }
            options.automaticInitialStep = true
        } else if f["hstart"].isPresent {
            options.initialStep = try f["hstart"].positive(default: 1e-6)
        }
        if f["hmax"].isPresent { options.maxStep = try f["hmax"].positive(default: 1) }
        options.minStep = try f["hmin"].double(default: 0)
        guard options.minStep >= 0 else { throw f["hmin"].error("must be >= 0") }
        options.maxSteps = try f["max_steps"].int(default: options.maxSteps)
        guard options.maxSteps >= 0 else { throw f["max_steps"].error("must be >= 0 (0: no limit)") }
        options.output = try choice(f["output"], default: options.output)
        options.errorNorm = try choice(f["error_norm"], default: options.errorNorm)
        options.controller = try choice(f["controller"], default: options.controller)
        return options
    }

    /// A string field naming one case of `T`, or `fallback` when absent.
    static func choice<T: RawRepresentable & CaseIterable>(_ f: Field, default fallback: T) throws(ProblemFileError) -> T
    where T.RawValue == String {
        guard f.isPresent else { return fallback }
        let names = T.allCases.map(\.rawValue)
        let name = try f.string("one of \(names.joined(separator: ", "))")
        guard let value = T(rawValue: name) else {
            throw f.error("unknown value '\(name)'; expected one of \(names.joined(separator: ", "))")
        }
        return value
    }

    static func parseDescent(_ f: Field) throws(ProblemFileError) -> DescentOptions {
        var options = DescentOptions()
        guard f.isPresent else { return options }
        try f.onlyKeys(["runs", "seed", "monte_carlo", "divergence_threshold"])
        options.runs = try f["runs"].int(default: 1)
        guard options.runs >= 1 else { throw f["runs"].error("must be at least 1") }
        let seed = try f["seed"].int(default: 1)
        guard seed >= 0 else { throw f["seed"].error("must be a non-negative whole number") }
        options.seed = UInt64(seed)
        options.monteCarlo = try f["monte_carlo"].bool(default: false)
        options.divergenceThreshold = try f["divergence_threshold"].positive(default: 1e100)
        return options
    }

    static func parseFormula(_ f: Field) throws(ProblemFileError) -> FormulaOptions {
        guard f.isPresent else { return FormulaOptions() }
        try f.onlyKeys(["epsilon"])
        return FormulaOptions(epsilon: try f["epsilon"].positive(default: 1e-3))
    }
}

/// Reads `model` objects into the built-in models.
public enum ModelParser {
    /// The `model.kind` values a problem file accepts.
    public static let kinds = ["scalar", "chain", "mode", "network", "autoencoder", "regression", "single_neuron", "end_to_end"]

    package static func parse(_ f: Field) throws(ProblemFileError) -> any Dynamics {
        let kind = try f["kind"].string("the model kind (\(kinds.joined(separator: ", ")))")
        switch kind {
        case "scalar": return try scalar(f)
        case "chain": return try chain(f)
        case "mode": return try mode(f)
        case "network": return f["data"].isPresent ? try teacherNetwork(f) : try network(f)
        case "autoencoder": return try autoencoder(f)
        case "single_neuron": return try singleNeuron(f)
        case "end_to_end": return try endToEnd(f)
        case "regression": return try regression(f)
        default: throw f["kind"].error("unknown model kind '\(kind)'; expected one of \(kinds.joined(separator: ", "))")
        }
    }

    /// tau from `tau` or `learning_rate` (tau = 1/learning_rate, or N/learning_rate for the
    /// autoencoder, whose learning rate refers to the mean loss).
    static func tau(_ f: Field, samples: Double = 1) throws(ProblemFileError) -> Double {
        if f["tau"].isPresent && f["learning_rate"].isPresent {
            throw f["learning_rate"].error("give either tau or learning_rate, not both")
        }
        if f["learning_rate"].isPresent {
            let rate = try f["learning_rate"].positive(default: 1)
            return samples / rate
        }
        return try f["tau"].positive(default: 1)
    }

    /// A number of samples N: a whole number from 1 to 10^15 (default 1).
    static func sampleCount(_ f: Field) throws(ProblemFileError) -> Double {
        let n = try f.int(default: 1, "a whole number of samples")
        guard n >= 1 else { throw f.error("must be at least 1, got \(n)") }
        return Double(n)
    }

    static func nonNegative(_ f: Field, default d: Double = 0) throws(ProblemFileError) -> Double {
        let x = try f.double(default: d)
        guard x.isFinite, x >= 0 else { throw f.error("must be a non-negative number, got \(x)") }
        return x
    }

    static func finite(_ f: Field, default d: Double? = nil) throws(ProblemFileError) -> Double {
        let x: Double
        if let d { x = try f.double(default: d) } else { x = try f.double() }
        guard x.isFinite else { throw f.error("must be a finite number") }
        return x
    }

    static func dropout(_ f: Field, allowUnits: Bool) throws(ProblemFileError) -> DropoutSettings? {
        guard f.isPresent else { return nil }
        try f.onlyKeys(allowUnits ? ["keep", "inverted", "units"] : ["keep", "inverted"])
        let keep = try f["keep"].double("the keep probability p, in (0, 1]")
        guard keep > 0, keep <= 1 else { throw f["keep"].error("the keep probability must be in (0, 1], got \(keep)") }
        let units = try f["units"].int(default: 1)
        guard units >= 1 else { throw f["units"].error("must be at least 1, got \(units)") }
        return DropoutSettings(keep: keep, inverted: try f["inverted"].bool(default: false), units: units)
    }

    static func scalar(_ f: Field) throws(ProblemFileError) -> ScalarModel {
        try f.onlyKeys(["kind", "x", "y", "w1", "w2", "weight_decay", "tau", "learning_rate"])
        let x = try finite(f["x"], default: 1)
        guard x != 0 else { throw f["x"].error("must be non-zero (the input scales the whole flow)") }
        return ScalarModel(
            x: x, y: try finite(f["y"], default: 1), w1: try finite(f["w1"]), w2: try finite(f["w2"]),
            weightDecay: try nonNegative(f["weight_decay"]), tau: try tau(f))
    }

    static func chain(_ f: Field) throws(ProblemFileError) -> ChainModel {
        try f.onlyKeys(["kind", "depth", "s", "initial", "weight_decay", "tau", "learning_rate"])
        let depth = try f["depth"].int("the number of layers D")
        guard depth >= 1, depth <= 1000 else { throw f["depth"].error("must be between 1 and 1000, got \(depth)") }
        let weights: [Double]
        if case .array = f["initial"].value {
            weights = try f["initial"].doubles()
            guard weights.count == depth else {
                throw f["initial"].error("expected \(depth) values (one per layer), got \(weights.count)")
            }
        } else {
            weights = Array(repeating: try finite(f["initial"]), count: depth)
        }
        guard weights.allSatisfy(\.isFinite) else { throw f["initial"].error("values must be finite") }
        let s = try finite(f["s"]), decay = try nonNegative(f["weight_decay"]), tau = try tau(f)
        do {
            return try ChainModel(s: s, initialWeights: weights, weightDecay: decay, tau: tau)
        } catch {
            throw ProblemFileError(model: error.argument == "initialWeights" ? ArgumentError(argument: "initial", message: error.message) : error)
        }
    }

    static func mode(_ f: Field) throws(ProblemFileError) -> ModeModel {
        try f.onlyKeys(["kind", "s", "u0", "depth", "weight_decay", "dropout", "noise_variance", "samples", "input_variance", "tau", "learning_rate"])
        let depth = try f["depth"].int(default: 2)
        guard depth >= 1, depth <= 1000 else { throw f["depth"].error("must be between 1 and 1000, got \(depth)") }
        let u0 = try finite(f["u0"])
        guard u0 > 0 else { throw f["u0"].error("a balanced mode starts at u0 > 0, got \(u0)") }
        let drop = try dropout(f["dropout"], allowUnits: true)
        let noise = try nonNegative(f["noise_variance"])
        let samples = try sampleCount(f["samples"])
        if depth != 2 && (drop != nil || noise != 0) {
            throw f[drop != nil ? "dropout" : "noise_variance"].error("dropout and input noise are defined for depth-2 modes only (depth is \(depth))")
        }
        let s = try finite(f["s"]), decay = try nonNegative(f["weight_decay"])
        let inputVariance = try f["input_variance"].positive(default: 1), tau = try tau(f)
        do {
            return try ModeModel(
                s: s, u0: u0, depth: depth, weightDecay: decay, dropout: drop, noiseVariance: noise, samples: samples,
                inputVariance: inputVariance, tau: tau)
        } catch {
            throw ProblemFileError(model: error)
        }
    }

    static func initialization(_ f: Field, depth: Int, widths: [Int]? = nil) throws(ProblemFileError) -> NetworkInit {
        guard f.isPresent else { return NetworkInit(kind: .decoupled, scale: pow(1e-3, 1 / Double(depth))) }
        let name = f["kind"].isPresent ? try f["kind"].string() : "decoupled"
        guard let kind = NetworkInit.Kind(rawValue: name), widths != nil || kind == .decoupled || kind == .random else {
            throw f["kind"].error(
                "unknown init kind '\(name)'; expected \(widths == nil ? "decoupled or random" : "decoupled, random, explicit, zero_balanced or lambda_balanced")")
        }
        if let widths, kind != .decoupled && kind != .random {
            return try networkInitialization(f, kind: kind, widths: widths)
        }
        try f.onlyKeys(["kind", "scale", "u0", "seed"])
        let seed = try f["seed"].int(default: 1)
        guard seed >= 0 else { throw f["seed"].error("must be a non-negative whole number") }
        if f["u0"].isPresent {
            guard kind == .decoupled else { throw f["u0"].error("u0 sets a decoupled init; a random init takes scale") }
            if f["scale"].isPresent { throw f["u0"].error("give either init.u0 or init.scale, not both") }
            let u0 = try f["u0"].positive(default: 1e-3)
            return NetworkInit(kind: kind, scale: pow(u0, 1 / Double(depth)), seed: UInt64(seed))
        }
        let scale = try f["scale"].positive(default: kind == .decoupled ? pow(1e-3, 1 / Double(depth)) : 1e-3)
        return NetworkInit(kind: kind, scale: scale, seed: UInt64(seed))
    }

    static func seed(_ f: Field) throws(ProblemFileError) -> UInt64 {
        let seed = try f.int(default: 1)
        guard seed >= 0 else { throw f.error("must be a non-negative whole number") }
        return UInt64(seed)
    }

    static func network(_ f: Field) throws(ProblemFileError) -> NetworkModel {
        try f.onlyKeys(["kind", "widths", "singular_values", "correlation", "input_eigenvalues", "init", "weight_decay", "dropout",
                        "noise_variance", "samples", "aligned", "seed", "tau", "learning_rate"])
        let widths = try f["widths"].doubles("the layer widths [n0, n1, ..., nD]")
        guard widths.count >= 2 else { throw f["widths"].error("needs at least two widths (input and output), got \(widths.count)") }
        for (k, w) in widths.enumerated() where !(w >= 1 && w == w.rounded() && w <= 4096) {
            throw f["widths"].error("entry \(k) must be a whole number from 1 to 4096, got \(w)")
        }
        let n = widths.map { Int($0) }
        let rank = min(n.first!, n.last!)
        var singular: [Double] = []
        var correlation: [Double]? = nil
        if f["correlation"].isPresent {
            if f["singular_values"].isPresent { throw f["correlation"].error("give either correlation or singular_values, not both") }
            for key in ["input_eigenvalues", "aligned", "seed"] where f[key].isPresent {
                throw f[key].error("applies to a task given by singular_values (it sets the task's basis); an explicit correlation has its own")
            }
            guard n.first! + n.last! <= 2048 else {
                throw f["correlation"].error("an explicit correlation is supported for n0 + nD <= 2048 (its decomposition costs (n0 + nD)^3); got \(n.first! + n.last!)")
            }
            correlation = try matrix(f["correlation"], rows: n.last!, columns: n.first!, what: "Sigma_yx (nD x n0)")
        } else {
            singular = try f["singular_values"].doubles("the task's singular values, or give correlation (Sigma_yx as nD rows of n0 numbers)")
            guard !singular.isEmpty, singular.count <= rank else {
                throw f["singular_values"].error("expected 1 to \(rank) values (at most min(n0, nD)), got \(singular.count)")
            }
            guard singular.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw f["singular_values"].error("values must be non-negative numbers") }
        }
        var eigen: [Double]? = nil
        if f["input_eigenvalues"].isPresent {
            let e = try f["input_eigenvalues"].doubles()
            guard e.count == n[0] else { throw f["input_eigenvalues"].error("expected \(n[0]) values (the input width), got \(e.count)") }
            guard e.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw f["input_eigenvalues"].error("values must be positive") }
            eigen = e
        }
        let depth = n.count - 1
        let drop = try dropout(f["dropout"], allowUnits: false)
        if drop != nil && depth != 2 { throw f["dropout"].error("dropout is defined for two-layer networks (3 widths) only") }
        let params = n.enumerated().dropFirst().reduce(0) { $0 + $1.element * n[$1.offset - 1] }
        guard params <= 2_000_000 else { throw f["widths"].error("the network has \(params) weights; at most 2,000,000 are supported") }
        let initialization = try initialization(f["init"], depth: depth, widths: n)
        let weightDecay = try nonNegative(f["weight_decay"]), noise = try nonNegative(f["noise_variance"])
        let samples = try sampleCount(f["samples"]), tau = try tau(f)
        if let correlation {
            do {
                return try NetworkModel.correlated(
                    widths: n, task: NetworkTask(inputs: n[0], outputs: n[n.count - 1], sigmaYX: correlation), initialization: initialization,
                    weightDecay: weightDecay, dropout: drop, noiseVariance: noise, samples: samples, tau: tau)
            } catch {
                if ["task", "sigmaYX"].contains(error.argument) { throw f["correlation"].error(error.message) }
                throw ProblemFileError(model: error)
            }
        }
        let aligned = try f["aligned"].bool(default: false), seed = try seed(f["seed"])
        do {
            return try NetworkModel.saxe(
                widths: n, singularValues: singular, inputEigenvalues: eigen, initialization: initialization,
                weightDecay: weightDecay, dropout: drop, noiseVariance: noise, samples: samples, aligned: aligned, seed: seed, tau: tau)
        } catch {
            throw ProblemFileError(model: error)
        }
    }

    /// The network-only init kinds: `explicit` (`weights`), `zero_balanced` and
    /// `lambda_balanced` (`lambda`, `scale`, `seed`, `aligned`), with the width rules of the
    /// balanced constructions.
    static func networkInitialization(_ f: Field, kind: NetworkInit.Kind, widths n: [Int]) throws(ProblemFileError) -> NetworkInit {
        if kind == .explicit {
            try f.onlyKeys(["kind", "weights"])
            return NetworkInit(kind: .explicit, scale: 0, weights: try explicitWeights(f["weights"], widths: n))
        }
        try f.onlyKeys(kind == .zeroBalanced ? ["kind", "scale", "seed", "aligned"] : ["kind", "lambda", "scale", "seed", "aligned"])
        guard n.count == 3 else {
            throw f["kind"].error("a \(kind.rawValue) init is defined for two-layer networks (3 widths), got \(n.count) widths")
        }
        let lambda = kind == .zeroBalanced ? 0 : try finite(f["lambda"])
        let (n0, n1, n2) = (n[0], n[1], n[2])
        guard n1 <= 512 else { throw ProblemFileError(field: "model.widths", message: "a balanced init is built for hidden widths up to 512, got \(n1)") }
        if lambda > 0 && n1 > n2 {
            throw ProblemFileError(field: "model.widths", message: "lambda > 0 needs a hidden width at most the output width (W2^T W2 = W1 W1^T + lambda I has full rank \(n1) > \(n2)); widen the output or use lambda <= 0")
        }
        if lambda < 0 && n1 > n0 {
            throw ProblemFileError(field: "model.widths", message: "lambda < 0 needs a hidden width at most the input width (W1 W1^T = W2^T W2 - lambda I has full rank \(n1) > \(n0)); widen the input or use lambda >= 0")
        }
        if lambda == 0 && n1 > max(n0, n2) {
            throw ProblemFileError(field: "model.widths", message: "a zero-balanced init needs a hidden width at most max(n0, nD) = \(max(n0, n2)), got \(n1)")
        }
        let seed = try f["seed"].int(default: 1)
        guard seed >= 0 else { throw f["seed"].error("must be a non-negative whole number") }
        return NetworkInit(
            kind: kind, scale: try f["scale"].positive(default: pow(1e-3, 0.5)), seed: UInt64(seed), lambda: lambda,
            aligned: try f["aligned"].bool(default: false))
    }

    static func autoencoder(_ f: Field) throws(ProblemFileError) -> NetworkModel {
        try f.onlyKeys(["kind", "eigenvalues", "hidden", "samples", "noise_variance", "weight_decay", "init", "aligned", "seed", "tau", "learning_rate"])
        let eigen = try f["eigenvalues"].doubles("the eigenvalues of sum x x^T")
        guard !eigen.isEmpty, eigen.count <= 1024 else { throw f["eigenvalues"].error("expected 1 to 1024 values, got \(eigen.count)") }
        guard eigen.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw f["eigenvalues"].error("eigenvalues must be positive") }
        let hidden = try f["hidden"].int("the hidden width H")
        guard hidden >= 1, hidden <= eigen.count else { throw f["hidden"].error("must be between 1 and the input width \(eigen.count), got \(hidden)") }
        let samples = try sampleCount(f["samples"])
        let noise = try nonNegative(f["noise_variance"]), decay = try nonNegative(f["weight_decay"])
        let initialization = try initialization(f["init"], depth: 2)
        let aligned = try f["aligned"].bool(default: true), seed = try seed(f["seed"]), tau = try tau(f, samples: samples)
        do {
            return try NetworkModel.autoencoder(
                eigenvalues: eigen, hidden: hidden, samples: samples, noiseVariance: noise, weightDecay: decay,
                initialization: initialization, aligned: aligned, seed: seed, tau: tau)
        } catch {
            throw ProblemFileError(model: error)
        }
    }
}
