import Foundation
import LindynExpr
import LindynIntegrator

/// A right-hand side and Jacobian compiled from expressions in `t` and the state variables
/// (parameters already substituted): the evaluator runs over a flat instruction tape, with the
/// state copied into its input slots; nothing is allocated per call. The Jacobian is compiled
/// on the first call that needs it (implicit steppers, stiffness analysis), never for explicit
/// steppers.
public final class CompiledFlow: ODESystem {
    public let dimension: Int
    let rhs: ProgramEvaluator
    let symbolicJacobian: SymbolicJacobian
    private var jac: ProgramEvaluator?
    private var compiledJacobian: SymbolicJacobian.Compiled?
    private var scratch: UnsafeMutablePointer<Double>?

    /// `straightLine: false` keeps small right-hand sides on the tape (the reference for tests).
    init(dimension: Int, rhs: CompiledProgram, jacobian: SymbolicJacobian, straightLine: Bool = true) {
        self.dimension = dimension
        self.rhs = rhs.makeEvaluator(straightLine: straightLine)
        self.symbolicJacobian = jacobian
    }

    deinit { scratch?.deallocate() }

    public var providesJacobian: Bool { true }

    /// t and the state go straight into the evaluator's registers, the outputs straight into
    /// GSL's buffers.
    @inline(__always)
    public func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        rhs.evaluate(leading: t, y, dydt)
    }

    /// A dense program writes d f_i/d y_j row by row straight into `dfdy`; a sparse one (large
    /// systems) writes its non-zero entries into a scratch buffer, which is scattered into a
    /// zeroed `dfdy`.
    public func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) throws {
        if compiledJacobian == nil {
            let compiled = try symbolicJacobian.compiled()
            jac = compiled.program.makeEvaluator()
            if !compiled.isDense {
                scratch = .allocate(capacity: max(compiled.entries.count, 1))
            }
            compiledJacobian = compiled
        }
        let compiled = compiledJacobian!
        if compiled.isDense {
            jac!.evaluate(leading: t, y, dfdy, split: dimension * dimension, remaining: dfdt)
        } else {
            jac!.evaluate(leading: t, y, scratch!, split: compiled.entries.count, remaining: dfdt)
            dfdy.update(repeating: 0, count: dimension * dimension)
            for (k, (i, j)) in compiled.entries.enumerated() { dfdy[i * dimension + j] = scratch![k] }
        }
    }
}

/// Observables compiled from expressions in `t` and the state.
final class CompiledObserver {
    let evaluator: ProgramEvaluator?
    let inputs: UnsafeMutablePointer<Double>
    let dimension: Int

    init(_ program: CompiledProgram?, dimension: Int) {
        evaluator = program?.makeEvaluator()
        self.dimension = dimension
        inputs = .allocate(capacity: dimension + 1)
        inputs.initialize(repeating: 0, count: dimension + 1)
    }

    deinit { inputs.deallocate() }

    func observe(_ y: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        guard let evaluator else { return }
        inputs[0] = .nan  // observables do not depend on t
        (inputs + 1).update(from: y, count: dimension)
        evaluator.evaluate(inputs, out)
    }
}

/// The symbolic Jacobian of a set of right-hand sides, derived and compiled once, on first use,
/// and shared by every flow made from the same dynamics (thread-safe). It is sparse: only
/// d f_i / d y_j for the variables y_j that occur in f_i are derived. Its size is estimated
/// before it is derived and refused past ``ExpressionLimits/jacobianNodes``.
public final class SymbolicJacobian: @unchecked Sendable {
    /// Systems up to this size get a dense program (every entry, zeros as constants) that writes
    /// straight into GSL's matrix; larger ones a sparse program and a scatter.
    static let denseDimension = 64

    struct Compiled {
        let entries: [(Int, Int)]
        let derivatives: [SymbolicExpression]
        let program: CompiledProgram
        let isDense: Bool
    }

    let variables: [String]
    let rightHandSides: [SymbolicExpression]
    let field: String
    let nodeLimit: Int
    private let lock = NSLock()
    private var result: Result<Compiled, ProblemFileError>?

