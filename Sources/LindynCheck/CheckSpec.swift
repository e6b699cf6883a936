import Foundation
import LindynExpr
import LindynIntegrator
import LindynModels

/// A derivation to check: dynamics (a `loss` or a `system`) with parameters, a candidate closed
/// form for some state variables and/or observables, a Cartesian grid of parameter values, a time
/// grid and a tolerance. Read from a check file by ``load(text:)``; run by `run()`.
///
/// Every setting that depends on the parameters (`initial`, `tau`, `time.start`, `time.end`,
/// `time.at`) is kept symbolic and evaluated at each grid point. Grid axes override
/// `parameters` of the same name.
public struct DerivationCheck: Sendable {
    /// `loss` (a gradient flow tau dw/dt = -dL/dw), `system` (dy/dt = f), or `model` (a
    /// data-backed model file: a regression or a network with a data block, see ``ModelCheckSpec``).
    public enum Kind: String, Sendable {
        /// A loss over named weights; its gradient flow is derived symbolically.
        case loss
        /// An ODE system dy/dt = f(t, y) given by its equations.
        case system
        /// A data-backed model (``ModelCheckSpec``), rebuilt from its fields at every grid point.
        case model
    }

    /// Which dynamics the file gives.
    public var kind: Kind
    /// Weights or variables, in state order.
    public var stateNames: [String]
    /// dy_i/dt as expressions of `t`, the state and the parameters (for a loss: -dL/dw_i / tau,
    /// with tau symbolic).
    public var rightHandSides: [SymbolicExpression]
    /// The loss (for `loss` checks), parameters symbolic.
    public var loss: SymbolicExpression?
    /// tau as an expression in the parameters (`loss` only).
    public var tau: SymbolicExpression?
    /// Initial state, expressions in the parameters.
    public var initial: [SymbolicExpression]
    /// Observables, expressions in the state and the parameters.
    public var observables: [(name: String, expression: SymbolicExpression)]
    /// Parameters with one value (from `parameters`), before grid axes override them.
    public var fixedParameters: [(name: String, value: Double)]
    /// Grid axes, in file order; the grid is their Cartesian product (the last axis varies fastest).
    public var grid: [(name: String, values: [Double])]
    /// Candidate closed forms in `t` and the parameters, each for a state variable or an observable.
    public var candidate: [(name: String, expression: SymbolicExpression)]
    /// Start, end and output times of every point's check.
    public var time: TimeSettings
    /// Relative tolerance of checks 1, 3 and 4 (and a model check's formula check), the ones
    /// that decide the verdict (`tolerance`, default 1e-6).
    public var tolerance: Double
    /// Tolerance of the descent comparison; when nil, descent is reported but never decides the verdict.
    public var descentTolerance: Double?
    /// Relative errors divide by max(|reference(t)|, relativeFloor * max_t |reference|).
    public var relativeFloor: Double
    /// Whether to run gradient descent (loss checks only).
    public var runDescent: Bool
    /// Solver settings given in the file (`solver`); nil uses the checker's tight defaults.
    public var solver: SolverOptions?
    /// Whether `solver.epsabs` was given (otherwise it is scaled to the initial state).
    public var solverAbsoluteToleranceGiven: Bool
    /// The data-backed model of a `model` check (nil for `loss` and `system`).
    public var model: ModelCheckSpec?

    /// The time grid of a check, symbolic in the parameters.
    public struct TimeSettings: Sendable {
        /// The start time (`time.start`, default 0), an expression in the parameters.
        public var start: SymbolicExpression
        /// The end time (`time.end`, required), an expression in the parameters.
        public var end: SymbolicExpression
        /// Evenly spaced output points (both ends included), when `at` is nil.
        public var points: Int
        /// Explicit output times, expressions in the parameters.
        public var at: [SymbolicExpression]?

        /// A time grid with the check file's defaults (start 0, 101 evenly spaced points).
        public init(start: SymbolicExpression = 0, end: SymbolicExpression, points: Int = 101, at: [SymbolicExpression]? = nil) {
            self.start = start
            self.end = end
            self.points = points
            self.at = at
        }
    }

    /// All parameter names: fixed parameters then grid axes not among them.
    public var parameterNames: [String] {
        var names = fixedParameters.map(\.name)
        for axis in grid where !names.contains(axis.name) { names.append(axis.name) }
        return names
    }

    /// The number of grid points (1 when there are no axes).
    public var pointCount: Int { grid.reduce(1) { $0 * $1.values.count } }

