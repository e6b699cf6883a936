import Foundation
import Testing
import LindynExpr
import LindynIntegrator
@testable import LindynModels

/// Expression-backed systems and losses never print a number where their expressions are not
/// defined, derive their Jacobian only when asked, and refuse inputs over the size limits.
@Suite struct ExpressionSoundnessTests {
    static func system(_ equations: [String], variables: [String], initial: [Double], end: Double = 1, solver: String = "") -> String {
        let q = { (s: String) in "\"\(s)\"" }
        return """
            {"system": {"variables": [\(variables.map(q).joined(separator: ","))], "equations": [\(equations.map(q).joined(separator: ","))],
             "initial": [\(initial.map { "\($0)" }.joined(separator: ","))]}, "time": {"end": \(end), "points": 5}\(solver)}
            """
    }

    static func loss(_ expression: String, weights: [String], initial: [Double], end: Double = 5, extra: String = "") -> String {
        let q = { (s: String) in "\"\(s)\"" }
        return """
            {"loss": {"weights": [\(weights.map(q).joined(separator: ","))], "expression": "\(expression)",
             "initial": [\(initial.map { "\($0)" }.joined(separator: ","))]\(extra)}, "time": {"end": \(end), "points": 6}}
            """
    }

    /// y' = y^0.5 y^0.5 is not y' = y: from y0 = -2 the right-hand side is NaN, so the run fails
    /// (it used to integrate y' = y to -14.8 at t = 2), naming the variable.
    @Test func squareRootsOfANegativeStateFail() throws {
        let problem = try Problem.load(text: Self.system(["1", "y^0.5*y^0.5"], variables: ["x", "y"], initial: [0, -2]))
        let result = try Simulation.integrate(problem)
        #expect(result.status == .nonFinite)
        #expect(result.message?.contains("variable y became NaN") == true, "\(result.message ?? "")")
        // From y0 = 2 it is y' = y: y(1) = 2e (closed form), to the solver's default tolerance.
        let fine = try Simulation.integrate(try Problem.load(text: Self.system(["y^0.5*y^0.5"], variables: ["y"], initial: [2])))
        #expect(fine.succeeded)
        #expect(abs(fine.rows.last![1] - 2 * M_E) <= 1e-5 * 2 * M_E)
    }

