import Foundation

/// A grid of values over two parameter axes, as coloured cells with a colour bar: for maps of an
/// error against two parameters.
///
/// `values[j][i]` belongs to `y[j]` and `x[i]`; rows are drawn bottom (`j = 0`) to top. Cells are
/// equal in size whatever the spacing of the parameters, each axis labelled with its parameter
/// values. Colours follow viridis (perceptually uniform and colour-blind-safe), on a linear or
/// log colour scale. Cells whose value is non-finite (or non-positive on a log scale) are grey.
public struct Heatmap: Sendable, Hashable {
    /// The title above the map; `nil` for none.
    public var title: String?
    /// The horizontal axis title.
    public var xLabel: String?
    /// The vertical axis title.
    public var yLabel: String?
    /// The parameter values along the horizontal axis, one per column of cells.
    public var x: [Double]
    /// The parameter values along the vertical axis, one per row of cells.
    public var y: [Double]
    /// The cell values, `values[j][i]` at `(x[i], y[j])`.
    public var values: [[Double]]
    /// Linear or logarithmic colour scale.
    public var colorScale: Scale
    /// The values mapped to the ends of the colour bar; `nil` spans the valid values. Values
    /// outside are drawn in the end colours.
    public var colorRange: ClosedRange<Double>?
    /// The colour bar's title.
    public var colorBarLabel: String?
    /// Writes each cell's value (3 significant digits) in the cell.
    public var showsValues: Bool

    /// A heat map of `values` over `x` and `y`.
    ///
    /// - Precondition: one row of `values` per `y`, one value per `x` in each row.
    public init(x: [Double], y: [Double], values: [[Double]], title: String? = nil, xLabel: String? = nil,
                yLabel: String? = nil, colorScale: Scale = .linear, colorRange: ClosedRange<Double>? = nil,
                colorBarLabel: String? = nil, showsValues: Bool = false)
    {
        precondition(values.count == y.count, "a heatmap needs one row of values per y value")
        precondition(values.allSatisfy { $0.count == x.count }, "a heatmap needs one value per x value in each row")
        self.x = x
        self.y = y
        self.values = values
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorScale = colorScale
        self.colorRange = colorRange
        self.colorBarLabel = colorBarLabel
        self.showsValues = showsValues
    }

    /// The SVG document of the heatmap alone.
    public func svg(width: Double = 640, height: Double = 480) -> String {
        Figure(panels: [.heatmap(self)], columns: 1, panelWidth: width, panelHeight: height).svg()
    }

    /// Writes ``svg(width:height:)`` to `url` atomically, with `metadata` in its `<metadata>`
    /// element (see ``Figure/metadata``).
    public func write(to url: URL, width: Double = 640, height: Double = 480, metadata: String? = nil) throws(ReportError) {
        var figure = Figure(panels: [.heatmap(self)], columns: 1, panelWidth: width, panelHeight: height)
        figure.metadata = metadata
        try writeAtomically(figure.svg(), to: url)
    }
}

/// Viridis (van der Walt & Smith, matplotlib 2015) sampled at 0, 0.1, …, 1.
let _viridis: [(Double, Double, Double)] = [
    (0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5f, 0x8d), (0x2a, 0x78, 0x8e),
    (0x21, 0x91, 0x8c), (0x22, 0xa8, 0x84), (0x44, 0xbf, 0x70), (0x7a, 0xd1, 0x51), (0xbd, 0xdf, 0x26),
    (0xfd, 0xe7, 0x25),
]

/// The viridis colour at `t` in [0, 1] (clamped), interpolated linearly between samples.
func _viridisColor(_ t: Double) -> Color {
    let s = min(max(t.isFinite ? t : 0, 0), 1) * Double(_viridis.count - 1)
    let i = min(Int(s), _viridis.count - 2)
    let f = s - Double(i)
    let a = _viridis[i]
    let b = _viridis[i + 1]
    func mix(_ p: Double, _ q: Double) -> UInt8 { UInt8(min(255, max(0, (p + f * (q - p)).rounded()))) }
    return Color(red: mix(a.0, b.0), green: mix(a.1, b.1), blue: mix(a.2, b.2))
}