    init(variables: [String], rightHandSides: [SymbolicExpression], field: String, nodeLimit: Int) {
        self.variables = variables
        self.rightHandSides = rightHandSides
        self.field = field
        self.nodeLimit = nodeLimit
    }

    /// Whether the Jacobian has been derived (or refused) yet.
    var isDerived: Bool {
        lock.lock()
        defer { lock.unlock() }
        return result != nil
    }

    /// The derived and compiled Jacobian; throws (every time) when it exceeds the size limit.
    func compiled() throws(ProblemFileError) -> Compiled {
        lock.lock()
        defer { lock.unlock() }
        if result == nil { result = Result { () throws(ProblemFileError) in try build() } }
        return try result!.get()
    }

    private func build() throws(ProblemFileError) -> Compiled {
        let n = variables.count
        let index = Dictionary(uniqueKeysWithValues: variables.enumerated().map { ($1, $0) })
        var columns: [[Int]] = []
        var estimate = 0
        for (i, f) in rightHandSides.enumerated() {
            let used = f.freeVariables.compactMap { index[$0] }.sorted()
            columns.append(used)
            for j in used { estimate += f.derivativeSizeEstimate(variables[j]) }
            if estimate > nodeLimit {
                throw ProblemFileError(
                    field: "\(field)[\(i)]",
                    message: "its symbolic Jacobian would have about \(estimate) nodes or more, over the limit of \(nodeLimit) (\(ExpressionLimits.howToLift)); use an explicit stepper, which needs no Jacobian")
            }
        }
        var entries: [(Int, Int)] = []
        var derivatives: [SymbolicExpression] = []
        for (i, f) in rightHandSides.enumerated() where !columns[i].isEmpty {
            let gradient = SymbolicExpression.gradient(f, columns[i].map { variables[$0] })
            for (j, d) in zip(columns[i], gradient) where d != 0 {
                entries.append((i, j))
                derivatives.append(d)
            }
        }
        let dfdt = rightHandSides.map { $0.contains(variable: "t") ? $0.derivative("t") : 0 }
        let isDense = n <= Self.denseDimension
        var outputs: [SymbolicExpression]
        if isDense {
            outputs = [SymbolicExpression](repeating: 0, count: n * n)
            for ((i, j), d) in zip(entries, derivatives) { outputs[i * n + j] = d }
        } else {
            outputs = derivatives
        }
        outputs += dfdt
        do {
            let program = try CompiledProgram(outputs, inputs: ["t"] + variables)
            return Compiled(entries: entries, derivatives: derivatives, program: program, isDense: isDense)
        } catch {
            throw ProblemFileError(field: field, message: "Jacobian: \(error)")
        }
    }

    /// The dense matrix d f_i / d y_j (zeros included), for printing.
    func dense() throws(ProblemFileError) -> [[SymbolicExpression]] {
        let c = try compiled()
        var rows = [[SymbolicExpression]](repeating: [SymbolicExpression](repeating: 0, count: variables.count), count: rightHandSides.count)
        for ((i, j), d) in zip(c.entries, c.derivatives) { rows[i][j] = d }
        return rows
    }

    /// The non-zero entries (row, column, d f_row / d y_column), row by row.
    func nonZeroEntries() throws(ProblemFileError) -> [(row: Int, column: Int, derivative: SymbolicExpression)] {
        let c = try compiled()
        return zip(c.entries, c.derivatives).map { ($0.0.0, $0.0.1, $0.1) }
    }
}

/// The pieces shared by ``ExpressionSystem`` and ``LossFlow``: symbolic right-hand sides with the
/// parameters substituted, the symbolic Jacobian (derived on first use), observables, and their
/// compiled programs.
public struct CompiledDynamics: Sendable {
    /// The state variables, in state order.
    public let variables: [String]
    /// dy_i/dt with parameter values substituted and simplified.
    public let rightHandSides: [SymbolicExpression]
    /// The observables' names, in output order.
    public let observableNames: [String]
    /// The observables, with parameter values substituted.
    public let observables: [SymbolicExpression]
    let rhsProgram: CompiledProgram
    let symbolicJacobian: SymbolicJacobian
    let observableProgram: CompiledProgram?

