import Foundation
import LindynIntegrator
import LindynModels
import LindynReport
import LindynTheory

/// The generalisation figures of the demo: train and test error against epochs for a regression
/// and a teacher network (closed form, gradient descent and the integrated flow, with the optimal
/// stopping time), the double-descent curve of Advani & Saxe (test error at convergence and at
/// optimal stopping against `alpha = P/N`), and the optimal stopping time against the
/// signal-to-noise ratio. The large-N theory is drawn as lines and the exact finite-size values
/// of seeded data sets as points, so each figure checks the theory against the data it describes.
///
/// The numbers are computed once (`compute(_:)`), saved as JSON beside the run
/// (`dataFileName`) and drawn from that file, so `lindyn plot --from DIR` redraws them without
/// recomputing.
public enum GeneralisationFigures {
    /// The file in a run's output directory holding the figures' numbers.
    public static let dataFileName = "generalisation-figures.json"
    /// The figures, by file name (without extension).
    public static let figureNames = ["generalisation-curves", "double-descent", "optimal-stopping"]

    /// The sizes of the finite-size sweeps.
    public struct Options: Sendable, Hashable, Codable {
        /// Input dimension N of the seeded regression data sets.
        public var inputs: Int
        /// Data sets per point (seeds 1 ... seeds).
        public var seeds: Int
        /// `alpha = P/N` of the finite-size points (P = alpha N, rounded).
        public var alphas: [Double]
        /// Signal-to-noise ratios `teacher variance / noise variance` of the double-descent curves.
        public var snrs: [Double]
        /// Points of the large-N lines over `alpha` (log-spaced in 0.25 ... 4, plus alpha = 1).
        public var theoryPoints: Int
        /// `alpha` of the stopping-time sweep (one line each).
        public var stoppingAlphas: [Double]
        /// SNRs of the stopping-time sweep's finite-size points.
        public var stoppingSNRs: [Double]

        /// Sweeps of these sizes; `demo` and `large` are the demo's.
        public init(inputs: Int, seeds: Int, alphas: [Double], snrs: [Double], theoryPoints: Int, stoppingAlphas: [Double], stoppingSNRs: [Double]) {
            self.inputs = inputs
            self.seeds = seeds
            self.alphas = alphas
            self.snrs = snrs
            self.theoryPoints = theoryPoints
            self.stoppingAlphas = stoppingAlphas
            self.stoppingSNRs = stoppingSNRs
        }

        /// The demo's sizes: N = 100, 5 data sets per point (a few seconds on two cores).
        public static let demo = Options(
            inputs: 100, seeds: 5, alphas: [0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.25, 1.5, 2, 3, 4], snrs: [0.5, 2, 8],
            theoryPoints: 97, stoppingAlphas: [0.5, 2], stoppingSNRs: [0.1, 0.3, 1, 3, 10, 30, 100])

        /// Larger data sets (N = 400, 10 per point), closer to the large-N lines.
        public static let large = Options(
            inputs: 400, seeds: 10, alphas: demo.alphas, snrs: demo.snrs,
            theoryPoints: 193, stoppingAlphas: demo.stoppingAlphas, stoppingSNRs: demo.stoppingSNRs)
    }

    /// A value over seeded data sets: every realised value (`nil` where it is infinite), their
    /// mean, standard deviation, smallest and largest (over the finite ones; `nil` when none is).
    public struct SeedValues: Sendable, Hashable, Codable {
        var values: [Double?]
        /// The time (T = t/tau) of each value, where it is an optimum.
        var times: [Double?]?
        var mean: Double?
        var sd: Double?
        var min: Double?
        var max: Double?

        init(_ values: [Double], times: [Double]? = nil) {
            self.values = values.map { $0.isFinite ? $0 : nil }
            self.times = times?.map { $0.isFinite ? $0 : nil }
            let finite = values.filter(\.isFinite)
            if finite.isEmpty {
                mean = nil
                sd = nil
                min = nil
                max = nil
            } else {
                min = finite.min()
                max = finite.max()
                let m = finite.reduce(0, +) / Double(finite.count)
                mean = m
                sd = finite.count > 1 ? (finite.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(finite.count - 1)).squareRoot() : 0
            }
        }
    }

