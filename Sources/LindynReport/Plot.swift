import Foundation

/// An sRGB colour.
public struct Color: Sendable, Hashable {
    /// Red channel, 0-255.
    public var red: UInt8
    /// Green channel, 0-255.
    public var green: UInt8
    /// Blue channel, 0-255.
    public var blue: UInt8

    /// A colour from its three channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from `#rrggbb` or `rrggbb`; `nil` if malformed.
    public init?(hex: String) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else {
            return nil
        }
        self.init(red: UInt8(value >> 16), green: UInt8((value >> 8) & 0xFF), blue: UInt8(value & 0xFF))
    }

    /// `#rrggbb` in lowercase.
    public var hex: String {
        "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), distinguishable with
    /// the common colour-vision deficiencies: blue, vermillion, bluish green, orange, reddish
    /// purple, sky blue, black, yellow (last: faint on white).
    public static let okabeIto: [Color] = [
        "#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7", "#56b4e9", "#000000", "#f0e442",
    ].map { Color(hex: $0)! }

    /// The `index`-th colour of ``okabeIto``, cycling.
    public static func palette(_ index: Int) -> Color {
        okabeIto[((index % okabeIto.count) + okabeIto.count) % okabeIto.count]
    }

    /// `#000000`.
    public static let black = Color(red: 0, green: 0, blue: 0)
    /// `#808080`, for reference lines and grid strokes.
    public static let gray = Color(red: 0x80, green: 0x80, blue: 0x80)
}

/// How a line is stroked.
public enum LineStyle: Sendable, Hashable, CaseIterable {
    /// An unbroken line.
    case solid
    /// Dashes four line widths long.
    case dashed
    /// Dots one line width long.
    case dotted
    /// Alternating dashes and dots.
    case dashDot

    /// The SVG `stroke-dasharray` for a line of `width`, or `nil` when solid.
    func dashArray(width: Double) -> String? {
        let w = max(1, width)
        switch self {
        case .solid: return nil
        case .dashed: return "\(_svgNumber(4 * w)) \(_svgNumber(2.5 * w))"
        case .dotted: return "\(_svgNumber(w)) \(_svgNumber(1.8 * w))"
        case .dashDot: return "\(_svgNumber(4 * w)) \(_svgNumber(2 * w)) \(_svgNumber(w)) \(_svgNumber(2 * w))"
        }
    }
}

/// The shape of scatter markers.
public enum MarkerShape: Sendable, Hashable, CaseIterable {
    /// A filled circle.
    case circle
    /// A filled square.
    case square
    /// A filled square standing on a corner.
    case diamond
    /// A filled triangle pointing up.
    case triangle
}

/// A data series of a ``Plot``: a line through the points, markers at the points, or both.
///
/// Points with a non-finite coordinate (or a non-positive one on a log axis) are skipped; a line
/// is broken at them.
public struct Series: Sendable, Hashable {
    /// How the points are drawn.
    public enum Kind: Sendable, Hashable {
        /// A line through the points.
        case line
        /// A marker at each point.
        case scatter
        /// A line through the points and a marker at each.
        case lineWithMarkers
    }

    /// The legend entry; `nil` keeps the series out of the legend.
    public var label: String?
    /// The x coordinates.
    public var x: [Double]
    /// The y coordinates, one per x.
    public var y: [Double]
    /// Line, markers or both.
    public var kind: Kind
    /// `nil` takes the next colour of ``Color/okabeIto`` (by the series' position).
    public var color: Color?
    /// How the line is stroked.
    public var lineStyle: LineStyle
    /// Line width in pixels.
    public var lineWidth: Double
    /// The shape of the markers.
    public var marker: MarkerShape
    /// Marker radius in pixels.
    public var markerSize: Double
    /// Optional text drawn beside each marker (e.g. the tolerance of a work-precision point);
    /// empty for none, else one entry per point ("" skips a point).
    public var pointLabels: [String] = []

