import Foundation
import LindynModels
import LindynTheory
import Testing
@testable import LindynValidation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The numbers behind the generalisation figures, checked against closed forms computed here
/// independently (least squares by Gaussian elimination, the large-N limits of Advani & Saxe,
/// the discrete descent's own solution, the integrated flow), and the SVG they make.
@Suite struct GeneralisationFigureTests {
    /// Small sweeps: N = 40, two data sets per point.
    static let options = GeneralisationFigures.Options(
        inputs: 40, seeds: 2, alphas: [0.5, 1, 2], snrs: [1, 4], theoryPoints: 9, stoppingAlphas: [0.5, 2], stoppingSNRs: [0.3, 3])

    /// The curves of the first figure, computed once for the tests that read them.
    static let curves = Result { try GeneralisationFigures.errorCurves() }

    /// Solves `A x = b` (n x n, row-major) by Gaussian elimination with partial pivoting.
    static func solve(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var m = a, x = b
        for k in 0..<n {
            let p = (k..<n).max { abs(m[$0 * n + k]) < abs(m[$1 * n + k]) }!
            if p != k {
                for j in 0..<n { m.swapAt(k * n + j, p * n + j) }
                x.swapAt(k, p)
            }
            for i in (k + 1)..<n {
                let f = m[i * n + k] / m[k * n + k]
                for j in k..<n { m[i * n + j] -= f * m[k * n + j] }
                x[i] -= f * x[k]
            }
        }
        for k in stride(from: n - 1, through: 0, by: -1) {
            var s = x[k]
            for j in (k + 1)..<n { s -= m[k * n + j] * x[j] }
            x[k] = s / m[k * n + k]
        }
        return x
    }

    /// The limit of gradient flow from w = 0: the least-squares solution for P > N, the
    /// minimum-norm interpolant `X^T (X X^T)^{-1} y` for P < N.
    static func convergedWeights(_ m: RegressionModel) -> [Double] {
        let n = m.inputs, p = m.samples
        if p >= n { return solve(m.sigmaXX, m.sigmaYX, n) }
        var gram = [Double](repeating: 0, count: p * p)
        for a in 0..<p { for b in 0..<p { for i in 0..<n { gram[a * p + b] += m.x[a * n + i] * m.x[b * n + i] } } }
        let c = solve(gram, m.y, p)
        return (0..<n).map { i in (0..<p).reduce(0) { $0 + m.x[$1 * n + i] * c[$1] } }
    }

    static func testError(_ m: RegressionModel, _ w: [Double]) -> Double {
        zip(w, m.teacher).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(m.inputs) + m.task.noiseVariance
    }

