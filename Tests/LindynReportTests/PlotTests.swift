import Foundation
import Testing
@testable import LindynReport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an SVG document, parsed with Foundation's XMLParser.
final class SVGDocument: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        /// The `class` attributes of the enclosing elements, outermost first.
        var ancestorClasses: [String]
        var text = ""
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []
    private(set) var parseError: Error?

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError ?? CocoaError(.coderReadCorrupt) }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:])
    {
        let classes = stack.compactMap { elements[$0].attributes["class"] }
        elements.append(Element(name: elementName, attributes: attributeDict, ancestorClasses: classes))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        for index in stack { elements[index].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: Error) { parseError = error }

    func count(_ name: String, inside className: String? = nil) -> Int {
        elements.filter { $0.name == name && (className == nil || $0.ancestorClasses.contains(className!)) }.count
    }

    /// The texts of `<text>` elements with class `className`, in document order.
    func texts(class className: String) -> [String] {
        elements.filter { $0.name == "text" && $0.attributes["class"] == className }.map(\.text)
    }
}

/// The trajectory of one mode, u(t) = (s E) / (E − 1 + s/u0) with E = exp(2 s t / τ).
func modeStrength(_ t: Double, s: Double = 3, u0: Double = 0.001, tau: Double = 200) -> Double {
    let e = exp(2 * s * t / tau)
    return s * e / (e - 1 + s / u0)
}

@Suite("Plots")
struct PlotTests {
    static func seedPlot(title: String = "No regularisation", s: Double = 3) -> Plot {
        var plot = Plot(title: title, xLabel: "Epoch (t)", yLabel: "Mode strength")
        let t = stride(from: 0.0, through: 1000, by: 5).map { $0 }
        let points = stride(from: 0.0, through: 1000, by: 40).map { $0 }
        plot.addScatter(x: points, y: points.map { modeStrength($0, s: s) * (1 + 0.02 * sin($0)) }, label: "Simulated")
        plot.addLine(x: t, y: t.map { modeStrength($0, s: s) }, label: "Theory", color: .black, style: .dashed)
        return plot
    }

    @Test func svgParsesAndHasOneElementPerSeriesAndPoint() throws {
        let svg = Self.seedPlot().svg()
        let document = SVGDocument(svg)
        #expect(document.parseError == nil)
        #expect(document.elements.first?.name == "svg")
        #expect(document.count("polyline", inside: "series") == 1)
        #expect(document.count("circle", inside: "series") == 26)
        #expect(document.count("circle", inside: "legend") == 1)
        #expect(document.texts(class: "legend-label") == ["Simulated", "Theory"])
        #expect(document.texts(class: "axis-label") == ["Epoch (t)", "Mode strength"])
        #expect(document.texts(class: "title") == ["No regularisation"])
        #expect(svg.contains("stroke-dasharray"))
    }

    @Test func linearTicksForZeroToThousand() {
        var plot = Plot(xLabel: "x", yLabel: "y")
        plot.addLine(x: [0, 1000], y: [0, 3.5])
        let labels = SVGDocument(plot.svg()).texts(class: "tick-label")
        #expect(Array(labels.prefix(6)) == ["0", "200", "400", "600", "800", "1000"])
        #expect(Array(labels.dropFirst(6)) == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5"])
    }