    /// A series from its points and style.
    ///
    /// - Precondition: `x` and `y` have the same length.
    public init(label: String?, x: [Double], y: [Double], kind: Kind, color: Color? = nil,
                lineStyle: LineStyle = .solid, lineWidth: Double = 2, marker: MarkerShape = .circle,
                markerSize: Double = 3.5)
    {
        precondition(x.count == y.count, "a series has \(x.count) x values but \(y.count) y values")
        self.label = label
        self.x = x
        self.y = y
        self.kind = kind
        self.color = color
        self.lineStyle = lineStyle
        self.lineWidth = lineWidth
        self.marker = marker
        self.markerSize = markerSize
    }

    /// A line through the points (e.g. a theory curve).
    public static func line(_ label: String?, x: [Double], y: [Double], color: Color? = nil,
                            style: LineStyle = .solid, width: Double = 2) -> Series
    {
        Series(label: label, x: x, y: y, kind: .line, color: color, lineStyle: style, lineWidth: width)
    }

    /// Markers at the points (e.g. simulated values).
    public static func scatter(_ label: String?, x: [Double], y: [Double], color: Color? = nil,
                               marker: MarkerShape = .circle, size: Double = 3.5) -> Series
    {
        Series(label: label, x: x, y: y, kind: .scatter, color: color, marker: marker, markerSize: size)
    }
}

/// How values map to positions (or colours).
public enum Scale: Sendable, Hashable {
    /// Values as they are.
    case linear
    /// Base-10 logarithmic; non-positive values are skipped.
    case log

    func transform(_ value: Double) -> Double? {
        switch self {
        case .linear: return value.isFinite ? value : nil
        case .log: return value.isFinite && value > 0 ? log10(value) : nil
        }
    }
}

/// An axis of a ``Plot``.
public struct Axis: Sendable, Hashable {
    /// The axis title; `nil` for none.
    public var label: String?
    /// Linear or logarithmic.
    public var scale: Scale
    /// The visible range; `nil` fits the data with 5% padding on each side (in the scale's
    /// coordinates). An invalid range (empty, non-finite, or non-positive on a log axis) is
    /// ignored in favour of the automatic one.
    public var range: ClosedRange<Double>?
    /// Unlabelled ticks between the major ones (2…9 × 10^k on a log axis).
    public var minorTicks: Bool

    /// An axis; by default linear, fitted to the data, without minor ticks.
    public init(label: String? = nil, scale: Scale = .linear, range: ClosedRange<Double>? = nil,
                minorTicks: Bool = false)
    {
        self.label = label
        self.scale = scale
        self.range = range
        self.minorTicks = minorTicks
    }

    /// The range in transformed coordinates (log10 for log axes) for data `values`.
    func _resolvedRange(_ values: some Sequence<Double>) -> ClosedRange<Double> {
        if let range, let low = scale.transform(range.lowerBound), let high = scale.transform(range.upperBound),
            high > low
        {
            return low...high
        }
        guard let extent = Axis._extent(values, scale: scale) else {
            return scale == .log ? 0...1 : 0...1
        }
        return Axis._padded(extent)
    }

    /// The smallest and largest transformed values, `nil` if none is valid.
    static func _extent(_ values: some Sequence<Double>, scale: Scale) -> ClosedRange<Double>? {
        var low = Double.infinity
        var high = -Double.infinity
        for value in values {
            guard let t = scale.transform(value) else { continue }
            low = min(low, t)
            high = max(high, t)
        }
        return low <= high ? low...high : nil
    }

    static func _padded(_ extent: ClosedRange<Double>) -> ClosedRange<Double> {
        var low = extent.lowerBound
        var high = extent.upperBound
        if high - low <= max(abs(low), abs(high)) * 1e-12 {
            let half = low == 0 ? 1 : abs(low) * 0.1
            low -= half
            high += half
        }
        let pad = 0.05 * (high - low)
        return (low - pad)...(high + pad)
    }

