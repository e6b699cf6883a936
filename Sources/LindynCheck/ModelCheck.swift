import Foundation
import LindynExpr
import LindynIntegrator
import LindynModels

/// A data-backed model under check: `model` in a check file, a `regression` model or a
/// `network` with a `data` block, whose fields may be expressions in the check's parameters.
///
/// The candidate for an observable (`train_error`, `test_error`, a mode strength `u1`, a weight)
/// is an expression in `t`, the parameters and the data variables of ``globalVariables(kind:)``;
/// it may also sum a term over the data's modes (``modeVariables(kind:)``): the candidate's
/// `mode_term` is evaluated for every mode and `mode_sum` in its `expression` stands for the sum.
public struct ModelCheckSpec: Sendable {
    /// The `model` object as written, strings that are expressions in the parameters included.
    package var model: InputJSON
    /// `regression` or `network` (the latter with a `data` block).
    public var kind: String
    /// Per candidate, in candidate order: the term summed over the modes, or nil.
    public var modeTerms: [SymbolicExpression?]

    /// Data variables a candidate may use outside `mode_term`, per model kind, each the data
    /// set's own value at the grid point. Regression (Advani and Saxe, "High-dimensional dynamics
    /// of generalization error in neural networks", Neural Networks 132, 2020): `tau`, the input
    /// dimension `N`, the sample count `P`, `alpha` = P/N, the variances, `snr` (teacher over noise
    /// variance), `label_power` = sum of y^2 and `teacher_norm2` = |wbar|^2. Teacher network
    /// (Lampinen and Ganguli, "An analytic theory of generalization dynamics and transfer learning
    /// in deep linear networks", ICLR 2019): `N` = n0, `N_out`, `P`, `alpha` = P/n0,
    /// `A` = N_out/n0, `depth`, `label_noise`, the aligned start's mode strength `u0`,
    /// `label_power` and `teacher_norm2` = ||W_bar||^2.
    public static func globalVariables(kind: String) -> [String] {
        kind == "regression"
            ? ["tau", "N", "P", "alpha", "teacher_variance", "noise_variance", "init_variance", "snr", "label_power", "teacher_norm2"]
            : ["tau", "N", "N_out", "P", "alpha", "A", "depth", "label_noise", "u0", "label_power", "teacher_norm2"]
    }

    /// Per-mode variables, usable in `mode_term` only. Regression, per eigendirection of
    /// Sigma_xx = X^T X: the eigenvalue `lam`, and `c` (Sigma_yx), `w0` (the start) and `wbar` (the
    /// teacher) along it. Teacher network, per singular mode of Sigma_yx in descending order: the
    /// singular value `shat`, the overlap `m` = uhat^T W_bar vhat, the teacher's singular value
    /// `sbar` of that rank (0 beyond it) and `learnable` (1 for the modes the hidden width can
    /// carry, else 0).
    public static func modeVariables(kind: String) -> [String] {
        kind == "regression" ? ["lam", "c", "w0", "wbar"] : ["shat", "m", "sbar", "learnable"]
    }

    /// The name standing for the sum of `mode_term` over the modes, inside `expression`.
    public static let modeSumName = "mode_sum"
    /// Most evaluations of candidate terms a check may ask for (grid points x times x modes x candidates).
    public static let maximumTermEvaluations = 5e7
}

/// The data variables of one model instance: globals in ``ModelCheckSpec/globalVariables(kind:)``
/// order, and one row of ``ModelCheckSpec/modeVariables(kind:)`` values per mode.
struct _DataVariables {
    var globals: [Double]
    var modes: [[Double]]
}

extension DerivationCheck {
    /// Whether `model` is a data-backed model the checker takes; else the refusal, naming `model`.
    static func _dataModelKind(_ f: Field) throws(ProblemFileError) -> String {
        let kind = (try? f["kind"].string()) ?? ""
        if kind == "regression" || (kind == "network" && f["data"].isPresent) { return kind }
        throw f.error(
            "check takes a loss or a system, or a data-backed model (a regression, or a network with a data block); "
                + "a model without data has its closed forms checked by lindyn validate")
    }