    /// d f_i / d y_j, simplified, as a dense matrix (derived on first use).
    ///
    /// - Throws: ``ProblemFileError`` when the Jacobian exceeds ``ExpressionLimits/jacobianNodes``.
    public func jacobian() throws(ProblemFileError) -> [[SymbolicExpression]] {
        try symbolicJacobian.dense()
    }

    /// The non-zero entries of the Jacobian, row by row (derived on first use).
    public func jacobianEntries() throws(ProblemFileError) -> [(row: Int, column: Int, derivative: SymbolicExpression)] {
        try symbolicJacobian.nonZeroEntries()
    }

    /// Derives and compiles the Jacobian now (for a stepper that will need it), so that a
    /// Jacobian over the size limit is refused before the integration starts.
    public func prepareJacobian() throws(ProblemFileError) {
        _ = try symbolicJacobian.compiled()
    }

    /// Compiles `equations` over `variables` and `t`; `field` names the source for errors.
    init(
        variables: [String], equations: [SymbolicExpression], observables: [(String, SymbolicExpression)],
        field: String, observableField: String
    ) throws(ProblemFileError) {
        self.variables = variables
        let inputs = ["t"] + variables
        rightHandSides = equations.map { $0.simplified() }
        observableNames = observables.map(\.0)
        self.observables = observables.map { $0.1.simplified() }
        symbolicJacobian = SymbolicJacobian(
            variables: variables, rightHandSides: rightHandSides, field: field, nodeLimit: ExpressionLimits.current.jacobianNodes)
        do {
            rhsProgram = try CompiledProgram(rightHandSides, inputs: inputs)
        } catch {
            throw ProblemFileError(field: field, message: "\(error)")
        }
        if observables.isEmpty {
            observableProgram = nil
        } else {
            do {
                observableProgram = try CompiledProgram(self.observables, inputs: inputs)
            } catch {
                throw ProblemFileError(field: observableField, message: "\(error)")
            }
        }
    }

    func makeFlow() -> FlowInstance {
        let flow = CompiledFlow(dimension: variables.count, rhs: rhsProgram, jacobian: symbolicJacobian)
        let observer = CompiledObserver(observableProgram, dimension: variables.count)
        return FlowInstance(system: flow) { y, out in observer.observe(y, out) }
    }
}