    /// Ticks for an axis `length` pixels long whose labels are about `spacing` pixels apart at
    /// the closest (wider for horizontal axes, whose labels sit side by side).
    func _ticks(_ range: ClosedRange<Double>, length: Double, spacing: Double) -> [_Tick] {
        switch scale {
        case .linear:
            let maxTicks = max(3, min(11, Int(length / spacing) + 1))
            return _Ticks.linear(low: range.lowerBound, high: range.upperBound, maxTicks: maxTicks, minor: minorTicks)
        case .log:
            let maxTicks = max(3, min(12, Int(length / (spacing * 0.75)) + 1))
            return _Ticks.log(low: pow(10, range.lowerBound), high: pow(10, range.upperBound), maxTicks: maxTicks,
                              minor: minorTicks)
                .map { _Tick(value: log10($0.value), label: $0.label) }
        }
    }
}

/// Where the legend goes.
public enum LegendPlacement: Sendable, Hashable {
    /// The place inside the plot area covering the fewest data points: a corner, else the middle
    /// of an edge.
    case automatic
    /// The top right corner of the plot area.
    case topRight
    /// The top left corner of the plot area.
    case topLeft
    /// The bottom right corner of the plot area.
    case bottomRight
    /// The bottom left corner of the plot area.
    case bottomLeft
    /// The middle of the top edge.
    case top
    /// The middle of the bottom edge.
    case bottom
    /// The middle of the left edge.
    case left
    /// The middle of the right edge.
    case right
    /// No legend.
    case hidden
}

/// A 2-D plot of line and scatter series, drawn as SVG by ``svg(width:height:)`` or as a panel
/// of a ``Figure``.
///
/// Ticks are "nice" (1, 2 or 5 times a power of ten) on linear axes and decades on log axes;
/// series are clipped to the plot area; the legend lists labelled series.
public struct Plot: Sendable, Hashable {
    /// The title above the plot area; `nil` for none.
    public var title: String?
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// The series, drawn in order (later ones on top).
    public var series: [Series]
    /// Where the legend goes (``LegendPlacement/automatic`` by default).
    public var legend: LegendPlacement
    /// Light grid lines at the major ticks.
    public var showsGrid: Bool

    /// A plot from its axes and series.
    public init(title: String? = nil, xAxis: Axis = Axis(), yAxis: Axis = Axis(), series: [Series] = [],
                legend: LegendPlacement = .automatic, showsGrid: Bool = true)
    {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.legend = legend
        self.showsGrid = showsGrid
    }

    /// A plot with axis labels and scales.
    public init(title: String? = nil, xLabel: String?, yLabel: String?, xScale: Scale = .linear,
                yScale: Scale = .linear)
    {
        self.init(title: title, xAxis: Axis(label: xLabel, scale: xScale), yAxis: Axis(label: yLabel, scale: yScale))
    }

    /// Adds a line series; see ``Series/line(_:x:y:color:style:width:)``.
    public mutating func addLine(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                                 style: LineStyle = .solid, width: Double = 2)
    {
        series.append(.line(label, x: x, y: y, color: color, style: style, width: width))
    }

    /// Adds a scatter series; see ``Series/scatter(_:x:y:color:marker:size:)``.
    public mutating func addScatter(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                                    marker: MarkerShape = .circle, size: Double = 3.5)
    {
        series.append(.scatter(label, x: x, y: y, color: color, marker: marker, size: size))
    }

    /// The plot as a standalone SVG document.
    public func svg(width: Double = 640, height: Double = 440) -> String {
        Figure(panels: [.plot(self)], columns: 1, panelWidth: width, panelHeight: height).svg()
    }

    /// Writes ``svg(width:height:)`` to `url` atomically, with `metadata` in its `<metadata>`
    /// element (see ``Figure/metadata``).
    public func write(to url: URL, width: Double = 640, height: Double = 440, metadata: String? = nil) throws(ReportError) {
        var figure = Figure(panels: [.plot(self)], columns: 1, panelWidth: width, panelHeight: height)
        figure.metadata = metadata
        try writeAtomically(figure.svg(), to: url)
    }

    /// The automatic y extent of the data (transformed coordinates), for sharing across panels.
    func _yExtent() -> ClosedRange<Double>? {
        Axis._extent(_validPoints().map(\.y), scale: yAxis.scale)
    }