    @Test(arguments: [
        (0.0, 1000.0, [0.0, 200, 400, 600, 800, 1000]),
        (0.0, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (-3.0, 7.0, [-2.0, 0, 2, 4, 6]),
        (-0.175, 3.675, [0.0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]),
        (0.0, 35.0, [0.0, 10, 20, 30]),
    ])
    func niceTicks(low: Double, high: Double, expected: [Double]) {
        let ticks = _Ticks.linear(low: low, high: high, maxTicks: low < 0 ? 8 : 6).map(\.value)
        #expect(ticks.count == expected.count)
        for (tick, value) in zip(ticks, expected) { #expect(abs(tick - value) < 1e-12) }
    }

    @Test func tickStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        // Seeded (SplitMix64): the same 500 ranges every run, so a failure reproduces.
        var generator = SplitMix64(state: 20_261_201)
        for _ in 0..<500 {
            let low = Double.random(in: -1e6...1e6, using: &generator) * pow(10, Double.random(in: -8...0, using: &generator))
            let high = low + pow(10, Double.random(in: -9...7, using: &generator))
            let step = _Ticks.niceStep(low: low, high: high)
            let mantissa = step / pow(10, log10(step).rounded(.down))
            #expect([1, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "\(low)...\(high): \(step)")
            let ticks = _Ticks.linear(low: low, high: high)
            #expect(ticks.count >= 2 && ticks.count <= 7, "\(low)...\(high): \(ticks.count)")
            #expect(ticks.allSatisfy { $0.value >= low - step * 1e-6 && $0.value <= high + step * 1e-6 })
        }
    }

    @Test func tinyAndHugeTickLabelsUsePowersOfTen() {
        let tiny = _Ticks.linear(low: 0, high: 3e-5).compactMap(\.label)
        #expect(tiny.first == _Label("0"))
        #expect(tiny.contains(_Label("10", superscript: "\u{2212}5")))
        #expect(tiny.contains(_Label("2.5\u{D7}10", superscript: "\u{2212}5")))
        let huge = _Ticks.linear(low: 0, high: 1e6, maxTicks: 6).compactMap(\.label)
        #expect(huge.contains(_Label("10", superscript: "6")))
        #expect(_Ticks.linear(low: -1, high: 1).compactMap(\.label?.base).first == "\u{2212}1.0")
    }

    @Test func logAxisHasDecades() {
        var plot = Plot(xLabel: "t", yLabel: "error", yScale: .log)
        plot.yAxis.minorTicks = true
        plot.yAxis.range = 1e-8...1
        plot.addLine(x: [0, 1, 2, 3], y: [1e-8, 1e-5, 1e-3, 1])
        let svg = plot.svg()
        let document = SVGDocument(svg)
        #expect(document.parseError == nil)
        let yLabels = document.elements.filter { $0.name == "text" && $0.attributes["class"] == "tick-label" && $0.ancestorClasses.contains("y-ticks") }
            .map(\.text)
        #expect(yLabels == ["10\u{2212}8", "10\u{2212}7", "10\u{2212}6", "10\u{2212}5", "10\u{2212}4", "10\u{2212}3", "10\u{2212}2", "10\u{2212}1", "100"])
        #expect(svg.contains("10<tspan dy=\"-0.5em\" font-size=\"75%\">\u{2212}8</tspan>"))
        // 8 minor ticks in each of the 8 full decades between the labels.
        let yTickLines = document.elements.filter { $0.name == "line" && $0.ancestorClasses.contains("y-ticks") }
        #expect(yTickLines.count == 9 + 8 * 8)
    }

    @Test func logTicksThinOutAndFallBackOnShortRanges() {
        let wide = _Ticks.log(low: 1e-30, high: 1e10)
        #expect(wide.count <= 9 && wide.count >= 4)
        #expect(wide.allSatisfy { $0.label?.base == "10" })
        let short = _Ticks.log(low: 1.5, high: 8).compactMap(\.label?.base)
        #expect(short == ["2", "5"] || short == ["2", "3", "4", "5", "6", "7", "8"])
        #expect(_Ticks.log(low: 0.02, high: 0.6).compactMap(\.label?.base) == ["0.02", "0.05", "0.1", "0.2", "0.5"])
    }

    @Test func nonFiniteInputNeverReachesTheSVG() {
        var plot = Plot(title: "Bad data", xLabel: "x", yLabel: "y", yScale: .log)
        plot.addLine(x: [0, 1, 2, .nan, 4, 5, 6], y: [1, 2, .infinity, 3, -1, 5, 6], label: "line")
        plot.addScatter(x: [.nan, 1, 2, .infinity], y: [1, .nan, 0, 4], label: "points")
        plot.addLine(x: [.nan, .nan], y: [.nan, .nan], label: "empty")
        var linear = Plot(xLabel: "x", yLabel: "y")
        linear.addLine(x: [.nan], y: [.infinity])
        linear.addScatter(x: [1e308, -1e308, 0], y: [1e308, 1, -1e308])
        let heatmap = Heatmap(x: [1, 2], y: [1, 2], values: [[.nan, .infinity], [-.infinity, .nan]], colorScale: .log)
        for svg in [plot.svg(), linear.svg(), heatmap.svg(), Figure(panels: [.plot(plot), .heatmap(heatmap)]).svg()] {
            let lower = svg.lowercased()
            #expect(!lower.contains("nan"))
            #expect(!lower.contains("inf"))
            #expect(SVGDocument(svg).parseError == nil)
        }
        let document = SVGDocument(plot.svg())
        // The line breaks at the skipped points: [0,1], then [5,6] (x=4 has y=-1, invalid on log).
        #expect(document.count("polyline", inside: "series") == 2)
    }

    @Test func linesAreClippedToTheRange() {
        var plot = Plot(xAxis: Axis(range: 0...10), yAxis: Axis(range: 0...1))
        plot.addLine(x: [-100, 5, 100], y: [0.5, 0.5, 0.5])
        plot.addLine(x: [0, 1, 2, 3], y: [5, 5, 5, 5])
        plot.addLine(x: [1, 2, 3, 4], y: [0.5, 2, 0.5, 2])
        let document = SVGDocument(plot.svg())
        #expect(document.count("polyline", inside: "series") == 3)
        let points = document.elements.filter { $0.name == "polyline" }.flatMap {
            ($0.attributes["points"] ?? "").split(separator: " ").flatMap { $0.split(separator: ",").compactMap { Double($0) } }
        }
        #expect(points.allSatisfy { $0 >= 0 && $0 <= 640 })
    }

    @Test func clippedRunsSplitWhereTheLineLeaves() {
        let runs = _clippedRuns([(0.1, 0.5), (0.5, 2), (0.9, 0.5), nil, (0.2, 0.2), (0.3, 0.3)], margin: 0)
        #expect(runs.count == 3)
        #expect(runs[0].count == 2 && abs(runs[0][1].1 - 1) < 1e-12)
        #expect(runs[2].count == 2)
    }

    @Test func legendAvoidsTheData() {
        var plot = Plot(xLabel: "x", yLabel: "y")
        // Data fills the upper right; the legend should go elsewhere.
        let xs = stride(from: 0.0, through: 1, by: 0.01).map { $0 }
        plot.addLine(x: xs, y: xs.map { $0 * $0 * $0 }, label: "cubic")
        let document = SVGDocument(plot.svg())
        let box = document.elements.first { $0.name == "rect" && $0.ancestorClasses == ["plot", "legend"] }
        let x = Double(box?.attributes["x"] ?? "") ?? 0
        let y = Double(box?.attributes["y"] ?? "") ?? 0
        #expect(x < 320 && y < 220, "legend at \(x), \(y)")
        plot.legend = .hidden
        #expect(SVGDocument(plot.svg()).count("g", inside: "plot") == SVGDocument(plot.svg()).elements.filter { $0.name == "g" && $0.attributes["class"] != "legend" && $0.ancestorClasses.contains("plot") }.count)
        #expect(!plot.svg().contains("class=\"legend\""))
    }

    @Test func colorsComeFromThePaletteUnlessGiven() {
        var plot = Plot(xLabel: nil, yLabel: nil)
        plot.addLine(x: [0, 1], y: [0, 1])
        plot.addLine(x: [0, 1], y: [1, 0], color: Color(hex: "#123456"))
        let strokes = SVGDocument(plot.svg()).elements.filter { $0.name == "polyline" }.map { $0.attributes["stroke"] }
        #expect(strokes == [Color.palette(0).hex, "#123456"])
        #expect(Color.palette(8) == Color.palette(0))
        #expect(Color(hex: "zzzzzz") == nil)
    }

    @Test func textIsEscaped() {
        #expect(xmlEscape("a<b & \"c\" 'd'>\u{01}") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
        var plot = Plot(title: "<Dropout & \"decay\">", xLabel: "λ < 1", yLabel: "u'")
        plot.addLine(x: [0, 1], y: [0, 1], label: "a&b")
        let document = SVGDocument(plot.svg())
        #expect(document.parseError == nil)
        #expect(document.texts(class: "title") == ["<Dropout & \"decay\">"])
        #expect(document.texts(class: "legend-label") == ["a&b"])
    }
}

@Suite("Heatmaps and figures")
struct HeatmapFigureTests {
    static let heatmap = Heatmap(
        x: [0.5, 1, 2, 4], y: [1e-3, 1e-2, 1e-1],
        values: [[1e-9, 1e-8, 1e-7, 1e-6], [1e-8, .nan, 1e-6, 1e-5], [1e-7, 1e-6, 1e-5, 1e-4]],
        title: "Max relative error", xLabel: "s", yLabel: "u0", colorScale: .log, colorBarLabel: "error",
        showsValues: true)