    /// Every plotted finite-size point is the exact value of its seeded data set: at convergence
    /// against least squares solved here (1e-8 relative: the condition number of Sigma_xx or
    /// X X^T is below 40 at alpha = 2 and 1/2, N = 40, so elimination loses < 1e-13), at optimal
    /// stopping against the integrated weight flow at the plotted T* (tolerance 1e-12, so 1e-8
    /// leaves room for the error's growth over T* <= 1e3), and T* is a minimum of the curve.
    @Test func finiteSizePointsAreTheExactValues() throws {
        let o = Self.options
        let d = try GeneralisationFigures.doubleDescent(o)
        for (s, snr) in o.snrs.enumerated() {
            for (a, alpha) in o.alphas.enumerated() {
                for seed in 1...o.seeds {
                    let m = try GeneralisationFigures.dataSet(inputs: o.inputs, alpha: alpha, snr: snr, seed: seed)
                    let plotted = try #require(d.convergence[s][a].values[seed - 1])
                    if alpha != 1 {
                        let expected = Self.testError(m, Self.convergedWeights(m))
                        #expect(abs(plotted - expected) <= 1e-8 * expected, "alpha \(alpha) SNR \(snr) seed \(seed): \(plotted) vs \(expected)")
                    }
                    let stopped = try #require(d.stopped[s][a].values[seed - 1])
                    let T = try #require(d.stopped[s][a].times?[seed - 1] ?? nil)
                    let exact = try m.exactSolution()
                    for factor in [0.99, 1.01] { #expect(exact.errors(at: T * factor).test >= stopped - 1e-14) }
                    let text = #"{"model": {"kind": "regression", "inputs": \#(m.inputs), "samples": \#(m.samples), "teacher_variance": \#(m.task.teacherVariance), "noise_variance": \#(m.task.noiseVariance), "tau": 1, "seed": \#(seed)}, "time": {"end": \#(T), "at": [0, \#(T)]}, "solver": {"stepper": "rk8pd", "epsabs": 1e-12, "epsrel": 1e-12}}"#
                    let flow = try Simulation.integrate(try Problem.load(text: text))
                    let integrated = try #require(flow.column("test_error")?.last)
                    #expect(abs(integrated - stopped) <= 1e-8 * stopped, "alpha \(alpha) SNR \(snr) seed \(seed): flow \(integrated) vs plotted \(stopped)")
                }
                let mean = try #require(d.convergence[s][a].mean)
                let values = d.convergence[s][a].values.compactMap { $0 }
                #expect(abs(mean - values.reduce(0, +) / Double(values.count)) <= 1e-15 * mean)
            }
            // The finite-size peak: the error at convergence at alpha = 1 exceeds both neighbours'.
            let peak = try #require(d.convergence[s][1].mean), left = try #require(d.convergence[s][0].mean), right = try #require(d.convergence[s][2].mean)
            #expect(peak > left && peak > right, "SNR \(snr): \(left), \(peak), \(right)")
        }
    }

    /// The large-N lines: E_g(infinity) is Advani & Saxe's closed form (written out here) and
    /// infinite only at alpha = 1, the largest finite value sits next to alpha = 1, and optimal
    /// stopping removes the peak: finite everywhere, never above the untrained error 1
    /// (teacher + noise variance) or the error at convergence, and the true minimum over T.
    @Test func theoryLinesPeakAtAlphaOneAndEarlyStoppingRemovesIt() throws {
        let o = Self.options
        let d = try GeneralisationFigures.doubleDescent(o)
        let one = try #require(d.theoryAlphas.firstIndex(of: 1))
        #expect(d.theoryAlphas.first == 0.25 && d.theoryAlphas.last == 4)
        for (s, snr) in o.snrs.enumerated() {
            let sw = snr / (1 + snr), se = 1 / (1 + snr)
            for (k, alpha) in d.theoryAlphas.enumerated() {
                let line = d.theoryConvergence[s][k]
                if alpha == 1 {
                    #expect(line == nil)
                } else {
                    let expected = alpha < 1 ? se / (1 - alpha) + (1 - alpha) * sw : se * alpha / (alpha - 1)
                    let value = try #require(line)
                    #expect(abs(value - expected) <= 1e-12 * expected)
                }
                let stopped = d.theoryStopped[s][k]
                #expect(stopped.isFinite && stopped > se && stopped <= 1 + 1e-12)
                if let line { #expect(stopped <= line + 1e-12) }
                let theory = try RegressionTheory(alpha: alpha, task: try GeneralisationFigures.task(snr: snr))
                for T in stride(from: -2.0, through: 4, by: 0.25).map({ pow(10, $0) }) {
                    #expect(try theory.errors(at: T).test >= stopped - 1e-10 * stopped)
                }
            }
            let finite = d.theoryConvergence[s].enumerated().compactMap { k, v in v.map { (k, $0) } }
            let top = try #require(finite.max { $0.1 < $1.1 })
            #expect(abs(top.0 - one) == 1, "SNR \(snr): largest at alpha = \(d.theoryAlphas[top.0])")
            #expect(d.theoryStopped[s][one] < 1)
        }
    }

    /// The stopping-time line grows with the SNR (less noise, later stopping), and every
    /// finite-size T* is a minimum of its data set's exact test error.
    @Test func stoppingTimes() throws {
        let o = Self.options
        let d = try GeneralisationFigures.stoppingTimes(o)
        for a in d.alphas.indices {
            let times = d.theoryTimes[a].compactMap { $0 }
            #expect(times.count == d.theorySNRs.count)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "\(times)")
            for (s, snr) in d.snrs.enumerated() {
                for seed in 1...o.seeds {
                    let T = try #require(d.times[a][s].values[seed - 1])
                    let exact = try GeneralisationFigures.dataSet(inputs: o.inputs, alpha: d.alphas[a], snr: snr, seed: seed).exactSolution()
                    let at = exact.errors(at: T).test
                    for factor in [0.99, 1.01] { #expect(exact.errors(at: T * factor).test >= at - 1e-14) }
                }
            }
        }
    }

    /// The curves of the first figure: the integrated flow on the closed form (1e-6 of the
    /// largest error: the problems' default tolerances), the regression's descent on the exact
    /// solution of the discrete iteration `w_k = c (1 - (1 - lam/tau)^k)/lam` in the eigenbasis
    /// (1e-9: rounding over 400 steps), and the marked stopping time the minimum of the line.
    @Test func errorCurvesAgreeThreeWays() throws {
        let curves = try Self.curves.get()
        #expect(curves.map(\.name) == ["regression", "teacher-network"])
        for c in curves {
            let scale = (c.formulaTest + c.formulaTrain).max()!
            #expect(c.flowTimes == c.formulaTimes)
            for (a, b) in zip(c.flowTest + c.flowTrain, c.formulaTest + c.formulaTrain) { #expect(abs(a - b) <= 1e-6 * scale) }
            let t = try #require(c.stoppingEpoch), e = try #require(c.stoppingTestError)
            #expect(t > 0 && t < c.formulaTimes.last!)
            #expect(c.formulaTest.allSatisfy { $0 >= e - 1e-12 })
            #expect(c.formulaTest.last! > e * 1.05, "\(c.name): the test error should rise after t*")
        }
        let r = curves[0]
        let problem = try Problem.load(text: r.problem)
        let model = try #require(problem.dynamics as? RegressionModel)
        let exact = try model.exactSolution()
        let tau = model.tauValue
        for (k, t) in r.descentTimes.enumerated() {
            var test = 0.0
            for i in 0..<model.inputs {
                let lam = exact.eigenvalues[i]
                let w = lam > 0 ? exact.projectedCorrelation[i] * (1 - pow(1 - lam / tau, t)) / lam : exact.projectedCorrelation[i] * t / tau
                test += (w - exact.projectedTeacher[i]) * (w - exact.projectedTeacher[i])
            }
            test = test / Double(model.inputs) + model.task.noiseVariance
            #expect(abs(r.descentTest[k] - test) <= 1e-9 * test, "epoch \(t)")
        }
    }

    /// The SVG files parse as XML, carry the provenance metadata, hold the expected series and
    /// legend entries, and are drawn again identically from the saved numbers.
    @Test func figuresAreWellFormedAndRedrawFromTheirNumbers() throws {
        let o = Self.options
        let data = GeneralisationFigures.Data(
            options: o, curves: try Self.curves.get(), doubleDescent: try GeneralisationFigures.doubleDescent(o), stopping: try GeneralisationFigures.stoppingTimes(o))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lindyn-genfig-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try GeneralisationFigures.encode(data).write(to: dir.appendingPathComponent(GeneralisationFigures.dataFileName))
        let files = try GeneralisationFigures.write(data, into: dir.appendingPathComponent("plots"), metadata: #"{"command": "test"}"#)
        #expect(files.map { $0.deletingPathExtension().lastPathComponent } == GeneralisationFigures.figureNames)
        let expected: [[String]] = [
            ["(closed form)", "train (1/P) sum (y - w.x)^2", "test ||W - Wbar||^2 / ||Wbar||^2", "gradient descent", "flow (", "optimal stopping t* ="],
            ["SNR 1", "SNR 4", "theory, t -> infinity", "theory, optimal stopping", "N = 40, t -> infinity", "theory infinite at alpha = 1"],
            ["alpha = 0.5, large-N theory", "alpha = 2, N = 40"],
        ]
        for (file, texts) in zip(files, expected) {
            let svg = try String(contentsOf: file, encoding: .utf8)
            let doc = XMLShape(svg)
            #expect(doc.error == nil, "\(file.lastPathComponent): \(String(describing: doc.error))")
            #expect(doc.count("metadata") == 1)
            #expect(svg.contains("command"))
            #expect(doc.count("polyline") >= 4)
            for text in texts { #expect(doc.text.contains(text), "\(file.lastPathComponent) lacks \(text)") }
            #expect(!svg.contains("nan") && !svg.contains("inf\""))
        }
        // Infinite values are saved as null and read back: the redraw is the same drawing.
        let json = try String(contentsOf: dir.appendingPathComponent(GeneralisationFigures.dataFileName), encoding: .utf8)
        #expect(json.contains("null"))
        #expect(try GeneralisationFigures.decode(Data(json.utf8)) == data)
        let again = try GeneralisationFigures.redraw(from: dir, into: dir.appendingPathComponent("again"), metadata: #"{"command": "test"}"#)
        for (a, b) in zip(files, again) { #expect(try Data(contentsOf: a) == Data(contentsOf: b)) }
        // No numbers file: nothing to redraw; a damaged one: refused with the file named.
        #expect(try GeneralisationFigures.redraw(from: dir.appendingPathComponent("plots"), into: dir, metadata: nil).isEmpty)
        try Data("{\"format\": 1}".utf8).write(to: dir.appendingPathComponent(GeneralisationFigures.dataFileName))
        #expect { try GeneralisationFigures.redraw(from: dir, into: dir, metadata: nil) } throws: { error in
            guard case .figure(let figure)? = error as? ValidationRunError else { return false }
            return figure.description.contains("not the numbers of the generalisation figures")
        }
    }
}

/// Element counts and the text of an SVG document, parsed with Foundation's XMLParser.
final class XMLShape: NSObject, XMLParserDelegate {
    private(set) var names: [String] = []
    private(set) var text = ""
    private(set) var error: Error?

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { error = parser.parserError ?? CocoaError(.coderReadCorrupt) }
    }

    func count(_ name: String) -> Int { names.filter { $0 == name }.count }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        names.append(elementName)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) { text += "\n" }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}
