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
            "regression, N = \(m.inputs), P = \(m.samples), alpha = P/N = \(m.alpha), teacher variance \(m.task.teacherVariance), noise variance \(m.task.noiseVariance), init variance \(m.task.initVariance), tau = \(tau)",
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
        add("test_error_at_convergence_large_n", inf, inf.isFinite
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
        return RunResult(
            columns: ["t", "train_error", "test_error", "train_error_expected", "test_error_expected", "train_error_large_n", "test_error_large_n"],
            rows: rows, tReached: problem.time.end, derived: derived, notes: notes)
    }
}