    @Test func heatmapHasACellPerValueAndAColourBar() {
        let svg = Self.heatmap.svg()
        let document = SVGDocument(svg)
        #expect(document.parseError == nil)
        #expect(document.count("rect", inside: "cells") == 12)
        let fills = document.elements.filter { $0.name == "rect" && $0.ancestorClasses.last == "cells" }.map { $0.attributes["fill"] ?? "" }
        #expect(fills.filter { $0 == "#d9d9d9" }.count == 1)
        #expect(fills.first == _viridisColor(0).hex && fills.last == _viridisColor(1).hex)
        #expect(document.count("stop", inside: "colorbar") == 11)
        let barLabels = document.elements.filter { $0.name == "text" && $0.ancestorClasses.last == "colorbar" && $0.attributes["class"] == "tick-label" }.map(\.text)
        #expect(barLabels == ["10\u{2212}9", "10\u{2212}8", "10\u{2212}7", "10\u{2212}6", "10\u{2212}5", "10\u{2212}4"])
        #expect(document.texts(class: "tick-label").prefix(4) == ["0.5", "1", "2", "4"])
        #expect(document.texts(class: "cell-value").count == 12)
    }

    @Test func linearColourScale() {
        let map = Heatmap(x: [1, 2], y: [1], values: [[0, 10]])
        let fills = SVGDocument(map.svg()).elements.filter { $0.name == "rect" && $0.ancestorClasses.last == "cells" }.map { $0.attributes["fill"] }
        #expect(fills == [_viridisColor(0).hex, _viridisColor(1).hex])
        #expect(_viridisColor(0.5).hex == "#21918c")
    }

