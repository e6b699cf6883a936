import Foundation

/// An SVG document of one or more panels in a grid, filled row by row: e.g. a 1×2 figure of the
/// same quantity without and with dropout.
public struct Figure: Sendable, Hashable {
    /// One panel of a figure.
    public enum Panel: Sendable, Hashable {
        /// A line and scatter plot.
        case plot(Plot)
        /// A heat map with its colour bar.
        case heatmap(Heatmap)
    }

    /// The title above all panels; `nil` for none.
    public var title: String?
    /// The panels, filled row by row.
    public var panels: [Panel]
    /// Panels per row.
    public var columns: Int
    /// Width of one panel, in pixels.
    public var panelWidth: Double
    /// Height of one panel, in pixels.
    public var panelHeight: Double
    /// Gives every plot panel without an explicit y range the same automatic y range (the union of
    /// their data), so that panels compare at a glance.
    public var sharesYRange: Bool
    /// Text written into the document's `<metadata>` element (escaped): Lindyn puts its
    /// ``Provenance`` there as JSON.
    public var metadata: String?

    /// A figure of `panels`, `columns` per row (all in one row by default).
    ///
    /// - Precondition: `panels` is not empty.
    public init(panels: [Panel], columns: Int? = nil, title: String? = nil, panelWidth: Double = 560,
                panelHeight: Double = 420, sharesYRange: Bool = false)
    {
        precondition(!panels.isEmpty, "a figure needs at least one panel")
        self.panels = panels
        self.columns = max(1, columns ?? panels.count)
        self.title = title
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
        self.sharesYRange = sharesYRange
    }

    /// Plots side by side in one row.
    public init(_ plots: [Plot], title: String? = nil, sharesYRange: Bool = false) {
        self.init(panels: plots.map(Panel.plot), title: title, sharesYRange: sharesYRange)
    }

    /// Panel rows.
    public var rows: Int { (panels.count + columns - 1) / columns }

    /// The size of the document in pixels.
    public var size: (width: Double, height: Double) {
        (Double(columns) * panelWidth, Double(rows) * panelHeight + (title == nil ? 0 : 36))
    }

    /// The SVG document.
    public func svg() -> String {
        var panels = self.panels
        if sharesYRange {
            var low = Double.infinity
            var high = -Double.infinity
            var scale: Scale?
            for case .plot(let plot) in panels where plot.yAxis.range == nil {
                guard scale == nil || scale == plot.yAxis.scale, let extent = plot._yExtent() else { continue }
                scale = plot.yAxis.scale
                low = min(low, extent.lowerBound)
                high = max(high, extent.upperBound)
            }
            if let scale, low <= high {
                let padded = Axis._padded(low...high)
                let shared = scale == .log ? pow(10, padded.lowerBound)...pow(10, padded.upperBound) : padded
                for index in panels.indices {
                    if case .plot(var plot) = panels[index], plot.yAxis.range == nil, plot.yAxis.scale == scale {
                        plot.yAxis.range = shared
                        panels[index] = .plot(plot)
                    }
                }
            }
        }

        let (width, height) = size
        let offset = title == nil ? 0.0 : 36
        var svg = _SVG()
        svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        svg.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(_svgNumber(width))\" height=\"\(_svgNumber(height))\" viewBox=\"0 0 \(_svgNumber(width)) \(_svgNumber(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">")
        if let metadata {
            // CDATA keeps the text readable; "]]>" inside it is split across two sections.
            // (characters XML forbids are dropped).
            let text = String(String.UnicodeScalarView(metadata.unicodeScalars.filter {
                ($0.value >= 0x20 && $0.value != 0xFFFE && $0.value != 0xFFFF) || $0 == "\t" || $0 == "\n" || $0 == "\r"
            }))
            svg.raw("<metadata><![CDATA[" + text.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]></metadata>")
        }
        svg.element("rect", [("width", _svgNumber(width)), ("height", _svgNumber(height)), ("fill", "#ffffff")])
        if let title {
            svg.text(_Label(title), x: width / 2, y: 26, anchor: "middle", fontSize: _titleFontSize + 2,
                     className: "figure-title")
        }
        for (index, panel) in panels.enumerated() {
            let row = index / columns
            let column = index % columns
            let frame = _Rect(x0: Double(column) * panelWidth, y0: offset + Double(row) * panelHeight,
                              x1: Double(column + 1) * panelWidth, y1: offset + Double(row + 1) * panelHeight)
            switch panel {
            case .plot(let plot): plot._render(into: &svg, frame: frame, id: "p\(index)")
            case .heatmap(let heatmap): heatmap._render(into: &svg, frame: frame, id: "p\(index)")
            }
        }
        svg.raw("</svg>")
        return svg.body
    }

    /// Writes ``svg()`` to `url` atomically.
    public func write(to url: URL) throws(ReportError) {
        try writeAtomically(svg(), to: url)
    }
}