    /// The candidate gives every state variable (so the symbolic residual applies).
    public var coversState: Bool {
        Set(stateNames).isSubset(of: Set(candidate.map(\.name)))
    }

    /// Keys accepted at the top level of a check file.
    public static let topLevelKeys = [
        "loss", "system", "candidate", "grid", "time", "tolerance", "descent_tolerance", "relative_floor", "descent",
        "solver", "description", "name", "model", "parameters",
    ]
    /// Most grid points a file may ask for.
    public static let maximumPoints = 100_000

    // MARK: Loading

    /// Reads a check file's JSON. Every refusal names the field and what is expected.
    package static func load(_ document: InputJSON) throws(ProblemFileError) -> DerivationCheck {
        let root = Field("", document)
        guard case .object = document else {
            throw ProblemFileError(field: "file", message: "a check file is a JSON object with loss or system, candidate, grid and time")
        }
        try root.onlyKeys(topLevelKeys)
        let present = ["loss", "system", "model"].filter { root[$0].isPresent }
        guard present.count == 1 else {
            throw ProblemFileError(
                field: present.isEmpty ? "loss" : present.joined(separator: "/"),
                message: present.isEmpty ? "the file needs the dynamics: a loss or a system (or a data-backed model)" : "give only one of loss, system or model")
        }
        var check: DerivationCheck
        if present[0] == "loss" {
            check = try _loadLoss(root["loss"])
        } else if present[0] == "system" {
            check = try _loadSystem(root["system"])
        } else {
            check = try _loadModel(root)
        }
        if check.kind != .model && root["parameters"].isPresent {
            throw root["parameters"].error("belongs inside \(check.kind.rawValue) (top-level parameters are for model checks)")
        }
        try check._loadGrid(root["grid"])
        try check._checkNames()
        if check.kind == .model {
            let modelKind = check.model?.kind ?? ""
            let reserved = ModelCheckSpec.globalVariables(kind: modelKind) + ModelCheckSpec.modeVariables(kind: modelKind) + [ModelCheckSpec.modeSumName]
            if let clash = check.grid.first(where: { reserved.contains($0.name) }) {
                throw root["grid"][clash.name].error("clashes with a data variable of the model; rename the parameter")
            }
            for key in ["descent", "descent_tolerance"] where root[key].isPresent {
                throw root[key].error("a model check compares with the flow and the formula, not descent; compare descent with lindyn validate")
            }
            try check._loadTime(root["time"])
            try check._loadModelCandidate(root["candidate"])
        } else {
            try check._loadCandidate(root["candidate"])
        }
        if check.kind != .model { try check._loadTime(root["time"]) }
        try check._checkAxesUsed(root["grid"])
        check.tolerance = try root["tolerance"].positive(default: 1e-6)
        if root["descent_tolerance"].isPresent {
            check.descentTolerance = try root["descent_tolerance"].positive(default: 1e-2)
        }
        check.relativeFloor = try root["relative_floor"].positive(default: 1e-9)
        check.runDescent = try root["descent"].bool(default: check.kind == .loss)
        if check.runDescent && check.kind == .system {
            throw root["descent"].error("a system is not a gradient flow, so it has no gradient descent; write it as a loss or drop descent")
        }
        if root["solver"].isPresent {
            check.solver = try _solverOptions(root["solver"])
            check.solverAbsoluteToleranceGiven = root["solver"]["epsabs"].isPresent
        }
        return check
    }

    /// Reads check file text (JSON errors give the line and column).
    public static func load(text: String) throws(ProblemFileError) -> DerivationCheck {
        try load(InputJSON.parse(text))
    }

    init(kind: Kind, stateNames: [String], rightHandSides: [SymbolicExpression], initial: [SymbolicExpression]) {
        self.kind = kind
        self.stateNames = stateNames
        self.rightHandSides = rightHandSides
        self.initial = initial
        observables = []
        fixedParameters = []
        grid = []
        candidate = []
        time = TimeSettings(end: 1)
        tolerance = 1e-6
        relativeFloor = 1e-9
        runDescent = false
        solverAbsoluteToleranceGiven = false
    }