/// Reading names, parameters and expressions from input files, naming the field on error.
public enum ExpressionFields {
    /// A name the expression grammar accepts: ASCII letters, digits and `_`, not starting with a digit.
    public static func isName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII) else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// A non-empty list of distinct names, none of them `t`.
    package static func names(_ f: Field, what: String) throws(ProblemFileError) -> [String] {
        let names = try f.strings("a list of \(what) names")
        guard !names.isEmpty else { throw f.error("needs at least one \(what)") }
        let limit = ExpressionLimits.current.variables
        guard names.count <= limit else {
            throw f.error("has \(names.count) \(what)s, over the limit of \(limit) (\(ExpressionLimits.howToLift))")
        }
        var seen = Set<String>()
        for (k, name) in names.enumerated() {
            guard isName(name) else { throw f.error("entry \(k) ('\(name)') is not a valid name: use letters, digits and _, starting with a letter") }
            guard name != "t" else { throw f.error("'t' is the time and cannot be a \(what)") }
            guard seen.insert(name).inserted else { throw f.error("'\(name)' appears twice") }
        }
        return names
    }

    /// An object of numeric parameter values, in file order; names must not clash with `reserved` or `t`.
    package static func parameters(_ f: Field, reserved: [String]) throws(ProblemFileError) -> [(String, Double)] {
        guard f.isPresent else { return [] }
        var out: [(String, Double)] = []
        for (name, value) in try f.pairs("an object of parameter values") {
            guard isName(name) else { throw value.error("is not a valid parameter name") }
            guard !reserved.contains(name), name != "t" else { throw value.error("clashes with a variable name or t") }
            let x = try value.double("a number (a parameter that varies belongs in a grid)")
            guard x.isFinite else { throw value.error("must be finite") }
            out.append((name, x))
        }
        return out
    }

    /// A number, or a string parsed as an expression (parse errors give the position).
    package static func expression(_ f: Field) throws(ProblemFileError) -> SymbolicExpression {
        if case .number(let x)? = f.value { return .number(x) }
        let text = try f.string("an expression (a string) or a number")
        let limits = ExpressionLimits.current
        guard text.utf8.count <= limits.expressionCharacters else {
            throw f.error("is \(text.utf8.count) characters long, over the limit of \(limits.expressionCharacters) (\(ExpressionLimits.howToLift))")
        }
        let e: SymbolicExpression
        do {
            e = try SymbolicExpression.parse(text)
        } catch {
            throw f.error("cannot parse '\(text.count > 200 ? String(text.prefix(200)) + "..." : text)': \(error)")
        }
        let nodes = e.nodeCount
        guard nodes <= limits.expressionNodes else {
            throw f.error("has \(nodes) nodes (numbers, names and operations), over the limit of \(limits.expressionNodes) (\(ExpressionLimits.howToLift))")
        }
        return e
    }

    /// `e` itself when it uses only the given names; otherwise an error naming the unknown one.
    @discardableResult
    package static func checked(_ f: Field, _ e: SymbolicExpression, allowed: Set<String>) throws(ProblemFileError) -> SymbolicExpression {
        // Filtering the expression's few names (not `subtracting`, which walks all of `allowed`)
        // keeps this linear for systems with many variables.
        if let unknown = e.freeVariables.filter({ !allowed.contains($0) }).sorted().first {
            throw f.error("unknown name '\(unknown)'; known names are: \(allowed.sorted().joined(separator: ", "))")
        }
        return e
    }

    /// A number, or an expression in the parameters evaluated to a finite number.
    static func value(_ f: Field, parameters: [(String, Double)]) throws(ProblemFileError) -> Double {
        let e = try expression(f)
        let bindings = Dictionary(parameters, uniquingKeysWith: { a, _ in a })
        _ = try checked(f, e, allowed: Set(bindings.keys))
        let x: Double
        do { x = try e.evaluate(bindings) } catch { throw f.error("\(error)") }
        guard x.isFinite else { throw f.error("evaluates to \(x); give a finite value") }
        return x
    }

    static func substitute(_ e: SymbolicExpression, _ parameters: [(String, Double)]) -> SymbolicExpression {
        e.substituting(Dictionary(parameters.map { ($0.0, SymbolicExpression.number($0.1)) }, uniquingKeysWith: { a, _ in a }))
    }

    static func observables(_ f: Field, allowed: Set<String>, parameters: [(String, Double)]) throws(ProblemFileError) -> [(String, SymbolicExpression)] {
        guard f.isPresent else { return [] }
        var out: [(String, SymbolicExpression)] = []
        for (name, value) in try f.pairs("an object of observable expressions") {
            guard isName(name) else { throw value.error("is not a valid observable name") }
            let e = try checked(value, try expression(value), allowed: allowed.union(parameters.map(\.0)))
            out.append((name, substitute(e, parameters)))
        }
        return out
    }
}

/// An ODE system written as expressions: dy_i/dt = equations[i](t, y, parameters).
public struct ExpressionSystem: Dynamics {
    /// The equations with the parameters substituted, and their compiled programs.
    public let compiled: CompiledDynamics
    public let initialState: [Double]
    /// The equations as written, with the parameters still symbolic.
    public let symbolicEquations: [SymbolicExpression]
    /// Parameter names and values, as given.
    public let parameters: [(String, Double)]

    public var kind: String { "system" }
    public var stateNames: [String] { compiled.variables }
    public var observableNames: [String] { compiled.observableNames }
    public var tau: Double? { nil }

    /// Builds the system programmatically.
    public init(
        variables: [String], equations: [SymbolicExpression], parameters: [(String, Double)] = [],
        initial: [Double], observables: [(String, SymbolicExpression)] = []
    ) throws(ProblemFileError) {
        guard equations.count == variables.count else {
            throw ProblemFileError(field: "system.equations", message: "expected \(variables.count) equations (one per variable), got \(equations.count)")
        }
        guard initial.count == variables.count else {
            throw ProblemFileError(field: "system.initial", message: "expected \(variables.count) initial values (one per variable), got \(initial.count)")
        }
        let allowed = Set(variables + ["t"] + parameters.map(\.0))
        for (i, e) in equations.enumerated() {
            _ = try ExpressionFields.checked(Field("system.equations[\(i)]", nil), e, allowed: allowed)
        }
        symbolicEquations = equations
        self.parameters = parameters
        self.initialState = initial
        compiled = try CompiledDynamics(
            variables: variables, equations: equations.map { ExpressionFields.substitute($0, parameters) },
            observables: observables, field: "system.equations", observableField: "system.observables")
    }