    /// Train and test error against epochs of one problem, three ways.
    public struct ErrorCurves: Sendable, Hashable, Codable {
        var name: String
        var title: String
        var yLabel: String
        var trainLabel: String
        var testLabel: String
        /// The problem file the curves come from (JSON text).
        var problem: String
        /// Closed form (exact for this data set), at dense times.
        var formulaTimes: [Double]
        var formulaTrain: [Double]
        var formulaTest: [Double]
        /// The integrated flow at the same times.
        var flowTimes: [Double]
        var flowTrain: [Double]
        var flowTest: [Double]
        var flowLabel: String
        /// Gradient descent at whole epochs.
        var descentTimes: [Double]
        var descentTrain: [Double]
        var descentTest: [Double]
        var descentLabel: String
        /// The exact optimal stopping time (epochs) and the test error there; nil when the test
        /// error only decreases.
        var stoppingEpoch: Double?
        var stoppingTestError: Double?
    }

    /// Test error at convergence and at optimal stopping against alpha (regression).
    public struct DoubleDescent: Sendable, Hashable, Codable {
        var inputs: Int
        var seeds: Int
        var snrs: [Double]
        var theoryAlphas: [Double]
        /// Large-N `E_g(infinity)` per SNR and alpha; nil where infinite (alpha = 1).
        var theoryConvergence: [[Double?]]
        /// Large-N minimum over T of `E_g(T)` per SNR and alpha.
        var theoryStopped: [[Double]]
        var alphas: [Double]
        /// Exact finite-size values of the seeded data sets, per SNR and alpha.
        var convergence: [[SeedValues]]
        var stopped: [[SeedValues]]
        /// The top of the value axis; values above it are drawn clipped, with their number.
        var yTop: Double
    }

    /// Optimal stopping time against SNR (regression).
    public struct StoppingTimes: Sendable, Hashable, Codable {
        var inputs: Int
        var seeds: Int
        var alphas: [Double]
        var theorySNRs: [Double]
        /// Large-N `T*` per alpha and SNR (nil when the curve only decreases).
        var theoryTimes: [[Double?]]
        var snrs: [Double]
        /// Exact `T*` of each seeded data set, per alpha and SNR.
        var times: [[SeedValues]]
    }

    /// All the numbers of the three figures.
    public struct Data: Sendable, Hashable, Codable {
        var format = 1
        var options: Options
        var curves: [ErrorCurves]
        var doubleDescent: DoubleDescent
        var stopping: StoppingTimes
    }

    /// The regression task with `teacher variance / noise variance = snr` and
    /// `teacher + noise variance = 1` (so the untrained student's test error is 1 at every SNR).
    /// - Throws: `TheoryError` for an SNR that is not positive and finite.
    public static func task(snr: Double) throws(TheoryError) -> RegressionTask {
        try RegressionTask(teacherVariance: snr / (1 + snr), noiseVariance: 1 / (1 + snr), initVariance: 0)
    }

    /// The seeded data set of a sweep point: `P = alpha N` (rounded, at least 1).
    /// - Throws: `ArgumentError` naming `snr`, or the data set's argument (`inputs`, `samples`
    ///   from `alpha`) that `RegressionModel` refuses.
    public static func dataSet(inputs: Int, alpha: Double, snr: Double, seed: Int) throws(ArgumentError) -> RegressionModel {
        let task: RegressionTask
        do { task = try Self.task(snr: snr) } catch { throw ArgumentError(argument: "snr", message: "\(error)") }
        return try RegressionModel(inputs: inputs, samples: max(1, Int((alpha * Double(inputs)).rounded())), task: task, seed: UInt64(seed), tau: 1)
    }