    static func _loadModel(_ root: Field) throws(ProblemFileError) -> DerivationCheck {
        let f = root["model"]
        let kind = try _dataModelKind(f)
        var check = DerivationCheck(kind: .model, stateNames: [], rightHandSides: [], initial: [])
        let reserved = ModelCheckSpec.globalVariables(kind: kind) + ModelCheckSpec.modeVariables(kind: kind) + [ModelCheckSpec.modeSumName]
        check.fixedParameters = try ExpressionFields.parameters(root["parameters"], reserved: reserved).map { (name: $0.0, value: $0.1) }
        check.model = ModelCheckSpec(model: f.value ?? .null, kind: kind, modeTerms: [])
        check.runDescent = false
        return check
    }

    /// The model at the parameter values `bindings`: every string of the model object that is an
    /// expression in the parameters is replaced by its value, then the model is read as a problem file's.
    func _instantiate(_ bindings: [String: Double], at point: String) throws(ProblemFileError) -> Problem {
        guard let model else { throw ProblemFileError(field: "model", message: "is required") }
        let names = Set(parameterNames)
        func substitute(_ value: InputJSON, _ path: String) throws(ProblemFileError) -> InputJSON {
            switch value {
            case .string(let s):
                guard let e = try? SymbolicExpression.parse(s) else { return value }
                let free = e.freeVariables
                guard free.isEmpty || !free.isDisjoint(with: names) else { return value }
                if let unknown = free.subtracting(names).sorted().first {
                    throw ProblemFileError(
                        field: path, message: "unknown name '\(unknown)'; a model field may be an expression in the check's parameters: \(names.sorted().joined(separator: ", "))")
                }
                guard let x = try? e.evaluate(bindings), x.isFinite else {
                    throw ProblemFileError(field: path, message: "'\(s)' has no finite value at \(point)")
                }
                return .number(x)
            case .array(let items):
                var out: [InputJSON] = []
                for (i, item) in items.enumerated() { out.append(try substitute(item, "\(path)[\(i)]")) }
                return .array(out)
            case .object(let pairs):
                var out: [(String, InputJSON)] = []
                for (key, item) in pairs { out.append((key, try substitute(item, path + "." + key))) }
                return .object(out)
            default:
                return value
            }
        }
        let document = InputJSON.object([("model", try substitute(model.model, "model")), ("time", .object([("end", .number(1))]))])
        do {
            return try Problem.load(document)
        } catch {
            throw ProblemFileError(field: error.field, message: error.message + (grid.isEmpty ? "" : " (at \(point))"))
        }
    }

    /// The data variables of a model built from a check's `model`.
    static func _dataVariables(_ dynamics: any Dynamics, kind: String) throws -> _DataVariables {
        if let m = dynamics as? RegressionModel {
            let (values, vectors) = try LinearAlgebra.symmetricEigenSystem(m.sigmaXX, n: m.inputs)
            func project(_ v: [Double]) -> [Double] { vectors.map { e in zip(e, v).reduce(0) { $0 + $1.0 * $1.1 } } }
            let c = project(m.sigmaYX), w0 = project(m.initialWeights), wbar = project(m.teacher)
            let task = m.task
            let globals = [
                m.tauValue, Double(m.inputs), Double(m.samples), m.alpha, task.teacherVariance, task.noiseVariance, task.initVariance,
                task.teacherVariance / task.noiseVariance, m.labelPower, m.teacher.reduce(0) { $0 + $1 * $1 },
            ]
            return _DataVariables(globals: globals, modes: values.indices.map { [values[$0], c[$0], w0[$0], wbar[$0]] })
        }
        guard let m = dynamics as? TeacherNetworkModel else {
            throw ProblemFileError(field: "model", message: "is not a data-backed model")
        }
        let data = m.data, network = m.network
        let k = m.empirical.values.count
        let capacity = min(network.widths.dropFirst().dropLast().min() ?? k, k)
        let u0 = network.modes.first?.initialStrength ?? .nan
        let globals = [
            network.tauValue, Double(data.inputs), Double(data.outputs), Double(data.samples), Double(data.samples) / Double(data.inputs),
            Double(data.outputs) / Double(data.inputs), Double(network.depth), data.labelNoise, u0, data.labelPower, data.teacherNormSquared,
        ]
        let n0 = data.inputs
        let modes = (0..<k).map { b -> [Double] in
            let ub = m.empirical.left[b], vb = m.empirical.right[b]
            var overlap = 0.0
            for i in 0..<data.outputs {
                var row = 0.0
                for j in 0..<n0 { row += data.teacher[i * n0 + j] * vb[j] }
                overlap += ub[i] * row
            }
            let sbar = b < data.teacherSingularValues.count ? data.teacherSingularValues[b] : 0
            return [m.empirical.values[b], overlap, sbar, b < capacity ? 1 : 0]
        }
        return _DataVariables(globals: globals, modes: modes)
    }