    /// All points that are drawable on both axes.
    private func _validPoints() -> [(x: Double, y: Double)] {
        series.flatMap { series in
            zip(series.x, series.y).filter { xAxis.scale.transform($0.0) != nil && yAxis.scale.transform($0.1) != nil }
                .map { (x: $0.0, y: $0.1) }
        }
    }
}

// MARK: - Rendering

struct _Rect {
    var x0: Double, y0: Double, x1: Double, y1: Double
    var width: Double { x1 - x0 }
    var height: Double { y1 - y0 }
    func contains(_ x: Double, _ y: Double) -> Bool { x >= x0 && x <= x1 && y >= y0 && y <= y1 }
}

let _fontSize = 13.0
let _labelFontSize = 14.0
let _titleFontSize = 15.0
let _axisColor = "#333333"
let _gridColor = "#e6e6e6"
let _xSpacing = 85.0
let _ySpacing = 45.0

extension Plot {
    /// Draws the plot into `frame` of `svg`; `id` makes clip-path names unique in the document.
    func _render(into svg: inout _SVG, frame: _Rect, id: String) {
        let xs = series.flatMap { zip($0.x, $0.y).filter { yAxis.scale.transform($0.1) != nil }.map(\.0) }
        let ys = series.flatMap { zip($0.x, $0.y).filter { xAxis.scale.transform($0.0) != nil }.map(\.1) }
        let xRange = xAxis._resolvedRange(xs)
        let yRange = yAxis._resolvedRange(ys)

        // Layout: tick labels, axis labels and title around the plot area.
        let yTicksEstimate = yAxis._ticks(yRange, length: frame.height - 80, spacing: _ySpacing)
        let yLabelWidth = yTicksEstimate.compactMap { $0.label?.width(fontSize: _fontSize) }.max() ?? 0
        let top = frame.y0 + (title == nil ? 14 : 34)
        let bottom = frame.y1 - (8 + _fontSize + 8 + (xAxis.label == nil ? 0 : _labelFontSize + 10))
        let left = frame.x0 + 10 + (yAxis.label == nil ? 0 : _labelFontSize + 10) + yLabelWidth + 8
        let right = frame.x1 - 18
        let area = _Rect(x0: left, y0: top, x1: max(left + 10, right), y1: max(top + 10, bottom))
        let xTicks = xAxis._ticks(xRange, length: area.width, spacing: _xSpacing)
        let yTicks = yAxis._ticks(yRange, length: area.height, spacing: _ySpacing)

        let mapX = { (t: Double) in area.x0 + (t - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * area.width }
        let mapY = { (t: Double) in area.y1 - (t - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * area.height }

        svg.raw("<g class=\"plot\">")
        svg.element("rect", [("x", _svgNumber(area.x0)), ("y", _svgNumber(area.y0)),
                             ("width", _svgNumber(area.width)), ("height", _svgNumber(area.height)),
                             ("fill", "#ffffff")])
        if showsGrid {
            for tick in xTicks where tick.label != nil {
                let x = mapX(tick.value)
                svg.element("line", [("x1", _svgNumber(x)), ("y1", _svgNumber(area.y0)), ("x2", _svgNumber(x)),
                                     ("y2", _svgNumber(area.y1)), ("stroke", _gridColor), ("stroke-width", "1")])
            }
            for tick in yTicks where tick.label != nil {
                let y = mapY(tick.value)
                svg.element("line", [("x1", _svgNumber(area.x0)), ("y1", _svgNumber(y)), ("x2", _svgNumber(area.x1)),
                                     ("y2", _svgNumber(y)), ("stroke", _gridColor), ("stroke-width", "1")])
            }
        }

        // Data, clipped to the plot area.
        let clipID = "clip-\(id)"
        svg.raw("<clipPath id=\"\(clipID)\"><rect x=\"\(_svgNumber(area.x0))\" y=\"\(_svgNumber(area.y0))\" width=\"\(_svgNumber(area.width))\" height=\"\(_svgNumber(area.height))\"/></clipPath>")
        var occupied: [(Double, Double)] = []
        for (index, series) in series.enumerated() {
            let color = (series.color ?? Color.palette(index)).hex
            // Points in normalized plot coordinates (0...1 spans the area), nil when not drawable.
            let points: [(Double, Double)?] = zip(series.x, series.y).map { x, y in
                guard let tx = xAxis.scale.transform(x), let ty = yAxis.scale.transform(y) else { return nil }
                let u = (tx - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
                let v = (ty - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
                guard u.isFinite, v.isFinite else { return nil }
                return (min(max(u, -1e12), 1e12), min(max(v, -1e12), 1e12))
            }
            let toPixel = { (p: (Double, Double)) in (area.x0 + p.0 * area.width, area.y1 - p.1 * area.height) }
            svg.raw("<g class=\"series\" clip-path=\"url(#\(clipID))\">")
            if series.kind != .scatter {
                let margin = series.lineWidth / max(1, min(area.width, area.height))
                for run in _clippedRuns(points, margin: margin) {
                    let pixels = run.map(toPixel)
                    occupied.append(contentsOf: _samples(pixels))
                    svg.element("polyline", [
                        ("points", pixels.map { "\(_svgNumber($0.0)),\(_svgNumber($0.1))" }.joined(separator: " ")),
                        ("fill", "none"), ("stroke", color), ("stroke-width", _svgNumber(series.lineWidth)),
                        ("stroke-dasharray", series.lineStyle.dashArray(width: series.lineWidth)),
                        ("stroke-linejoin", "round"), ("stroke-linecap", "butt"),
                    ])
                }
            }
            if series.kind != .line {
                let slack = series.markerSize / max(1, min(area.width, area.height))
                for point in points {
                    guard let point, point.0 >= -slack, point.0 <= 1 + slack, point.1 >= -slack, point.1 <= 1 + slack
                    else { continue }
                    let pixel = toPixel(point)
                    occupied.append(pixel)
                    _marker(into: &svg, shape: series.marker, x: pixel.0, y: pixel.1, radius: series.markerSize, color: color)
                }
                for (k, point) in points.enumerated() where k < series.pointLabels.count && !series.pointLabels[k].isEmpty {
                    guard let point, point.0 >= 0, point.0 <= 1, point.1 >= 0, point.1 <= 1 else { continue }
                    let pixel = toPixel(point)
                    svg.text(
                        _Label(series.pointLabels[k]), x: pixel.0 + series.markerSize + 2, y: pixel.1 - series.markerSize - 2,
                        anchor: "start", fontSize: 9, color: color, className: "point-label")
                }
            }
            svg.raw("</g>")
        }

        // Frame, ticks and labels.
        svg.element("rect", [("x", _svgNumber(area.x0)), ("y", _svgNumber(area.y0)),
                             ("width", _svgNumber(area.width)), ("height", _svgNumber(area.height)),
                             ("fill", "none"), ("stroke", _axisColor), ("stroke-width", "1")])
        svg.raw("<g class=\"x-ticks\">")
        for tick in xTicks {
            let x = mapX(tick.value)
            let length = tick.label == nil ? 3.0 : 5.0
            svg.element("line", [("x1", _svgNumber(x)), ("y1", _svgNumber(area.y1)), ("x2", _svgNumber(x)),
                                 ("y2", _svgNumber(area.y1 + length)), ("stroke", _axisColor), ("stroke-width", "1")])
            if let label = tick.label {
                svg.text(label, x: x, y: area.y1 + 8 + _fontSize, anchor: "middle", fontSize: _fontSize,
                         className: "tick-label")
            }
        }
        svg.raw("</g>")
        svg.raw("<g class=\"y-ticks\">")
        for tick in yTicks {
            let y = mapY(tick.value)
            let length = tick.label == nil ? 3.0 : 5.0
            svg.element("line", [("x1", _svgNumber(area.x0 - length)), ("y1", _svgNumber(y)), ("x2", _svgNumber(area.x0)),
                                 ("y2", _svgNumber(y)), ("stroke", _axisColor), ("stroke-width", "1")])
            if let label = tick.label {
                svg.text(label, x: area.x0 - 8, y: y + _fontSize * 0.35, anchor: "end", fontSize: _fontSize,
                         className: "tick-label")
            }
        }
        svg.raw("</g>")
        if let label = xAxis.label {
            svg.text(_Label(label), x: (area.x0 + area.x1) / 2, y: frame.y1 - 10, anchor: "middle",
                     fontSize: _labelFontSize, className: "axis-label")
        }
        if let label = yAxis.label {
            svg.text(_Label(label), x: frame.x0 + 10 + _labelFontSize * 0.8, y: (area.y0 + area.y1) / 2,
                     anchor: "middle", fontSize: _labelFontSize, rotate: true, className: "axis-label")
        }
        if let title {
            svg.text(_Label(title), x: (area.x0 + area.x1) / 2, y: frame.y0 + 22, anchor: "middle",
                     fontSize: _titleFontSize, className: "title")
        }
        _renderLegend(into: &svg, area: area, occupied: occupied)
        svg.raw("</g>")
    }

    private func _renderLegend(into svg: inout _SVG, area: _Rect, occupied: [(Double, Double)]) {
        let entries = series.enumerated().filter { $0.element.label != nil }
        guard legend != .hidden, !entries.isEmpty else { return }
        let rowHeight = 20.0
        let sampleWidth = 30.0
        let textWidth = entries.map { _textWidth(Double($0.element.label!.count), fontSize: _fontSize) }.max() ?? 0
        let width = 10 + sampleWidth + 8 + textWidth + 10
        let height = 8 + rowHeight * Double(entries.count) + 2
        let inset = 8.0
        func box(_ placement: LegendPlacement) -> _Rect {
            if placement == .automatic { return box(.topRight) }
            let x0: Double
            switch placement {
            case .topLeft, .bottomLeft, .left: x0 = area.x0 + inset
            case .top, .bottom: x0 = (area.x0 + area.x1 - width) / 2
            default: x0 = area.x1 - inset - width
            }
            let y0: Double
            switch placement {
            case .topLeft, .topRight, .top: y0 = area.y0 + inset
            case .left, .right: y0 = (area.y0 + area.y1 - height) / 2
            default: y0 = area.y1 - inset - height
            }
            return _Rect(x0: x0, y0: y0, x1: x0 + width, y1: y0 + height)
        }
        var rect = box(legend)
        if legend == .automatic {
            // The corners first, then the edges' middles, then places in between: the first that
            // covers the fewest data points (a margin around the box counts as covered).
            var candidates = [LegendPlacement.topRight, .topLeft, .bottomRight, .bottomLeft, .top, .bottom, .right, .left].map(box)
            for fy in [0.25, 0.75, 0.375, 0.625] {
                for fx in [1.0, 0.0, 0.5] {
                    let x0 = area.x0 + inset + fx * max(0, area.width - 2 * inset - width)
                    let y0 = area.y0 + inset + fy * max(0, area.height - 2 * inset - height)
                    candidates.append(_Rect(x0: x0, y0: y0, x1: x0 + width, y1: y0 + height))
                }
            }
            let counts = candidates.map { c in
                let padded = _Rect(x0: c.x0 - 4, y0: c.y0 - 4, x1: c.x1 + 4, y1: c.y1 + 4)
                return occupied.filter { padded.contains($0.0, $0.1) }.count
            }
            rect = candidates[counts.firstIndex(of: counts.min()!)!]
        }
        svg.raw("<g class=\"legend\">")
        svg.element("rect", [("x", _svgNumber(rect.x0)), ("y", _svgNumber(rect.y0)), ("width", _svgNumber(width)),
                             ("height", _svgNumber(height)), ("fill", "#ffffff"), ("fill-opacity", "0.9"),
                             ("stroke", "#bbbbbb"), ("stroke-width", "1"), ("rx", "3")])
        for (row, entry) in entries.enumerated() {
            let series = entry.element
            let color = (series.color ?? Color.palette(entry.offset)).hex
            let y = rect.y0 + 8 + rowHeight * (Double(row) + 0.5)
            let x = rect.x0 + 10
            if series.kind != .scatter {
                svg.element("line", [("x1", _svgNumber(x)), ("y1", _svgNumber(y)), ("x2", _svgNumber(x + sampleWidth)),
                                     ("y2", _svgNumber(y)), ("stroke", color), ("stroke-width", _svgNumber(series.lineWidth)),
                                     ("stroke-dasharray", series.lineStyle.dashArray(width: series.lineWidth))])
            }
            if series.kind != .line {
                _marker(into: &svg, shape: series.marker, x: x + sampleWidth / 2, y: y, radius: series.markerSize, color: color)
            }
            svg.text(_Label(series.label!), x: x + sampleWidth + 8, y: y + _fontSize * 0.35, anchor: "start",
                     fontSize: _fontSize, className: "legend-label")
        }
        svg.raw("</g>")
    }
}

/// Draws one marker centred at (`x`, `y`).
func _marker(into svg: inout _SVG, shape: MarkerShape, x: Double, y: Double, radius r: Double, color: String) {
    let paint: [(String, String?)] = [("fill", color), ("fill-opacity", "0.85"), ("stroke", color), ("stroke-width", "1")]
    switch shape {
    case .circle:
        svg.element("circle", [("cx", _svgNumber(x)), ("cy", _svgNumber(y)), ("r", _svgNumber(r))] + paint)
    case .square:
        let side = r * 1.8
        svg.element("rect", [("x", _svgNumber(x - side / 2)), ("y", _svgNumber(y - side / 2)),
                             ("width", _svgNumber(side)), ("height", _svgNumber(side))] + paint)
    case .diamond:
        let d = r * 1.35
        let points = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
        svg.element("polygon", [("points", points.map { "\(_svgNumber($0.0)),\(_svgNumber($0.1))" }.joined(separator: " "))] + paint)
    case .triangle:
        let d = r * 1.3
        let points = [(x, y - d), (x + d * 0.87, y + d * 0.5), (x - d * 0.87, y + d * 0.5)]
        svg.element("polygon", [("points", points.map { "\(_svgNumber($0.0)),\(_svgNumber($0.1))" }.joined(separator: " "))] + paint)
    }
}

/// Points along polylines (vertices and a few interior points per segment) for legend placement.
func _samples(_ pixels: [(Double, Double)]) -> [(Double, Double)] {
    guard pixels.count > 1, pixels.count < 5000 else { return pixels }
    var out: [(Double, Double)] = []
    for (a, b) in zip(pixels, pixels.dropFirst()) {
        for k in 0..<5 {
            let s = Double(k) / 5
            out.append((a.0 + s * (b.0 - a.0), a.1 + s * (b.1 - a.1)))
        }
    }
    out.append(pixels.last!)
    return out
}

/// Splits a polyline into the connected runs of its parts inside the unit square (enlarged by
/// `margin`), cutting segments at the border (Liang–Barsky). `nil` points break the line.
func _clippedRuns(_ points: [(Double, Double)?], margin: Double) -> [[(Double, Double)]] {
    let low = -margin
    let high = 1 + margin
    var runs: [[(Double, Double)]] = []
    var current: [(Double, Double)] = []
    func finish() {
        if current.count >= 2 { runs.append(current) }
        current = []
    }
    for index in points.indices.dropLast() {
        guard let p = points[index], let q = points[index + 1] else { finish(); continue }
        let dx = q.0 - p.0
        let dy = q.1 - p.1
        var t0 = 0.0
        var t1 = 1.0
        var visible = true
        for (denominator, numerator) in [(-dx, p.0 - low), (dx, high - p.0), (-dy, p.1 - low), (dy, high - p.1)] {
            if denominator == 0 {
                if numerator < 0 { visible = false; break }
            } else {
                let t = numerator / denominator
                if denominator < 0 {
                    if t > t1 { visible = false; break }
                    t0 = max(t0, t)
                } else {
                    if t < t0 { visible = false; break }
                    t1 = min(t1, t)
                }
            }
        }
        guard visible else { finish(); continue }
        let a = (p.0 + t0 * dx, p.1 + t0 * dy)
        let b = (p.0 + t1 * dx, p.1 + t1 * dy)
        if t0 > 0 || current.isEmpty {
            finish()
            current = [a]
        }
        current.append(b)
        if t1 < 1 { finish() }
    }
    finish()
    return runs
}