    /// Computes every figure's numbers.
    /// - Throws: ``ValidationRunError/figure(_:)`` when one of the shipped runs fails, or the
    ///   theory's, input or decomposition error of a sweep point.
    public static func compute(_ options: Options = .demo) throws(ValidationRunError) -> Data {
        try ValidationRunError.typed {
            Data(options: options, curves: try errorCurves(), doubleDescent: try doubleDescent(options), stopping: try stoppingTimes(options))
        }
    }

    // MARK: Train and test error against epochs

    /// The shipped problems of the first figure: Advani & Saxe's regression at alpha = 1 and
    /// Lampinen & Ganguli's rank-2 teacher network.
    static let curveProblems: [(name: String, title: String, yLabel: String, train: String, test: String, text: String)] = [
        ("regression", "Regression (Advani & Saxe): N = P = 100, SNR 4", "error (no factor 1/2)",
         "train (1/P) sum (y - w.x)^2", "test |w - wbar|^2/N + noise variance",
         #"{"model": {"kind": "regression", "inputs": 100, "samples": 100, "teacher_variance": 0.8, "noise_variance": 0.2, "init_variance": 0, "tau": 5, "seed": 1}, "time": {"end": 250, "points": 251}}"#),
        ("teacher-network", "Teacher network (Lampinen & Ganguli): 12-12-12, rank 2, P = 12, noise 1", "normalised error (no factor 1/2)",
         "train sum ||y - W x||^2 / sum ||y||^2", "test ||W - Wbar||^2 / ||Wbar||^2",
         #"{"model": {"kind": "network", "widths": [12, 12, 12], "data": {"teacher": {"singular_values": [3, 1.5]}, "inputs": "orthonormal", "label_noise": 1, "seed": 1}, "init": {"u0": 0.001}, "tau": 5}, "time": {"end": 80, "points": 81}}"#),
    ]

    static func errorCurves() throws -> [ErrorCurves] {
        try curveProblems.map { p in
            let problem = try Problem.load(text: p.text)
            var dense = problem
            // Every half epoch: smooth lines, and the descent's epochs among the times.
            let halves = Int(2 * (problem.time.end - problem.time.start))
            dense.time.outputTimes = (0...halves).map { problem.time.start + Double($0) / 2 }
            let formula = try Formula.evaluate(dense, requireLearned: false)
            let flow = try Simulation.integrate(dense)
            guard flow.succeeded else { throw GeneralisationFigureError("the \(p.name) flow of the generalisation figure failed: \(flow.status) \(flow.message ?? "")") }
            let descent = try Simulation.descend(problem)
            guard descent.succeeded else { throw GeneralisationFigureError("the \(p.name) descent of the generalisation figure failed: \(descent.status) \(descent.message ?? "")") }
            func column(_ r: RunResult, _ name: String) throws -> [Double] {
                guard let c = r.column(name) else { throw GeneralisationFigureError("the \(p.name) run has no \(name) column") }
                return c
            }
            let stop = formula.derived.first { $0.name == "optimal_stopping_time" }?.value
            let stopError = formula.derived.first { $0.name == "test_error_at_optimal_stopping" }?.value
            return ErrorCurves(
                name: p.name, title: p.title, yLabel: p.yLabel, trainLabel: p.train, testLabel: p.test, problem: p.text,
                formulaTimes: try column(formula, "t"), formulaTrain: try column(formula, "train_error"), formulaTest: try column(formula, "test_error"),
                flowTimes: try column(flow, "t"), flowTrain: try column(flow, "train_error"), flowTest: try column(flow, "test_error"),
                flowLabel: "flow (\(problem.solver.stepper.rawValue))",
                descentTimes: try column(descent, "t"), descentTrain: try column(descent, "train_error"), descentTest: try column(descent, "test_error"),
                descentLabel: "gradient descent (learning rate 1/tau = \(_short(1 / (problem.dynamics.tau ?? 1))))", stoppingEpoch: stop, stoppingTestError: stopError)
        }
    }

    // MARK: Double descent

    /// `count` values log-spaced over 0.25 ... 4, with alpha = 1 among them.
    static func theoryAlphas(_ count: Int) -> [Double] {
        let n = max(3, count | 1)  // odd: the middle point is alpha = 1 exactly
        return (0..<n).map { k in k == n / 2 ? 1 : pow(16, Double(k) / Double(n - 1)) / 4 }
    }

    /// Runs `body(i)` for `0..<count` over the cores, each result in its own slot.
    static func parallel<T: Sendable>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let slots = Slots<T>(count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            slots.set(i, Result { try body(i) })
        }
        return try slots.results()
    }

    static func doubleDescent(_ o: Options) throws -> DoubleDescent {
        let alphas = theoryAlphas(o.theoryPoints)
        let snrs = o.snrs
        let line = try parallel(snrs.count * alphas.count) { k in
            let theory = try RegressionTheory(alpha: alphas[k % alphas.count], task: try task(snr: snrs[k / alphas.count]))
            let inf = theory.testErrorAtConvergence
            return (inf.isFinite ? inf : nil as Double?, try theory.optimalStopping().testError)
        }
        let seeds = o.seeds
        let points = try parallel(snrs.count * o.alphas.count * seeds) { k in
            let seed = k % seeds + 1, a = (k / seeds) % o.alphas.count, s = k / (seeds * o.alphas.count)
            let exact = try dataSet(inputs: o.inputs, alpha: o.alphas[a], snr: snrs[s], seed: seed).exactSolution()
            let stop = try exact.optimalStopping()
            return (exact.errors(at: .infinity).test, stop.testError, stop.time)
        }
        func at(_ s: Int, _ a: Int) -> ArraySlice<(Double, Double, Double)> {
            let start = (s * o.alphas.count + a) * seeds
            return points[start..<(start + seeds)]
        }
        return DoubleDescent(
            inputs: o.inputs, seeds: seeds, snrs: snrs, theoryAlphas: alphas,
            theoryConvergence: snrs.indices.map { s in alphas.indices.map { line[s * alphas.count + $0].0 } },
            theoryStopped: snrs.indices.map { s in alphas.indices.map { line[s * alphas.count + $0].1 } },
            alphas: o.alphas,
            convergence: snrs.indices.map { s in o.alphas.indices.map { SeedValues(at(s, $0).map(\.0)) } },
            stopped: snrs.indices.map { s in o.alphas.indices.map { SeedValues(at(s, $0).map(\.1), times: at(s, $0).map(\.2)) } },
            yTop: 3.5)
    }

    // MARK: Optimal stopping time

    static func stoppingTimes(_ o: Options) throws -> StoppingTimes {
        let theorySNRs = (0...32).map { pow(10, -1 + 3 * Double($0) / 32) }
        let alphas = o.stoppingAlphas
        let line = try parallel(alphas.count * theorySNRs.count) { k in
            let theory = try RegressionTheory(alpha: alphas[k / theorySNRs.count], task: try task(snr: theorySNRs[k % theorySNRs.count]))
            let t = try theory.optimalStopping().time
            return t.isFinite ? t : nil as Double?
        }
        let seeds = o.seeds, snrs = o.stoppingSNRs
        let points = try parallel(alphas.count * snrs.count * seeds) { k in
            let seed = k % seeds + 1, s = (k / seeds) % snrs.count, a = k / (seeds * snrs.count)
            let exact = try dataSet(inputs: o.inputs, alpha: alphas[a], snr: snrs[s], seed: seed).exactSolution()
            return try exact.optimalStopping().time
        }
        return StoppingTimes(
            inputs: o.inputs, seeds: seeds, alphas: alphas, theorySNRs: theorySNRs,
            theoryTimes: alphas.indices.map { a in theorySNRs.indices.map { line[a * theorySNRs.count + $0] } },
            snrs: snrs,
            times: alphas.indices.map { a in snrs.indices.map { s in
                let start = (a * snrs.count + s) * seeds
                let t = Array(points[start..<(start + seeds)])
                return SeedValues(t, times: t)
            } })
    }

    // MARK: Drawing

    /// A vertical bar at each x, from `mean - sd` to `mean + sd` (or from the smallest value to
    /// the largest when `range`), as one broken line.
    static func bars(_ x: [Double], _ values: [SeedValues], top: Double = .infinity, range: Bool = false) -> (x: [Double], y: [Double]) {
        var bx: [Double] = [], by: [Double] = []
        for (xi, v) in zip(x, values) {
            guard let m = v.mean, let sd = v.sd, let lo = v.min, let hi = v.max, m <= top else { continue }
            bx += [xi, xi, .nan]
            by += range ? [lo, Swift.min(hi, top), .nan] : [m - sd, Swift.min(m + sd, top), .nan]
        }
        return (bx, by)
    }

    /// The first figure: one panel per problem.
    public static func curvesFigure(_ data: Data) -> Figure {
        let plots = data.curves.map { c -> Plot in
            var plot = Plot(title: c.title, xLabel: "epoch t", yLabel: c.yLabel)
            let all = c.formulaTrain + c.formulaTest + c.descentTrain + c.descentTest
            // Head room above the curves for the legend.
            let top = (all.filter(\.isFinite).max() ?? 1) * 1.6
            plot.yAxis.range = 0...top
            let keep = ValidationPlots.evenlyTimed(c.descentTimes, limit: 40)
            for (k, (label, formula, descent, flow)) in [
                (c.trainLabel, c.formulaTrain, c.descentTrain, c.flowTrain), (c.testLabel, c.formulaTest, c.descentTest, c.flowTest),
            ].enumerated() {
                let color = Color.palette(k)
                plot.addLine(x: c.formulaTimes, y: formula, label: label + " (closed form)", color: color, width: 2)
                plot.addScatter(x: keep.map { c.descentTimes[$0] }, y: keep.map { descent[$0] }, label: k == 1 ? c.descentLabel : nil, color: color, marker: .circle, size: 3)
                plot.addLine(x: c.flowTimes, y: flow, label: k == 1 ? c.flowLabel : nil, color: Color.black, style: .dotted, width: 1.2)
            }
            if let t = c.stoppingEpoch, let e = c.stoppingTestError {
                plot.addLine(x: [t, t], y: [0, top], label: "optimal stopping t* = \(String(format: "%.4g", t))", color: Color.palette(2), style: .dashed, width: 1.5)
                plot.addScatter(x: [t], y: [e], color: Color.palette(2), marker: .diamond, size: 5)
            }
            return plot
        }
        return Figure(panels: plots.map { .plot($0) }, columns: min(2, plots.count),
                      title: "Train and test error from the closed form, gradient descent and the flow", panelWidth: 620, panelHeight: 440)
    }

    /// The second figure: E_g at convergence and at optimal stopping against alpha.
    public static func doubleDescentPlot(_ d: DoubleDescent) -> Plot {
        var plot = Plot(title: "Double descent (Advani & Saxe): large-N theory (lines), \(d.seeds) seeded data sets of N = \(d.inputs) (mean +- sd)",
                        xLabel: "alpha = P/N (samples per input)", yLabel: "test error |w - wbar|^2/N + noise variance", xScale: .log)
        plot.xAxis.range = 0.23...4.4
        plot.yAxis.range = 0...d.yTop
        plot.legend = .topLeft
        for (s, snr) in d.snrs.enumerated() {
            let color = Color.palette(s)
            plot.addLine(x: d.theoryAlphas, y: d.theoryConvergence[s].map { $0 ?? .nan }, label: "SNR \(_short(snr))", color: color, width: 2)
            plot.addLine(x: d.theoryAlphas, y: d.theoryStopped[s], color: color, style: .dashed, width: 2)
            // alpha = 1, where the large-N error at convergence is infinite: an arrow at the top.
            if let k = d.theoryAlphas.firstIndex(of: 1), d.theoryConvergence[s][k] == nil {
                var arrow = Series.scatter(nil, x: [1], y: [d.yTop * 0.96], color: color, marker: .triangle, size: 5)
                if s == d.snrs.count - 1 { arrow.pointLabels = ["theory infinite at alpha = 1"] }
                plot.series.append(arrow)
            }
            for (values, marker) in [(d.convergence[s], MarkerShape.circle), (d.stopped[s], MarkerShape.square)] {
                let inside = zip(d.alphas, values).filter { ($0.1.mean ?? .infinity) <= d.yTop }
                plot.addScatter(x: inside.map(\.0), y: inside.map { $0.1.mean! }, color: color, marker: marker, size: 3.5)
                let b = bars(d.alphas, values, top: d.yTop)
                plot.addLine(x: b.x, y: b.y, color: color, width: 1)
                // Means above the axis: a triangle near the top (one row per SNR) with the number.
                let above = zip(d.alphas, values).filter { ($0.1.mean ?? .infinity) > d.yTop }
                if !above.isEmpty {
                    var series = Series.scatter(nil, x: above.map(\.0), y: above.map { _ in d.yTop * (0.88 - 0.06 * Double(s)) }, color: color, marker: .triangle, size: 4)
                    series.pointLabels = above.map { $0.1.mean.map { String(format: "%.2g", $0) } ?? "infinite" }
                    plot.series.append(series)
                }
            }
        }
        // Legend keys for the styles.
        plot.series.append(.line("theory, t -> infinity", x: [], y: [], color: Color.gray, width: 2))
        plot.series.append(.line("theory, optimal stopping", x: [], y: [], color: Color.gray, style: .dashed, width: 2))
        plot.series.append(.scatter("N = \(d.inputs), t -> infinity", x: [], y: [], color: Color.gray, marker: .circle, size: 3.5))
        plot.series.append(.scatter("N = \(d.inputs), optimal stopping", x: [], y: [], color: Color.gray, marker: .square, size: 3.5))
        plot.series.append(.scatter("above the axis (its mean written)", x: [], y: [], color: Color.gray, marker: .triangle, size: 4))
        return plot
    }

    /// The third figure: the optimal stopping time against SNR.
    public static func stoppingPlot(_ d: StoppingTimes) -> Plot {
        var plot = Plot(title: "Optimal stopping time of regression against the signal-to-noise ratio",
                        xLabel: "SNR = teacher variance / noise variance", yLabel: "optimal stopping time T* = t*/tau (epochs x learning rate)", xScale: .log, yScale: .log)
        // A data set whose test error rises from the start stops at once (T* at the search's
        // lower end, 1e-6): its bar runs off the bottom rather than stretching the axis.
        plot.yAxis.range = 0.01...1000
        for (a, alpha) in d.alphas.enumerated() {
            let color = Color.palette(a)
            plot.addLine(x: d.theorySNRs, y: d.theoryTimes[a].map { $0 ?? .nan }, label: "alpha = \(_short(alpha)), large-N theory", color: color, width: 2)
            plot.addScatter(x: d.snrs, y: d.times[a].map { $0.mean ?? .nan }, label: "alpha = \(_short(alpha)), N = \(d.inputs): mean, bar min to max of \(d.seeds) data sets", color: color, marker: a == 0 ? .circle : .square, size: 3.5)
            let b = bars(d.snrs, d.times[a], range: true)
            plot.addLine(x: b.x, y: b.y, color: color, width: 1)
        }
        return plot
    }

    /// Writes the three figures (SVG, with `metadata` in each) into `directory`.
    /// - Returns: the files written.
    /// - Throws: `ReportError` when the directory cannot be created or a figure written.
    public static func write(_ data: Data, into directory: URL, metadata: String?) throws(ReportError) -> [URL] {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .fileOperation(path: directory.path, operation: "create the directory", reason: error.localizedDescription)
        }
        var curves = curvesFigure(data)
        curves.metadata = metadata
        let files = figureNames.map { directory.appendingPathComponent($0 + ".svg") }
        try curves.write(to: files[0])
        try doubleDescentPlot(data.doubleDescent).write(to: files[1], width: 900, height: 600, metadata: metadata)
        try stoppingPlot(data.stopping).write(to: files[2], width: 800, height: 540, metadata: metadata)
        return files
    }