extension Heatmap {
    func _render(into svg: inout _SVG, frame: _Rect, id: String) {
        let transformed = values.map { row in row.map { colorScale.transform($0) } }
        var range: ClosedRange<Double>
        if let colorRange, let low = colorScale.transform(colorRange.lowerBound),
            let high = colorScale.transform(colorRange.upperBound), high > low
        {
            range = low...high
        } else if let extent = Axis._extent(values.joined(), scale: colorScale) {
            range = extent
            if range.upperBound - range.lowerBound <= max(abs(range.lowerBound), abs(range.upperBound)) * 1e-12 {
                range = Axis._padded(extent)
            }
        } else {
            range = 0...1
        }
        let colorTicks: [_Tick]
        switch colorScale {
        case .linear:
            colorTicks = _Ticks.linear(low: range.lowerBound, high: range.upperBound, maxTicks: 6).filter { $0.label != nil }
        case .log:
            colorTicks = _Ticks.log(low: pow(10, range.lowerBound), high: pow(10, range.upperBound), maxTicks: 8)
                .map { _Tick(value: log10($0.value), label: $0.label) }
        }

        let xLabels = x.map { _Label(_Ticks.compact($0)) }
        let yLabels = y.map { _Label(_Ticks.compact($0)) }
        let yLabelWidth = yLabels.map { $0.width(fontSize: _fontSize) }.max() ?? 0
        let barLabelWidth = colorTicks.compactMap { $0.label?.width(fontSize: _fontSize) }.max() ?? 0
        let top = frame.y0 + (title == nil ? 14 : 34)
        let bottom = frame.y1 - (8 + _fontSize + 8 + (xLabel == nil ? 0 : _labelFontSize + 10))
        let left = frame.x0 + 10 + (yLabel == nil ? 0 : _labelFontSize + 10) + yLabelWidth + 8
        let barWidth = 16.0
        let right = frame.x1 - (14 + barWidth + 8 + barLabelWidth + (colorBarLabel == nil ? 0 : _labelFontSize + 14) + 10)
        let area = _Rect(x0: left, y0: top, x1: max(left + 10, right), y1: max(top + 10, bottom))
        let columns = max(1, x.count)
        let rows = max(1, y.count)
        let cellWidth = area.width / Double(columns)
        let cellHeight = area.height / Double(rows)

        svg.raw("<g class=\"heatmap\">")
        svg.raw("<g class=\"cells\">")
        for (j, row) in transformed.enumerated() {
            for (i, value) in row.enumerated() {
                let t = value.map { ($0 - range.lowerBound) / (range.upperBound - range.lowerBound) }
                let fill = t.map { _viridisColor($0).hex } ?? "#d9d9d9"
                let cx = area.x0 + Double(i) * cellWidth
                let cy = area.y1 - Double(j + 1) * cellHeight
                svg.element("rect", [("x", _svgNumber(cx)), ("y", _svgNumber(cy)), ("width", _svgNumber(cellWidth + 0.3)),
                                     ("height", _svgNumber(cellHeight + 0.3)), ("fill", fill)])
                if showsValues {
                    let light = (t ?? 1) < 0.55
                    svg.text(_Label(_Ticks.compact(values[j][i])), x: cx + cellWidth / 2, y: cy + cellHeight / 2 + _fontSize * 0.35,
                             anchor: "middle", fontSize: min(_fontSize, cellHeight * 0.6),
                             color: light ? "#ffffff" : "#000000", className: "cell-value")
                }
            }
        }
        svg.raw("</g>")
        svg.element("rect", [("x", _svgNumber(area.x0)), ("y", _svgNumber(area.y0)), ("width", _svgNumber(area.width)),
                             ("height", _svgNumber(area.height)), ("fill", "none"), ("stroke", _axisColor), ("stroke-width", "1")])

        // Axis labels at cell centres, thinned so they do not overlap.
        let widestX = xLabels.map { $0.width(fontSize: _fontSize) }.max() ?? 0
        let xStride = max(1, Int(((widestX + 8) / max(1, cellWidth)).rounded(.up)))
        for (i, label) in xLabels.enumerated() where i % xStride == 0 {
            let cx = area.x0 + (Double(i) + 0.5) * cellWidth
            svg.element("line", [("x1", _svgNumber(cx)), ("y1", _svgNumber(area.y1)), ("x2", _svgNumber(cx)),
                                 ("y2", _svgNumber(area.y1 + 5)), ("stroke", _axisColor), ("stroke-width", "1")])
            svg.text(label, x: cx, y: area.y1 + 8 + _fontSize, anchor: "middle", fontSize: _fontSize, className: "tick-label")
        }
        let yStride = max(1, Int(((_fontSize + 4) / max(1, cellHeight)).rounded(.up)))
        for (j, label) in yLabels.enumerated() where j % yStride == 0 {
            let cy = area.y1 - (Double(j) + 0.5) * cellHeight
            svg.element("line", [("x1", _svgNumber(area.x0 - 5)), ("y1", _svgNumber(cy)), ("x2", _svgNumber(area.x0)),
                                 ("y2", _svgNumber(cy)), ("stroke", _axisColor), ("stroke-width", "1")])
            svg.text(label, x: area.x0 - 8, y: cy + _fontSize * 0.35, anchor: "end", fontSize: _fontSize, className: "tick-label")
        }
        if let xLabel {
            svg.text(_Label(xLabel), x: (area.x0 + area.x1) / 2, y: frame.y1 - 10, anchor: "middle",
                     fontSize: _labelFontSize, className: "axis-label")
        }
        if let yLabel {
            svg.text(_Label(yLabel), x: frame.x0 + 10 + _labelFontSize * 0.8, y: (area.y0 + area.y1) / 2,
                     anchor: "middle", fontSize: _labelFontSize, rotate: true, className: "axis-label")
        }
        if let title {
            svg.text(_Label(title), x: (area.x0 + area.x1) / 2, y: frame.y0 + 22, anchor: "middle",
                     fontSize: _titleFontSize, className: "title")
        }

        // Colour bar: a vertical gradient, low at the bottom.
        let bar = _Rect(x0: area.x1 + 14, y0: area.y0, x1: area.x1 + 14 + barWidth, y1: area.y1)
        let gradientID = "colorbar-\(id)"
        var stops = ""
        for (k, _) in _viridis.enumerated() {
            let t = Double(k) / Double(_viridis.count - 1)
            stops += "<stop offset=\"\(_svgNumber(t))\" stop-color=\"\(_viridisColor(t).hex)\"/>"
        }
        svg.raw("<g class=\"colorbar\">")
        svg.raw("<defs><linearGradient id=\"\(gradientID)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\(stops)</linearGradient></defs>")
        svg.element("rect", [("x", _svgNumber(bar.x0)), ("y", _svgNumber(bar.y0)), ("width", _svgNumber(barWidth)),
                             ("height", _svgNumber(bar.height)), ("fill", "url(#\(gradientID))"),
                             ("stroke", _axisColor), ("stroke-width", "1")])
        for tick in colorTicks {
            guard let label = tick.label else { continue }
            let ty = bar.y1 - (tick.value - range.lowerBound) / (range.upperBound - range.lowerBound) * bar.height
            svg.element("line", [("x1", _svgNumber(bar.x1)), ("y1", _svgNumber(ty)), ("x2", _svgNumber(bar.x1 + 4)),
                                 ("y2", _svgNumber(ty)), ("stroke", _axisColor), ("stroke-width", "1")])
            svg.text(label, x: bar.x1 + 7, y: ty + _fontSize * 0.35, anchor: "start", fontSize: _fontSize, className: "tick-label")
        }
        if let colorBarLabel {
            svg.text(_Label(colorBarLabel), x: bar.x1 + 7 + barLabelWidth + 8 + _labelFontSize * 0.8, y: (bar.y0 + bar.y1) / 2,
                     anchor: "middle", fontSize: _labelFontSize, rotate: true, className: "axis-label")
        }
        svg.raw("</g>")
        svg.raw("</g>")
    }
}