    static func _loadLoss(_ f: Field) throws(ProblemFileError) -> DerivationCheck {
        try f.onlyKeys(["weights", "expression", "parameters", "initial", "tau", "learning_rate", "observables"])
        let weights = try ExpressionFields.names(f["weights"], what: "weight")
        let parameters = try ExpressionFields.parameters(f["parameters"], reserved: weights).map { (name: $0.0, value: $0.1) }
        // Names are checked once the grid axes (also parameters) are known.
        let loss = try ExpressionFields.expression(f["expression"])
        let initial = try _list(f["initial"], count: weights.count, what: "initial weight")
        if f["tau"].isPresent && f["learning_rate"].isPresent {
            throw f["learning_rate"].error("give either tau or learning_rate, not both")
        }
        var tau: SymbolicExpression = 1
        if f["learning_rate"].isPresent {
            tau = (1 / (try ExpressionFields.expression(f["learning_rate"]))).simplified()
        } else if f["tau"].isPresent {
            tau = try ExpressionFields.expression(f["tau"])
        }
        var check = DerivationCheck(
            kind: .loss, stateNames: weights,
            rightHandSides: SymbolicExpression.gradient(loss, weights).map { (-$0 / tau).simplified() }, initial: initial)
        check.loss = loss
        check.tau = tau
        check.fixedParameters = parameters
        check.observables = try _observables(f["observables"], state: weights)
        check.runDescent = true
        return check
    }

    static func _loadSystem(_ f: Field) throws(ProblemFileError) -> DerivationCheck {
        try f.onlyKeys(["variables", "equations", "initial", "parameters", "observables"])
        let variables = try ExpressionFields.names(f["variables"], what: "variable")
        let parameters = try ExpressionFields.parameters(f["parameters"], reserved: variables).map { (name: $0.0, value: $0.1) }
        let equations = try _list(f["equations"], count: variables.count, what: "equation")
        let initial = try _list(f["initial"], count: variables.count, what: "initial value")
        var check = DerivationCheck(kind: .system, stateNames: variables, rightHandSides: equations, initial: initial)
        check.fixedParameters = parameters
        check.observables = try _observables(f["observables"], state: variables)
        return check
    }

    mutating func _loadGrid(_ f: Field) throws(ProblemFileError) {
        guard f.isPresent else { return }
        var points = 1
        for (name, axis) in try f.pairs("an object of parameter axes, each a list of values") {
            guard ExpressionFields.isName(name) else { throw axis.error("is not a valid parameter name") }
            guard !stateNames.contains(name), name != "t" else {
                throw axis.error("clashes with a state variable or t; a grid axis is a parameter")
            }
            guard !observables.contains(where: { $0.name == name }) else { throw axis.error("clashes with an observable name") }
            let values: [Double]
            if case .number(let x)? = axis.value { values = [x] } else { values = try axis.doubles("a list of parameter values") }
            guard !values.isEmpty else { throw axis.error("needs at least one value") }
            guard values.allSatisfy(\.isFinite) else { throw axis.error("values must be finite numbers") }
            points *= values.count
            guard points <= Self.maximumPoints else {
                throw f.error("the grid has more than \(Self.maximumPoints) points; use fewer values per axis")
            }
            grid.append((name, values))
        }
    }

    /// Every grid axis must appear in the dynamics, the candidate or the time settings: an axis
    /// nothing reads (a misspelt parameter) would multiply the points without changing them.
    func _checkAxesUsed(_ f: Field) throws(ProblemFileError) {
        var used = Set<String>()
        var expressions: [SymbolicExpression] = rightHandSides + initial + observables.map(\.expression) + candidate.map(\.expression)
        expressions += [time.start, time.end] + (time.at ?? [])
        if let loss { expressions.append(loss) }
        if let tau { expressions.append(tau) }
        for e in expressions { used.formUnion(e.freeVariables) }
        if let model {
            used.formUnion(model.modeTerms.compactMap { $0?.freeVariables }.joined())
            func strings(_ v: InputJSON) {
                switch v {
                case .string(let s): if let e = try? SymbolicExpression.parse(s) { used.formUnion(e.freeVariables) }
                case .array(let items): items.forEach(strings)
                case .object(let pairs): pairs.forEach { strings($0.1) }
                default: break
                }
            }
            strings(model.model)
        }
        for axis in grid where !used.contains(axis.name) {
            throw f[axis.name].error("no expression of the check uses the parameter '\(axis.name)' (not the dynamics, the candidate nor the time settings); remove the axis or fix its name")
        }
    }

