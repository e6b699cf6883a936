import Foundation
import LindynTheory

/// Closed forms of the data-backed models: the exact finite-size curves of the actual data set
/// (from its eigendecomposition or singular value decomposition) and the large-N theory beside
/// them, with the generalisation quantities users ask for.
enum GeneralisationFormula {
    /// Columns `train_error`, `test_error` (exact for this data set: the flow's own observables),
    /// `train_error_expected`, `test_error_expected` (exact expectation over teacher, label noise
    /// and init given these inputs) and `train_error_large_n`, `test_error_large_n` (the
    /// Marchenko-Pastur theory). Derived: the optimal stopping time and the test error there,
    /// at convergence, of the optimal ridge estimator, each exact and large-N.
    static func regression(_ m: RegressionModel, _ problem: Problem) throws -> RunResult {
        let exact: RegressionExact
        do { exact = try m.exactSolution() } catch {
            throw ProblemFileError(field: "model", message: "the eigendecomposition of Sigma_xx failed: \(error)")
        }
        let theory = try RegressionTheory(alpha: m.alpha, task: m.task)
        let start = problem.time.start
        var rows: [[Double]] = []
        for t in problem.time.outputTimes {
            let T = (t - start) / m.tauValue
            let realised = exact.errors(at: T), expected = exact.expectedErrors(at: T), large = try theory.errors(at: T)
            rows.append([t, realised.train, realised.test, expected.train, expected.test, large.train, large.test])
        }
        let tau = m.tauValue
        var derived: [DerivedQuantity] = []
        var notes = [
            "regression, N = \(m.inputs), P = \(m.samples), alpha = P/N = \(m.alpha), teacher variance \(m.task.teacherVariance), noise variance \(m.task.noiseVariance), init variance \(m.task.initVariance), weight decay \(m.task.weightDecay), tau = \(tau)",
            "errors without a factor 1/2: train_error = (1/P) sum (y - w.x)^2; test_error = |w - wbar|^2/N + noise variance (fresh example, label noise included)",
            "train_error, test_error: exact for this data set (eigendecomposition of Sigma_xx); *_expected: exact mean over teacher, noise and init given these inputs; *_large_n: Marchenko-Pastur theory (N, P -> infinity at fixed alpha)",
        ]
        let stop = try exact.optimalStopping()
        let stopLarge = try theory.optimalStopping()
        func add(_ name: String, _ value: Double, _ note: String) { derived.append(DerivedQuantity(name, value, note: note)) }
        if stop.time.isFinite {
            add("optimal_stopping_time", stop.time * tau, "exact finite-size: epochs minimising this data set's test error")
            add("test_error_at_optimal_stopping", stop.testError, "exact finite-size")
        } else {
            notes.append("optimal_stopping_time: this data set's test error only decreases (no early stopping helps)")
        }
        if stopLarge.time.isFinite {
            add("optimal_stopping_time_large_n", stopLarge.time * tau, "large-N theory: argmin of the Marchenko-Pastur test error")
            add("test_error_at_optimal_stopping_large_n", stopLarge.testError, "large-N theory")
        }
        add("test_error_at_convergence", exact.errors(at: .infinity).test, "exact finite-size: t -> infinity (minimum-norm interpolant from the start when alpha < 1)")
        let inf = theory.testErrorAtConvergence
        add("test_error_at_convergence_large_n", inf, m.task.weightDecay > 0
            ? "large-N theory: the ridge estimator with gamma = weight decay (Marchenko-Pastur quadrature)"
            : inf.isFinite
            ? "large-N theory: s_e/(1 - alpha) + (1 - alpha) s_w (alpha < 1), s_e alpha/(alpha - 1) (alpha > 1)"
            : "large-N theory: infinite at alpha = 1 (the overfitting peak; null in JSON)")
        let ridge = exact.ridgeTestError()
        if m.task.noiseVariance > 0 {
            add("ridge_optimum", ridge.realised, "exact finite-size: test error of ridge regression with gamma = noise/teacher variance (Bayes optimal) on this data set")
            add("ridge_optimum_expected", ridge.expected, "exact mean given these inputs")
            add("ridge_optimum_large_n", theory.ridgeTestError, "large-N theory")
        }
        let modeTimes = exact.modeStoppingTimes().compactMap { $0 }
        if let first = modeTimes.min(), let last = modeTimes.max() {
            notes.append("per-eigendirection optimal stopping times ln(1 + lam SNR)/lam (exact, expected error): from \(first * tau) to \(last * tau) epochs")
        }
        try requireFinite(rows, problem)
        return RunResult(
            columns: ["t", "train_error", "test_error", "train_error_expected", "test_error_expected", "train_error_large_n", "test_error_large_n"],
            rows: rows, tReached: problem.time.end, derived: derived, notes: notes)
    }