    @Test func sideBySidePanelsShareTheYRange() {
        let left = PlotTests.seedPlot(title: "No regularisation", s: 3)
        let right = PlotTests.seedPlot(title: "Dropout", s: 2)
        let figure = Figure([left, right], title: "Mode strength", sharesYRange: true)
        #expect(figure.size.width == 1120)
        let document = SVGDocument(figure.svg())
        #expect(document.parseError == nil)
        #expect(document.count("g", inside: nil) >= 2)
        #expect(document.elements.filter { $0.attributes["class"] == "plot" }.count == 2)
        #expect(document.count("polyline", inside: "series") == 2)
        let yLabels = document.elements.filter { $0.attributes["class"] == "tick-label" && $0.ancestorClasses.last == "y-ticks" }.map(\.text)
        #expect(yLabels.count % 2 == 0)
        #expect(Array(yLabels.prefix(yLabels.count / 2)) == Array(yLabels.suffix(yLabels.count / 2)))
        #expect(document.texts(class: "figure-title") == ["Mode strength"])
        let clips = document.elements.filter { $0.name == "clipPath" }.compactMap { $0.attributes["id"] }
        #expect(Set(clips).count == 2)
    }

    @Test func gridOfPanelsFillsRows() {
        let figure = Figure(panels: [.plot(PlotTests.seedPlot()), .heatmap(Self.heatmap), .plot(PlotTests.seedPlot())], columns: 2)
        #expect(figure.rows == 2)
        #expect(figure.size.height == 840)
        #expect(SVGDocument(figure.svg()).parseError == nil)
    }

    /// Writes sample figures for a visual check when LINDYN_REPORT_SAMPLES names a directory.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LINDYN_REPORT_SAMPLES"] != nil))
    func writeSamples() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LINDYN_REPORT_SAMPLES"]!)
        let figure = Figure([PlotTests.seedPlot(title: "No regularisation", s: 3), PlotTests.seedPlot(title: "Dropout", s: 2)],
                            sharesYRange: true)
        try figure.write(to: directory.appendingPathComponent("dropout.svg"))
        var log = Plot(title: "Error against step", xLabel: "h", yLabel: "max error", xScale: .log, yScale: .log)
        log.xAxis.minorTicks = true
        log.yAxis.minorTicks = true
        let h = (0..<20).map { pow(10, -4 + Double($0) * 0.2) }
        log.addLine(x: h, y: h.map { 3 * pow($0, 4) }, label: "rk4, slope 4")
        log.addScatter(x: h, y: h.map { 3 * pow($0, 4) * 1.3 }, label: "measured", marker: .diamond)
        log.addLine(x: h, y: h.map { 0.5 * $0 * $0 }, label: "rk2, slope 2", style: .dotted)
        try log.write(to: directory.appendingPathComponent("log.svg"))
        try Self.heatmap.write(to: directory.appendingPathComponent("heatmap.svg"))
    }
}