    package static func parse(_ f: Field) throws(ProblemFileError) -> ExpressionSystem {
        try f.onlyKeys(["variables", "equations", "initial", "parameters", "observables"])
        let variables = try ExpressionFields.names(f["variables"], what: "variable")
        let parameters = try ExpressionFields.parameters(f["parameters"], reserved: variables)
        let equationFields = try f["equations"].items("a list of expressions, one per variable")
        guard equationFields.count == variables.count else {
            throw f["equations"].error("expected \(variables.count) equations (one per variable), got \(equationFields.count)")
        }
        let allowed = Set(variables + ["t"] + parameters.map(\.0))
        var equations: [SymbolicExpression] = []
        var nodes = 0
        let limit = ExpressionLimits.current.expressionNodes
        for item in equationFields {
            let e = try ExpressionFields.checked(item, try ExpressionFields.expression(item), allowed: allowed)
            nodes += e.nodeCount
            guard nodes <= limit else {
                throw f["equations"].error("has \(nodes) nodes or more in all (numbers, names and operations), over the limit of \(limit) (\(ExpressionLimits.howToLift))")
            }
            equations.append(e)
        }
        let initialFields = try f["initial"].items("a list of initial values, one per variable")
        guard initialFields.count == variables.count else {
            throw f["initial"].error("expected \(variables.count) initial values (one per variable), got \(initialFields.count)")
        }
        var initial: [Double] = []
        for item in initialFields { initial.append(try ExpressionFields.value(item, parameters: parameters)) }
        let observables = try ExpressionFields.observables(f["observables"], allowed: Set(variables), parameters: parameters)
        return try ExpressionSystem(variables: variables, equations: equations, parameters: parameters, initial: initial, observables: observables)
    }

    public func makeFlow() throws(InputError) -> FlowInstance { compiled.makeFlow() }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        throw ProblemFileError(field: "system", message: "a plain ODE system is not a gradient flow, so it has no gradient descent; write it as a loss to descend it")
    }
}

/// Gradient flow of a loss written as an expression: tau dw/dt = -dL/dw, Jacobian -Hessian/tau.
public struct LossFlow: Dynamics {
    /// The weights (the flow's state), in state order.
    public let weights: [String]
    /// The loss with parameters still symbolic.
    public let loss: SymbolicExpression
    /// Parameter names and values, as given.
    public let parameters: [(String, Double)]
    public let initialState: [Double]
    /// tau = 1 / learning rate.
    public let tauValue: Double
    /// The gradient -dL/dw / tau with the parameters substituted, and its compiled programs.
    public let compiled: CompiledDynamics
    /// The loss itself (parameters substituted) as a function of the weights. The flow only
    /// evaluates the gradient, which can be finite where the loss is not defined (log of a
    /// negative number has the finite derivative 1/w), so runs check the loss at every output.
    let lossProgram: CompiledProgram

    public var kind: String { "loss" }
    public var stateNames: [String] { weights }
    public var observableNames: [String] { compiled.observableNames }
    public var tau: Double? { tauValue }