    /// A network on a teacher data set: the exact per-mode law on the data's own singular
    /// modes (orthonormal inputs, training-aligned start), columns `u1..` (mode strengths),
    /// `train_error`, `test_error`, and, where the large-N theory applies (A = nD/n0 <= 1,
    /// hidden width at least the teacher rank, rank below nD), `train_error_large_n`,
    /// `test_error_large_n`.
    static func teacherNetwork(_ m: TeacherNetworkModel, _ problem: Problem) throws -> RunResult {
        let (exact, law) = try m.exactTheory()
        let data = m.data, tau = m.network.tauValue
        let scale = m.testScale
        let shown = m.network.modes.count
        var notes = [
            "teacher network: n0 = \(data.inputs), nD = \(data.outputs), P = \(data.samples) orthonormal inputs, teacher singular values \(data.teacherSingularValues), label noise \(data.labelNoise), depth \(m.network.depth), tau = \(tau)",
            "errors normalised, without a factor 1/2: train_error = sum ||y - W x||^2 / sum ||y||^2, test_error = ||W - W_bar||^2 / ||W_bar||^2 (fresh white noise-free inputs)" + (scale != 1 ? "; W is the expected dropout network, \(scale) W2 W1" : ""),
            "u*, train_error, test_error: exact finite-size (per-mode law on this data set's singular values, training-aligned start)",
        ]
        // Large-N theory in noise units (singular values / label noise), time rescaled.
        var theory: TeacherStudentTheory? = nil
        var timeScale = 1.0
        let sigma = data.labelNoise
        let hidden = m.network.widths.dropFirst().dropLast().min() ?? min(data.inputs, data.outputs)
        do {
            guard sigma > 0 else { throw TheoryError.undefined(quantity: "the large-N theory", reason: "it needs label noise") }
            let depth = m.network.depth
            timeScale = depth == 1 ? 1 : pow(sigma, 2 - 2 / Double(depth))
            let scaled = try StudentModeLaw(depth: depth, gain: law.gain, decay: depth == 2 ? law.decay / sigma : law.decay, curvature: law.curvature)
            theory = try TeacherStudentTheory(
                teacher: data.teacherSingularValues.map { $0 / sigma }, inputs: data.inputs, outputs: data.outputs,
                hidden: min(hidden, data.outputs), initialStrength: exact.initialStrength / sigma, law: scaled)
        } catch {
            notes.append("large-N theory not given: \(error)")
        }
        var rows: [[Double]] = []
        let start = problem.time.start
        for t in problem.time.outputTimes {
            let T = (t - start) / tau
            let u = try exact.strengths(at: T)
            let tested = u.map { scale * $0 }
            var row = [t] + u.prefix(shown) + [exact.trainError(strengths: tested), exact.testError(strengths: tested)]
            if let theory {
                let e = try theory.errors(at: T * timeScale)
                row += [e.train, e.test]
            }
            rows.append(row)
        }
        var derived: [DerivedQuantity] = []
        func add(_ name: String, _ value: Double, _ note: String) { derived.append(DerivedQuantity(name, value, note: note)) }
        let stop = try _minimize { T in
            let u = try exact.strengths(at: T).map { scale * $0 }
            return exact.testError(strengths: u)
        }
        if stop.time.isFinite {
            add("optimal_stopping_time", stop.time * tau, "exact finite-size: epochs minimising this data set's test error")
            add("test_error_at_optimal_stopping", stop.testError, "exact finite-size")
        } else {
            notes.append("optimal_stopping_time: the test error only decreases (no early stopping helps)")
        }
        let late = try exact.strengths(at: .infinity).map { scale * $0 }
        add("test_error_at_convergence", exact.testError(strengths: late), "exact finite-size: t -> infinity")
        let spiked = try? SpikedTeacherTheory(aspectRatio: Double(data.outputs) / Double(data.inputs))
        if let spiked, sigma > 0 {
            let shrink = exact.singularValues.map { sigma * spiked.shrunkSingularValue($0 / sigma) }
            add("shrinkage_test_error", exact.testError(strengths: shrink), "exact finite-size: this data set's singular vectors with singular values sbar(shat) O(sbar(shat)) above the bulk edge, 0 below")
            add("shrinkage_test_error_large_n", spiked.shrinkageTestError(data.teacherSingularValues.map { $0 / sigma }), "large-N theory: sum sbar^2 (1 - O^2) / sum sbar^2")
        } else {
            notes.append("shrinkage estimator not given: it needs label noise and nD <= n0 (A <= 1)")
        }
        for (a, sbar) in data.teacherSingularValues.enumerated() {
            let k = a + 1
            add("outlier_singular_value_\(k)", exact.singularValues[a], "exact finite-size: singular value \(k) of the data")
            let left = zip(m.empirical.left[a], data.teacherLeft[a]).reduce(0) { $0 + $1.0 * $1.1 }
            let right = zip(m.empirical.right[a], data.teacherRight[a]).reduce(0) { $0 + $1.0 * $1.1 }
            add("overlap_\(k)", abs(left * right), "exact finite-size: |uhat.ubar| |vhat.vbar| of the data's mode \(k) with teacher mode \(k)")
            if let spiked, sigma > 0 {
                add("outlier_singular_value_\(k)_large_n", sigma * spiked.outlier(sbar / sigma), "large-N theory: sqrt((1 + s^2)(A + s^2))/s above A^(1/4), else the bulk edge (s = sbar/label noise)")
                add("overlap_\(k)_large_n", spiked.overlap(sbar / sigma), "large-N theory: O(sbar), 0 at or below the threshold A^(1/4)")
            }
            if a < exact.studentModes, let time = exact.law.time(exact.singularValues[a], from: exact.initialStrength, to: exact.teacherOverlaps[a] / scale) {
                add("optimal_stopping_time_mode_\(k)", time * tau, "exact finite-size: when mode \(k) reaches m = uhat^T W_bar vhat, its best strength")
            }
        }
        if let theory {
            let s = try theory.optimalStopping()
            if s.time.isFinite {
                add("optimal_stopping_time_large_n", s.time / timeScale * tau, "large-N theory: argmin of the Lampinen-Ganguli test error")
                add("test_error_at_optimal_stopping_large_n", s.testError, "large-N theory")
            }
            add("test_error_at_convergence_large_n", try theory.errors(at: .infinity).test, "large-N theory")
        }
        try requireFinite(rows, problem)
        let columns = ["t"] + (0..<shown).map { "u\($0 + 1)" } + ["train_error", "test_error"] + (theory != nil ? ["train_error_large_n", "test_error_large_n"] : [])
        return RunResult(columns: columns, rows: rows, tReached: problem.time.end, derived: derived, notes: notes)
    }

    /// Refuses a curve that is not finite somewhere (never a NaN or infinity passed off as a value).
    static func requireFinite(_ rows: [[Double]], _ problem: Problem) throws {
        for row in rows where !row.allSatisfy({ $0.isFinite }) {
            throw ProblemFileError(field: "model", message: "the closed form is not finite at t = \(row[0]) for these settings (the values overflow); reduce the scales or the time span")
        }
    }

    /// The 1-D minimisation of LindynTheory, for curves built here.
    static func _minimize(_ f: (Double) throws -> Double) throws -> OptimalStopping {
        var failure: Error? = nil
        let result = try TeacherStudentExact.minimizeOverTime { T in
            do { return try f(T) } catch { failure = error; return .nan }
        }
        if let failure { throw failure }
        return result
    }
}