    /// A loss whose gradient is finite where the loss is not: L = (w - 3)^2/2 + 0*log(2 - w) has
    /// the flow w' = 3 - w, which crosses w = 2 (at t = ln 3 from w0 = 0), where the loss stops
    /// being defined; both the flow and the descent stop there with status non_finite.
    @Test func undefinedLossStopsTheRun() throws {
        let problem = try Problem.load(text: Self.loss("(w - 3)^2/2 + 0*log(2 - w)", weights: ["w"], initial: [0]))
        for run: (Problem) throws -> RunResult in [Simulation.integrate, { try Simulation.descend($0) }] {
            let result = try run(problem)
            #expect(result.status == .nonFinite)
            #expect(result.message?.contains("the loss is NaN") == true, "\(result.message ?? "")")
            #expect(result.rows.allSatisfy { $0[1] < 2 })
            #expect(!result.rows.isEmpty)
        }
        // NaN at the start: refused when the file is read.
        #expect {
            try Problem.load(text: Self.loss("log(-1 - w^2) + w^2", weights: ["w"], initial: [1]))
        } throws: { error in
            (error as? ProblemFileError)?.field == "loss.expression" && "\(error)".contains("initial weights (w = 1.0)")
        }
    }

    /// L = |w| with learning rate 1 from w = 1 reaches the kink w = 0 after one epoch, where the
    /// gradient w/|w| is undefined: that is reported as such, not as a too-large learning rate.
    @Test func kinkIsNotALearningRateProblem() throws {
        let problem = try Problem.load(text: Self.loss("abs(w)", weights: ["w"], initial: [1], end: 3))
        let result = try Simulation.descend(problem)
        #expect(result.status == .nonFinite)
        #expect(result.message?.contains("not defined") == true)
        #expect(result.message?.contains("too large") == false, "\(result.message ?? "")")
        #expect(result.rows.map { $0[1] } == [1, 0])
        // A genuinely diverging descent still says diverged: L = w^2/2 at learning rate 3 maps
        // w -> -2 w.
        let diverging = try Problem.load(text: Self.loss("w^2/2", weights: ["w"], initial: [1], end: 2000, extra: ", \"learning_rate\": 3"))
        #expect(try Simulation.descend(diverging).status == .diverged)
    }

    /// The max_steps hint suggests an implicit stepper only to an explicit one.
    @Test func maxStepsHintFitsTheStepper() throws {
        for (stepper, suggests) in [("msbdf", false), ("rk4imp", false), ("rkf45", true)] {
            let text = Self.system(["1", "y^2"], variables: ["x", "y"], initial: [0, 1], end: 2, solver: #", "solver": {"stepper": "\#(stepper)", "max_steps": 30}"#)
            let result = try Simulation.integrate(try Problem.load(text: text))
            #expect(result.status == .maxSteps)
            #expect((result.message ?? "").contains("use an implicit stepper") == suggests, "\(stepper): \(result.message ?? "")")
        }
    }

    static func diagonal(_ n: Int, stepper: String) -> String {
        let names = (0..<n).map { "y\($0)" }
        return system(names.map { "-\($0)" }, variables: names, initial: Array(repeating: 1, count: n), solver: #", "solver": {"stepper": "\#(stepper)"}"#)
    }

    /// An explicit stepper never derives the Jacobian; an implicit one derives only the entries
    /// of the variables each equation contains.
    @Test func jacobianIsLazyAndSparse() throws {
        let explicit = try Problem.load(text: Self.diagonal(3000, stepper: "rkf45"))
        let result = try Simulation.integrate(explicit)
        #expect(result.succeeded)
        // y_i(1) = e^-1 (closed form), to the default tolerance.
        #expect(result.rows.last!.dropFirst().allSatisfy { abs($0 - exp(-1)) < 1e-5 })
        let system = try #require(explicit.dynamics as? ExpressionSystem)
        #expect(!system.compiled.symbolicJacobian.isDerived)
        let implicit = try Problem.load(text: Self.diagonal(100, stepper: "msbdf"))
        #expect(try Simulation.integrate(implicit).succeeded)
        let entries = try (implicit.dynamics as! ExpressionSystem).compiled.jacobianEntries()
        #expect(entries.count == 100 && entries.allSatisfy { $0.row == $0.column && $0.derivative == -1 })
    }

    /// A sparse Jacobian program (more than 64 variables) scatters into the dense matrix GSL
    /// expects: a chain y_i' = y_{i-1}^2 - y_i against central differences.
    @Test func sparseJacobianMatchesFiniteDifferences() throws {
        let n = 80
        let names = (0..<n).map { "y\($0)" }
        let equations = names.indices.map { $0 == 0 ? "-y0" : "y\($0 - 1)^2 - y\($0)" }
        let problem = try Problem.load(text: Self.system(equations, variables: names, initial: Array(repeating: 0.5, count: n)))
        let system = try problem.dynamics.makeFlow().system
        let y = (0..<n).map { 0.3 + 0.01 * Double($0) }
        var dfdy = [Double](repeating: .nan, count: n * n)
        var dfdt = [Double](repeating: .nan, count: n)
        try system.jacobian(t: 0, y: y, dfdy: &dfdy, dfdt: &dfdt)
        let fd = try finiteDifferenceJacobian(system, at: y)
        #expect(zip(dfdy, fd).allSatisfy { abs($0 - $1) <= 1e-7 })
        #expect(dfdt.allSatisfy { $0 == 0 })
    }

    /// Inputs over the limits are refused naming the field and the limit; the same inputs load
    /// without limits.
    @Test func sizeLimits() throws {
        let small = ExpressionLimits(expressionCharacters: 200, expressionNodes: 50, variables: 10, jacobianNodes: 100)
        let cases: [(String, String)] = [
            (Self.diagonal(11, stepper: "rkf45"), "system.variables"),
            (Self.system([Array(repeating: "y", count: 60).joined(separator: "*")], variables: ["y"], initial: [1]), "system.equations[0]"),
            (Self.system([Array(repeating: "y", count: 120).joined(separator: "+")], variables: ["y"], initial: [1]), "system.equations[0]"),
            (Self.system(Array(repeating: Array(repeating: "y0", count: 20).joined(separator: "+"), count: 3), variables: ["y0", "y1", "y2"], initial: [1, 1, 1]), "system.equations"),
        ]
        for (text, field) in cases {
            #expect(throws: ProblemFileError.self) { try ExpressionLimits.withLimits(small) { try Problem.load(text: text) } }
            do {
                _ = try ExpressionLimits.withLimits(small) { try Problem.load(text: text) }
            } catch let error as ProblemFileError {
                #expect(error.field == field && error.message.contains("over the limit") && error.message.contains("--allow-large"), "\(error)")
            }
            _ = try ExpressionLimits.withLimits(.unlimited) { try Problem.load(text: text) }
        }
        // The Jacobian limit applies only to a stepper that needs the Jacobian: prod(1 + k y) has
        // a derivative of 8 terms of 8 factors.
        let product = (1...8).map { "(1 + \($0)*y)" }.joined(separator: "*")
        for (stepper, refused) in [("rk8pd", false), ("msbdf", true)] {
            let text = Self.system([product], variables: ["y"], initial: [0], end: 1e-3, solver: #", "solver": {"stepper": "\#(stepper)"}"#)
            try ExpressionLimits.withLimits(small) {
                let problem = try Problem.load(text: text)
                if refused {
                    #expect(throws: ProblemFileError.self) { try Simulation.integrate(problem) }
                } else {
                    #expect(try Simulation.integrate(problem).succeeded)
                }
            }
        }
    }

    /// Bad-input fuzz of the expression layer: random systems and losses built from fragments
    /// that are undefined somewhere (the simplifier's old unsound rewrites among them), from
    /// initial values inside and outside their domains. Every run either is refused, fails with
    /// a status, or succeeds with rows where the expressions as written are defined.
    @Test func undefinedFragmentsNeverGiveNumbers() throws {
        let fragments = [
            "y^0.5*y^0.5", "log(y) - log(y)", "0*log(y)", "y/y", "sqrt(y)^2", "(y - y)/(y - y)", "0*(1/0)",
            "1^log(y)", "log(y)^0", "abs(y)", "y*log(y)", "(y^0.5)^2", "y^2/y", "atanh(y)", "-y", "1", "y*x",
        ]
        let starts: [Double] = [-2, -0.5, 0, 0.5, 2]
        var generator = SeededGenerator(seed: 99)
        func pick<T>(_ xs: [T]) -> T { xs[Int(generator.next() % UInt64(xs.count))] }
        var succeeded = 0, stopped = 0
        for round in 0..<300 {
            let parts = (0..<(1 + Int(generator.next() % 3))).map { _ in pick(fragments) }
            let expression = parts.joined(separator: pick([" + ", "*", " - "]))
            let initial = [pick(starts), pick(starts)]
            let isLoss = round % 2 == 1
            // A step budget keeps blow-ups (y' = y^2 ...) cheap: they end with max_steps.
            let text = (isLoss
                ? Self.loss(expression, weights: ["x", "y"], initial: initial, end: 3)
                : Self.system(["-x", expression], variables: ["x", "y"], initial: initial, end: 2))
                .replacingOccurrences(of: "\"time\":", with: "\"solver\": {\"max_steps\": 500}, \"time\":")
            guard let problem = try? Problem.load(text: text) else { continue }
            let written = try Expression.parse(expression)
            for run: (Problem) throws -> RunResult in isLoss ? [Simulation.integrate, { try Simulation.descend($0) }] : [Simulation.integrate] {
                let result: RunResult
                do { result = try run(problem) } catch is ProblemFileError { continue }
                if !result.succeeded { stopped += 1; continue }
                succeeded += 1
                for row in result.rows {
                    #expect(row.allSatisfy { $0.isFinite }, "\(expression): \(row)")
                    let value = try written.evaluate(["x": row[1], "y": row[2]])
                    #expect(!value.isNaN, "\(isLoss ? "loss" : "system") \(expression) from \(initial) printed t = \(row[0]) where it is NaN")
                }
            }
        }
        #expect(succeeded > 20 && stopped > 20, "\(succeeded) succeeded, \(stopped) stopped")
    }
}