    /// Builds the loss flow programmatically: the gradient and Hessian are derived symbolically.
    /// - Throws: ``ProblemFileError`` naming the `loss` field at fault (as a problem file
    ///   would), e.g. `loss.initial` for a wrong number of initial values.
    public init(
        weights: [String], loss: SymbolicExpression, parameters: [(String, Double)] = [], initial: [Double], tau: Double,
        observables: [(String, SymbolicExpression)] = []
    ) throws(ProblemFileError) {
        guard initial.count == weights.count else {
            throw ProblemFileError(field: "loss.initial", message: "expected \(weights.count) initial values (one per weight), got \(initial.count)")
        }
        guard tau.isFinite, tau > 0 else { throw ProblemFileError(field: "loss.tau", message: "must be positive, got \(tau)") }
        let allowed = Set(weights + parameters.map(\.0))
        _ = try ExpressionFields.checked(Field("loss.expression", nil), loss, allowed: allowed)
        self.weights = weights
        self.loss = loss
        self.parameters = parameters
        self.initialState = initial
        self.tauValue = tau
        let concrete = ExpressionFields.substitute(loss, parameters).simplified()
        do {
            lossProgram = try CompiledProgram([concrete], inputs: weights)
        } catch {
            throw ProblemFileError(field: "loss.expression", message: "\(error)")
        }
        let start = lossProgram.evaluate(initial)[0]
        guard start.isFinite else {
            let at = zip(weights, initial).map { "\($0) = \($1)" }.joined(separator: ", ")
            throw ProblemFileError(
                field: "loss.expression",
                message: "is \(start.isNaN ? "NaN" : "\(start)") at the initial weights (\(at)): the loss must be defined where the flow starts; check the initial values against the domains of log, sqrt, division and fractional powers")
        }
        let flow = SymbolicExpression.gradient(concrete, weights).map { (-$0 / .number(tau)).simplified() }
        compiled = try CompiledDynamics(
            variables: weights, equations: flow, observables: observables, field: "loss.expression", observableField: "loss.observables")
    }

    package static func parse(_ f: Field) throws(ProblemFileError) -> LossFlow {
        try f.onlyKeys(["weights", "expression", "parameters", "initial", "tau", "learning_rate", "observables"])
        let weights = try ExpressionFields.names(f["weights"], what: "weight")
        let parameters = try ExpressionFields.parameters(f["parameters"], reserved: weights)
        let loss = try ExpressionFields.checked(
            f["expression"], try ExpressionFields.expression(f["expression"]), allowed: Set(weights + parameters.map(\.0)))
        let initialFields = try f["initial"].items("a list of initial weights")
        guard initialFields.count == weights.count else {
            throw f["initial"].error("expected \(weights.count) initial values (one per weight), got \(initialFields.count)")
        }
        var initial: [Double] = []
        for item in initialFields { initial.append(try ExpressionFields.value(item, parameters: parameters)) }
        if f["tau"].isPresent && f["learning_rate"].isPresent { throw f["learning_rate"].error("give either tau or learning_rate, not both") }
        var tau = 1.0
        if f["learning_rate"].isPresent {
            let rate = try ExpressionFields.value(f["learning_rate"], parameters: parameters)
            guard rate > 0 else { throw f["learning_rate"].error("must be positive, got \(rate)") }
            tau = 1 / rate
        } else if f["tau"].isPresent {
            tau = try ExpressionFields.value(f["tau"], parameters: parameters)
            guard tau > 0 else { throw f["tau"].error("must be positive, got \(tau)") }
        }
        let observables = try ExpressionFields.observables(f["observables"], allowed: Set(weights), parameters: parameters)
        return try LossFlow(weights: weights, loss: loss, parameters: parameters, initial: initial, tau: tau, observables: observables)
    }

    public func makeFlow() throws(InputError) -> FlowInstance { compiled.makeFlow() }

    /// The first row (t, then the weights, ...) at which the loss is not a finite number, with
    /// a message naming the loss, the time and the weights; nil when it is finite at every row.
    func firstUndefinedLoss(_ rows: [[Double]]) -> (row: Int, message: String)? {
        let evaluator = lossProgram.makeEvaluator()
        var value = 0.0
        let n = weights.count
        for (k, row) in rows.enumerated() where row.count > n {
            row.withUnsafeBufferPointer { r in evaluator.evaluate(leading: r[1], r.baseAddress! + 2, &value) }
            guard !value.isFinite else { continue }
            let at = zip(weights, row[1...n]).map { "\($0) = \($1)" }.joined(separator: ", ")
            return (k, "the loss is \(value.isNaN ? "NaN" : "\(value)") at t = \(row[0]) (\(at)): the flow left the domain where the loss is defined")
        }
        return nil
    }

    public func makeDescent(_ options: DescentOptions) throws(InputError) -> any DescentProcess {
        EulerDescent(flow: compiled.makeFlow(), initial: initialState, weightNames: weights, observableNames: observableNames, tau: tauValue)
    }
}