    /// The numbers as JSON (infinite values as `null`).
    /// - Throws: ``GeneralisationFigureError`` with the encoder's message.
    public static func encode(_ data: Data) throws(GeneralisationFigureError) -> Foundation.Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return try encoder.encode(data) } catch { throw GeneralisationFigureError("\(error)") }
    }

    /// The numbers read back from `encode(_:)`'s JSON.
    /// - Throws: ``GeneralisationFigureError`` with the decoder's message.
    public static func decode(_ bytes: Foundation.Data) throws(GeneralisationFigureError) -> Data {
        do { return try JSONDecoder().decode(Data.self, from: bytes) } catch { throw GeneralisationFigureError("\(error)") }
    }

    /// Computes the figures, saves their numbers in `directory/generalisation-figures.json` and
    /// draws them into `directory/plots`.
    /// - Returns: the numbers and the figure files.
    /// - Throws: ``ValidationRunError`` as ``compute(_:)`` does, or ``ValidationRunError/file(_:)``
    ///   when the numbers or a figure cannot be written.
    public static func run(_ options: Options = .demo, into directory: URL, metadata: String?) throws(ValidationRunError) -> (data: Data, files: [URL]) {
        let data = try compute(options)
        try ValidationRunError.typed { try encode(data).write(to: directory.appendingPathComponent(dataFileName), options: .atomic) }
        do { return (data, try write(data, into: directory.appendingPathComponent("plots"), metadata: metadata)) } catch { throw .file(error) }
    }

    /// Redraws the figures saved in `directory` (nothing when it holds no figure numbers).
    /// - Throws: ``ValidationRunError/figure(_:)`` when the saved numbers are unreadable,
    ///   ``ValidationRunError/file(_:)`` when a figure cannot be written.
    public static func redraw(from directory: URL, into output: URL, metadata: String?) throws(ValidationRunError) -> [URL] {
        let file = directory.appendingPathComponent(dataFileName)
        guard let bytes = FileManager.default.contents(atPath: file.path) else { return [] }
        let data: Data
        do { data = try decode(bytes) } catch {
            throw .figure(GeneralisationFigureError("\(file.path): not the numbers of the generalisation figures (\(error))"))
        }
        do { return try write(data, into: output, metadata: metadata) } catch { throw .file(error) }
    }

    /// What each figure shows, for the output directory's README.
    public static func readmeSection(_ data: Data) -> String {
        """

        ## Generalisation figures (`plots/`)

        Numbers in `\(dataFileName)` (`lindyn plot --from DIR` redraws them); the setups and conventions are in `Notes/generalisation.md`.

        - `plots/generalisation-curves.svg`: train and test error against epochs of a regression (N = P = 100) and a rank-2 teacher network: the exact closed form for the data set (lines), gradient descent (points) and the integrated flow (dotted), with the exact optimal stopping time.
        - `plots/double-descent.svg`: test error at convergence (solid) and at optimal stopping (dashed) against alpha = P/N; lines the large-N theory, points the exact values of \(data.doubleDescent.seeds) seeded data sets with N = \(data.doubleDescent.inputs) (mean and standard deviation). The error at convergence is infinite at alpha = 1 in the large-N theory (drawn as an arrow); early stopping keeps it finite.
        - `plots/optimal-stopping.svg`: the optimal stopping time T* = t*/tau against the SNR, large-N theory and seeded data sets.

        """
    }
}

/// A generalisation figure that could not be made (a failed run, or an unreadable data file).
public struct GeneralisationFigureError: Error, CustomStringConvertible {
    /// What went wrong, in one sentence.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One result slot per parallel task.
final class Slots<T: Sendable>: @unchecked Sendable {
    private var items: [Result<T, any Error>?]
    private let lock = NSLock()
    init(_ count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<T, any Error>) { lock.lock(); items[i] = value; lock.unlock() }
    func results() throws -> [T] { try items.map { try $0!.get() } }
}

/// A short number for a label: 0.5, 2, 8, 1e+02.
func _short(_ v: Double) -> String { String(format: "%g", v) }