    /// Once every parameter name is known (fixed and grid): the dynamics use only known names.
    func _checkNames() throws(ProblemFileError) {
        let symbols = Set(stateNames + parameterNames + ["t"])
        let source = kind == .loss ? "loss.expression" : "system.equations"
        if let loss { _ = try ExpressionFields.checked(Field("loss.expression", nil), loss, allowed: symbols) }
        for (i, rhs) in rightHandSides.enumerated() where kind == .system {
            _ = try ExpressionFields.checked(Field("\(source)[\(i)]", nil), rhs, allowed: symbols)
        }
        let parameterSymbols = Set(parameterNames)
        let field = kind.rawValue
        for (i, e) in initial.enumerated() {
            _ = try ExpressionFields.checked(Field("\(field).initial[\(i)]", nil), e, allowed: parameterSymbols)
        }
        if let tau { _ = try ExpressionFields.checked(Field("loss.tau", nil), tau, allowed: parameterSymbols) }
        for (name, e) in observables {
            _ = try ExpressionFields.checked(Field("\(field).observables.\(name)", nil), e, allowed: parameterSymbols.union(stateNames))
        }
    }

    mutating func _loadCandidate(_ f: Field) throws(ProblemFileError) {
        let pairs = try f.pairs("an object of closed forms: state variable or observable name -> expression in t and the parameters")
        guard !pairs.isEmpty else { throw f.error("needs at least one closed form") }
        let allowed = Set(parameterNames + ["t"])
        for (name, item) in pairs {
            guard stateNames.contains(name) || observables.contains(where: { $0.name == name }) else {
                let known = stateNames + observables.map(\.name)
                throw item.error("is neither a state variable nor an observable; expected one of: \(known.joined(separator: ", "))")
            }
            let e = try ExpressionFields.expression(item)
            if let name = e.freeVariables.subtracting(allowed).sorted().first {
                let hint = stateNames.contains(name) || observables.contains(where: { $0.name == name })
                    ? " (a closed form is written in t and the parameters, not in the state)" : ""
                throw item.error("unknown name '\(name)'\(hint); known names are: \(allowed.sorted().joined(separator: ", "))")
            }
            candidate.append((name, e))
        }
    }

    mutating func _loadTime(_ f: Field) throws(ProblemFileError) {
        guard f.isPresent else { throw f.error("is required: give {\"end\": T} and optionally start, points or at") }
        try f.onlyKeys(["start", "end", "points", "at"])
        let parameterSymbols = Set(parameterNames)
        func read(_ g: Field) throws(ProblemFileError) -> SymbolicExpression {
            try ExpressionFields.checked(g, try ExpressionFields.expression(g), allowed: parameterSymbols)
        }
        var settings = TimeSettings(end: try read(f["end"]))
        if f["start"].isPresent { settings.start = try read(f["start"]) }
        if f["at"].isPresent {
            if f["points"].isPresent { throw f["points"].error("give either time.at or time.points, not both") }
            var at: [SymbolicExpression] = []
            for item in try f["at"].items("a list of output times (numbers or expressions in the parameters)") {
                at.append(try read(item))
            }
            guard !at.isEmpty else { throw f["at"].error("needs at least one output time") }
            settings.at = at
        } else {
            settings.points = try f["points"].int(default: 101, "a whole number of output points")
            guard settings.points >= 2, settings.points <= 1_000_000 else {
                throw f["points"].error("must be between 2 and 10^6, got \(settings.points)")
            }
        }
        time = settings
    }

    // MARK: Field helpers

    static func _list(_ f: Field, count: Int, what: String) throws(ProblemFileError) -> [SymbolicExpression] {
        let items = try f.items("a list of \(what)s, one per state variable")
        guard items.count == count else { throw f.error("expected \(count) \(what)s (one per state variable), got \(items.count)") }
        var out: [SymbolicExpression] = []
        for item in items { out.append(try ExpressionFields.expression(item)) }
        return out
    }

    static func _observables(_ f: Field, state: [String]) throws(ProblemFileError) -> [(name: String, expression: SymbolicExpression)] {
        guard f.isPresent else { return [] }
        var out: [(name: String, expression: SymbolicExpression)] = []
        for (name, value) in try f.pairs("an object of observable expressions") {
            guard ExpressionFields.isName(name), name != "t" else { throw value.error("is not a valid observable name") }
            guard !state.contains(name) else { throw value.error("clashes with a state variable name") }
            out.append((name, try ExpressionFields.expression(value)))
        }
        return out
    }

    /// Reads `solver` through the problem-file reader (same fields and messages).
    static func _solverOptions(_ f: Field) throws(ProblemFileError) -> SolverOptions {
        let probe = InputJSON.object([
            ("system", .object([("variables", .array([.string("y")])), ("equations", .array([.number(0)])), ("initial", .array([.number(0)]))])),
            ("time", .object([("end", .number(1))])),
            ("solver", f.value ?? .null),
        ])
        return try Problem.load(probe).solver
    }
}