    /// Reads `candidate` of a model check: each entry names an observable (or state variable) of
    /// the model at the first grid point and is an expression, or {`mode_term`, `expression`}.
    mutating func _loadModelCandidate(_ f: Field) throws(ProblemFileError) {
        guard var spec = model else { return }
        let pairs = try f.pairs("an object of closed forms: observable name -> expression in t, the parameters and the data variables")
        guard !pairs.isEmpty else { throw f.error("needs at least one closed form") }
        let first = try _instantiate(_bindings(0), at: _describePoint(0))
        let modes = first.dynamics is RegressionModel ? first.dynamics.stateNames.count : (first.dynamics as? TeacherNetworkModel)?.empirical.values.count ?? 0
        let times = time.at?.count ?? time.points
        if Double(pointCount) * Double(times) * Double(max(modes, 1) * pairs.count) > ModelCheckSpec.maximumTermEvaluations {
            throw ProblemFileError(
                field: time.at == nil ? "time.points" : "time.at",
                message: "\(pointCount) grid points x \(times) times x \(modes) modes x \(pairs.count) candidates is more than \(Int(ModelCheckSpec.maximumTermEvaluations)) mode-term evaluations; use fewer points, times or a smaller model")
        }
        let known = first.dynamics.observableNames + first.dynamics.stateNames
        let globals = Set(ModelCheckSpec.globalVariables(kind: spec.kind) + parameterNames + ["t"])
        let modeNames = Set(ModelCheckSpec.modeVariables(kind: spec.kind))
        for (name, item) in pairs {
            guard known.contains(name) else {
                let shown = first.dynamics.observableNames + (first.dynamics.stateNames.count <= 8 ? first.dynamics.stateNames : [])
                throw item.error("is not an observable of this \(spec.kind) model; it has: \(shown.joined(separator: ", "))")
            }
            var term: SymbolicExpression? = nil
            let expression: SymbolicExpression
            if case .object = item.value {
                try item.onlyKeys(["mode_term", "expression"])
                let t = try ExpressionFields.expression(item["mode_term"])
                try Self._requireNames(t, item["mode_term"], allowed: globals.union(modeNames), modeNames: [])
                term = t
                expression = item["expression"].isPresent ? try ExpressionFields.expression(item["expression"]) : .variable(ModelCheckSpec.modeSumName)
                try Self._requireNames(expression, item["expression"], allowed: globals.union([ModelCheckSpec.modeSumName]), modeNames: modeNames)
            } else {
                expression = try ExpressionFields.expression(item)
                try Self._requireNames(expression, item, allowed: globals, modeNames: modeNames)
            }
            candidate.append((name, expression))
            spec.modeTerms.append(term)
        }
        model = spec
    }

    static func _requireNames(_ e: SymbolicExpression, _ f: Field, allowed: Set<String>, modeNames: Set<String>) throws(ProblemFileError) {
        guard let name = e.freeVariables.subtracting(allowed).sorted().first else { return }
        let hint = modeNames.contains(name)
            ? " ('\(name)' is a per-mode variable: use it in mode_term, summed into mode_sum, as {\"mode_term\": ..., \"expression\": ... mode_sum ...})"
            : ""
        throw f.error("unknown name '\(name)'\(hint); known names are: \(allowed.sorted().joined(separator: ", "))")
    }

    /// Parameter values at grid point `index`.
    func _bindings(_ index: Int) -> [String: Double] {
        var bindings = Dictionary(fixedParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in gridValues(index) { bindings[name] = value }
        return bindings
    }

    func _describePoint(_ index: Int) -> String {
        let axes = gridValues(index)
        return axes.isEmpty ? "the only point" : "grid point " + axes.map { "\($0.name)=\(_show($0.value))" }.joined(separator: " ")
    }

    /// Programs of a model check: per candidate, the mode term and the expression.
    struct _ModelPrograms {
        var terms: [CompiledProgram?]
        var expressions: [CompiledProgram]
    }

    func _compileModel() throws(ProblemFileError) -> _ModelPrograms {
        guard let model else { throw ProblemFileError(field: "model", message: "is required") }
        let inputs = ["t"] + ModelCheckSpec.globalVariables(kind: model.kind) + parameterNames
        do {
            var terms: [CompiledProgram?] = []
            var expressions: [CompiledProgram] = []
            for (k, c) in candidate.enumerated() {
                terms.append(try model.modeTerms[k].map { try CompiledProgram([$0], inputs: inputs + ModelCheckSpec.modeVariables(kind: model.kind)) })
                expressions.append(try CompiledProgram([c.expression], inputs: inputs + [ModelCheckSpec.modeSumName]))
            }
            return _ModelPrograms(terms: terms, expressions: expressions)
        } catch {
            throw ProblemFileError(field: "candidate", message: "cannot be compiled: \(error)")
        }
    }

    /// Runs a model check: at each grid point the model is built, the candidate evaluated on its
    /// data, and compared with the integrated flow and with the exact formula where one exists.
    func _runModel(progress: ((Int, Int) -> Void)?) throws(ProblemFileError) -> CheckReport {
        let programs = try _compileModel()
        var results: [CheckPointResult] = []
        var formulaMissing: String? = nil
        for index in 0..<pointCount {
            let (point, missing) = try _runModelPoint(index, programs)
            if formulaMissing == nil { formulaMissing = missing }
            results.append(point)
            progress?(index + 1, pointCount)
        }
        var notes = [
            "relative errors divide by max(|reference(t)|, \(relativeFloor) * max_t |reference|) per component",
            "rel_error: the candidate against the model's integrated flow on its own data set (the reference); integrator_error: the same measure between the solve and one with rkck at 100x looser tolerances",
            "formula_error: the candidate against lindyn formula's exact column of the same name for this data set, where the model has one (it decides the verdict too)",
            "residual and descent are not applied to model checks (the flow is compiled, not symbolic); compare descent with lindyn validate",
        ]
        if let formulaMissing { notes.append("formula not available at some points: \(formulaMissing)") }
        return CheckReport(
            axisNames: grid.map(\.name), tolerance: tolerance, descentTolerance: nil, relativeFloor: relativeFloor, points: results,
            notes: notes, formulaColumn: true)
    }

    func _runModelPoint(_ index: Int, _ programs: _ModelPrograms) throws(ProblemFileError) -> (CheckPointResult, String?) {
        let axes = gridValues(index)
        var result = CheckPointResult(index: index, parameters: axes)
        let bindings = _bindings(index)
        let parameterValues = parameterNames.map { bindings[$0]! }
        func undefined(_ reason: String) -> (CheckPointResult, String?) {
            var r = result
            r.verdict = .undefined
            r.reason = reason
            return (r, nil)
        }
        var problem = try _instantiate(bindings, at: _describePoint(index))
        let known = problem.dynamics.observableNames + problem.dynamics.stateNames
        if let missing = candidate.first(where: { !known.contains($0.name) }) {
            throw ProblemFileError(field: "candidate.\(missing.name)", message: "is not an observable of the model at \(_describePoint(index))")
        }
        let variables: _DataVariables
        do { variables = try Self._dataVariables(problem.dynamics, kind: model!.kind) } catch {
            return undefined("the data's decomposition failed: \(error)")
        }

        func value(_ e: SymbolicExpression, _ what: String) -> Double? {
            guard let x = try? e.evaluate(bindings), x.isFinite else { return nil }
            return x
        }
        guard let start = value(time.start, "time.start"), let end = value(time.end, "time.end") else {
            return undefined("time.start or time.end has no finite value here")
        }
        guard end > start else { return undefined("time.end (\(end)) is not after time.start (\(start))") }
        var times: [Double]
        if let at = time.at {
            times = []
            for (k, e) in at.enumerated() {
                guard let x = value(e, "time.at"), x >= start, x <= end, times.last.map({ x >= $0 }) ?? true else {
                    return undefined("time.at[\(k)] has no finite value in [start, end] in order")
                }
                times.append(x)
            }
            if times.first != start { times.insert(start, at: 0) }
            if times.last != end { times.append(end) }
        } else {
            times = ODESolver.evenlySpacedTimes(start: start, end: end, points: time.points)
        }

        // The candidate on this data set.
        let n = candidate.count
        var values = [[Double]](repeating: [], count: n)
        for t in times {
            let head = [t] + variables.globals + parameterValues
            for k in 0..<n {
                var sum = 0.0
                if let term = programs.terms[k] {
                    for mode in variables.modes { sum += term.evaluate(head + mode)[0] }
                }
                let x = programs.expressions[k].evaluate(head + [sum])[0]
                guard x.isFinite else {
                    return undefined("candidate \(candidate[k].name) is not finite at t = \(_show(t)) (\(x)): undefined or overflowing there")
                }
                values[k].append(x)
            }
        }

        // The flow, at two tolerance levels.
        problem.time = TimeSpec(start: start, end: end, outputTimes: times)
        problem.solver = _solverOptions(initialState: problem.dynamics.initialState)
        let tight: RunResult, rough: RunResult
        do {
            tight = try Simulation.integrate(problem)
            var looseProblem = problem
            looseProblem.solver = Self._estimateOptions(problem.solver)
            rough = try Simulation.integrate(looseProblem)
        } catch {
            result.verdict = .integrationFailed
            result.reason = "the solver refused the settings: \(error)"
            return (result, nil)
        }
        result.statistics = tight.statistics
        guard tight.succeeded, tight.rows.count == times.count else {
            result.verdict = .integrationFailed
            result.reason = "integration failed (\(tight.status)): \(tight.message ?? "") (t reached \(_show(tight.tReached)))"
            return (result, nil)
        }
        func series(_ run: RunResult, _ name: String) -> [Double]? {
            guard run.succeeded, run.rows.count == times.count, let c = run.columns.firstIndex(of: name) else { return nil }
            return run.rows.map { $0[c] }
        }
        var worst = _Deviation(), integratorWorst = _Deviation(), initialWorst = 0.0
        var roughComplete = true
        for k in 0..<n {
            guard let reference = series(tight, candidate[k].name) else {
                return undefined("the flow has no column \(candidate[k].name)")
            }
            worst.merge(_Deviation(values[k], reference, times, floor: relativeFloor), candidate[k].name)
            let scale = relativeFloor * (reference.map { Swift.abs($0) }.max() ?? 0)
            let e = Swift.abs(values[k][0] - reference[0]) / Swift.max(Swift.abs(reference[0]), scale, .leastNormalMagnitude)
            if _exceeds(e, initialWorst) { initialWorst = e }
            if let r = series(rough, candidate[k].name) {
                integratorWorst.merge(_Deviation(r, reference, times, floor: relativeFloor), candidate[k].name)
            } else {
                roughComplete = false
            }
        }
        result.initialError = initialWorst
        result.absoluteError = worst.absolute
        result.relativeError = worst.relative
        result.errorTime = worst.time
        result.errorComponent = worst.component
        result.integratorError = roughComplete ? integratorWorst.relative : nil

        // The exact formula of this data set, where the model has one.
        var missing: String? = nil
        do {
            let formula = try Formula.evaluate(problem)
            var formulaWorst = _Deviation()
            var any = false
            for k in 0..<n {
                guard let reference = series(formula, candidate[k].name) else { continue }
                formulaWorst.merge(_Deviation(values[k], reference, times, floor: relativeFloor), candidate[k].name)
                any = true
            }
            if any {
                result.formulaError = formulaWorst.relative
                result.formulaErrorTime = formulaWorst.time
                result.formulaComponent = formulaWorst.component
            }
        } catch {
            missing = "\(error.field): \(error.message)"
        }
        result.decide(tolerance: tolerance, descentTolerance: nil, residualApplies: false)
        return (result, missing)
    }
}
