import Foundation
import LindynReport

/// The SVG figures of a validation run.
public enum ValidationPlots {
    /// Writes every figure into `directory`; returns the files written.
    /// `metadata` goes into each SVG's `<metadata>` element (the run's provenance).
    public static func writeAll(_ results: [PointResult], errorTable: Table, workTable: Table, to directory: URL, metadata: String? = nil) throws(ReportError) -> [URL] {
        var files: [URL] = []
        // Trajectory figures: one per grid (or per `figure` name), one panel per plotted point.
        var order: [String] = []
        var groups: [String: [PointResult]] = [:]
        for r in results where r.trajectories != nil {
            let name = r.figure ?? "trajectories-\(r.grid)"
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(r)
        }
        for name in order {
            let panels = groups[name]!
            let plots = panels.map(trajectoryPlot)
            var figure = Figure(panels: plots.map { .plot($0) }, columns: min(2, plots.count), title: panels[0].plotTitle, panelWidth: 560, panelHeight: 420, sharesYRange: plots.count > 1)
            figure.metadata = metadata
            let url = directory.appendingPathComponent(name + ".svg")
            try figure.write(to: url)
            files.append(url)
        }
        // Error heatmaps and work-precision lines, per grid.
        // (Grouped by position, so that the points are copied only for a run of several grids.)
        var gridOrder: [String] = []
        var byGrid: [String: [Int]] = [:]
        for (k, r) in results.enumerated() {
            if byGrid[r.grid] == nil { gridOrder.append(r.grid) }
            byGrid[r.grid, default: []].append(k)
        }
        for grid in gridOrder {
            let points = gridOrder.count == 1 ? results : byGrid[grid]!.map { results[$0] }
            for method in ["integrator", "descent"] {
                if let map = heatmap(points, method: method) {
                    let url = directory.appendingPathComponent("errors-\(grid)-\(method).svg")
                    try map.write(to: url, width: 640, height: 480, metadata: metadata)
                    files.append(url)
                }
            }
            if let plot = workPrecisionPlot(workTable, grid: grid) {
                let url = directory.appendingPathComponent("work-precision-\(grid).svg")
                try plot.write(to: url, metadata: metadata)
                files.append(url)
            }
        }
        if let map = stiffnessMap(results) {
            let url = directory.appendingPathComponent("stiffness-map.svg")
            try map.write(to: url, metadata: metadata)
            files.append(url)
        }
        return files
    }

    /// At most `limit` indices of samples at `times`, nearest to evenly spaced times (on the axis's
    /// scale, logarithmic when every time is positive and they span more than two decades), so
    /// that markers are regularly spaced on the plot whatever the output grid.
    static func evenlyTimed(_ times: [Double], limit: Int, logarithmic: Bool = false) -> [Int] {
        guard times.count > limit, limit > 1, let first = times.first, let last = times.last, last > first else { return Array(times.indices) }
        let log = logarithmic && first > 0
        func position(_ t: Double) -> Double { log ? Foundation.log(t) : t }
        let (a, b) = (position(first), position(last))
        var out: [Int] = []
        var j = 0
        for k in 0..<limit {
            let target = a + (b - a) * Double(k) / Double(limit - 1)
            while j + 1 < times.count, abs(position(times[j + 1]) - target) <= abs(position(times[j]) - target) { j += 1 }
            if out.last != j { out.append(j) }
        }
        return out
    }

    /// At most `limit` evenly spread indices of `count` samples (markers stay legible).
    static func thinned(_ count: Int, limit: Int) -> [Int] {
        guard count > limit, limit > 1 else { return Array(0..<count) }
        var out: [Int] = []
        for k in 0..<limit {
            let i = Int((Double(k) * Double(count - 1) / Double(limit - 1)).rounded())
            if out.last != i { out.append(i) }
        }
        return out
    }

    /// The trajectory panel of a validation point.
    static func trajectoryPlot(_ r: PointResult) -> Plot {
        guard let set = r.trajectories else {
            return Plot(title: r.panelTitle, xLabel: r.axisLabels.x, yLabel: r.axisLabels.y)
        }
        return trajectoryPlot(set, title: r.panelTitle, xLabel: r.axisLabels.x, yLabel: r.axisLabels.y, logX: r.logAxes.x, logY: r.logAxes.y)
    }

    /// Mode strength against epoch: theory lines, integrator dotted on top, descent markers;
    /// one colour per mode.
    public static func trajectoryPlot(
        _ set: TrajectorySet, title: String?, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false
    ) -> Plot {
        var plot = Plot(title: title, xLabel: xLabel, yLabel: yLabel, xScale: logX ? .log : .linear, yScale: logY ? .log : .linear)
        let columns = set.theory?.columns ?? set.descent?.columns ?? set.integrator?.columns ?? []
        let single = columns.count == 1
        for (k, name) in columns.enumerated() {
            let color = Color.palette(k)
            if let t = set.theory, let c = t.columns.firstIndex(of: name) {
                let label = single ? t.label.prefix(1).uppercased() + t.label.dropFirst() : "\(name) \(t.label)"
                if t.times.count < 30 {
                    // Few samples (output times chosen around fast jumps): mark them, so straight
                    // segments read as joins between samples rather than as the solution.
                    plot.series.append(Series(label: label, x: t.times, y: t.values[c], kind: .lineWithMarkers, color: color, lineWidth: 1.5, marker: .square, markerSize: 3))
                } else {
                    plot.addLine(x: t.times, y: t.values[c], label: label, color: color, width: 2)
                }
            }
            if let scale = set.testScale, let t = set.theory ?? set.integrator, let c = t.columns.firstIndex(of: name) {
                // Standard dropout: the network's output at test time is p u (Notes/dropout.md).
                let label = single ? "Test time: p u" : "\(name) at test time (p u)"
                plot.addLine(x: t.times, y: t.values[c].map { $0 * scale }, label: label, color: color, style: .dashed, width: 1.5)
            }
            if let d = set.descent, let c = d.columns.firstIndex(of: name) {
                let keep = evenlyTimed(d.times, limit: 45, logarithmic: logX)
                // One legend entry for the simulated points of every mode keeps the legend short.
                plot.addScatter(x: keep.map { d.times[$0] }, y: keep.map { d.values[c][$0] }, label: k == 0 ? "Simulated (\(d.label))" : nil, color: color, marker: .circle, size: 3)
            }
            if let i = set.integrator, let c = i.columns.firstIndex(of: name) {
                plot.addLine(x: i.times, y: i.values[c], label: k == 0 ? i.label : nil, color: Color.black, style: .dotted, width: 1.2)
            }
        }
        return plot
    }

    /// A numeric value for an axis value's text (its index when it is not a number).
    static func axisValues(_ texts: [String]) -> (values: [Double], numeric: Bool) {
        let numbers = texts.map { Double($0) }
        if numbers.allSatisfy({ $0 != nil }) { return (numbers.map { $0! }, true) }
        return (texts.indices.map(Double.init), false)
    }

    /// The worst scaled error of `method` (integrator: at each point's tightest tolerance, worst
    /// over steppers) against the first two axes, worst over the others.
    static func heatmap(_ points: [PointResult], method: String) -> Heatmap? {
        guard let first = points.first, !first.parameters.isEmpty else { return nil }
        let xName = first.parameters[0].0
        let yName = first.parameters.count > 1 ? first.parameters[1].0 : nil
        var xTexts: [String] = [], yTexts: [String] = []
        for p in points {
            if !xTexts.contains(p.parameters[0].1) { xTexts.append(p.parameters[0].1) }
            if yName != nil, p.parameters.count > 1, !yTexts.contains(p.parameters[1].1) { yTexts.append(p.parameters[1].1) }
        }
        if yName == nil { yTexts = [""] }
        var values = Array(repeating: Array(repeating: Double.nan, count: xTexts.count), count: yTexts.count)
        var any = false
        for p in points {
            var rows = p.errorRows.filter { $0[ErrorColumn.method] == .text(method) }
            if method == "integrator" {
                let tightest = rows.compactMap { r -> Double? in
                    guard let a = r[ErrorColumn.epsabs].doubleValue, let b = r[ErrorColumn.epsrel].doubleValue else { return nil }
                    return a + b
                }.min()
                rows = rows.filter { r in (r[ErrorColumn.epsabs].doubleValue ?? 0) + (r[ErrorColumn.epsrel].doubleValue ?? 0) == tightest }
            }
            guard let worst = rows.compactMap({ $0[ErrorColumn.max_scaled_error].doubleValue }).max() else { continue }
            let i = xTexts.firstIndex(of: p.parameters[0].1)!
            let j = yName == nil ? 0 : yTexts.firstIndex(of: p.parameters[1].1) ?? 0
            values[j][i] = values[j][i].isNaN ? worst : max(values[j][i], worst)
            any = true
        }
        guard any else { return nil }
        let (xs, xNumeric) = axisValues(xTexts)
        let (ys, yNumeric) = yName == nil ? ([0.0], true) : axisValues(yTexts)
        // Cells must be ordered by value for the axis labels to read correctly.
        let xOrder = xs.indices.sorted { xs[$0] < xs[$1] }
        let yOrder = ys.indices.sorted { ys[$0] < ys[$1] }
        let positive = values.joined().filter { $0 > 0 && $0.isFinite }
        let what = method == "integrator" ? "integrator (tightest tolerance, worst stepper)" : "gradient descent"
        return Heatmap(
            x: xOrder.map { xs[$0] }, y: yOrder.map { ys[$0] }, values: yOrder.map { j in xOrder.map { values[j][$0] } },
            title: "\(first.grid): \(what)", xLabel: xName + (xNumeric ? "" : " (index)"), yLabel: yName.map { $0 + (yNumeric ? "" : " (index)") } ?? "",
            colorScale: positive.isEmpty ? .linear : .log, colorBarLabel: "max |x - r| / max|r|", showsValues: true)
    }

    /// Worst scaled error against mean right-hand-side evaluations, one line per stepper over the
    /// tolerance ladder, each point labelled with its epsabs.
    static func workPrecisionPlot(_ work: Table, grid: String) -> Plot? {
        guard let g = work.columnIndex(named: "grid"), let s = work.columnIndex(named: "stepper"),
            let err = work.columnIndex(named: "worst_scaled_error"), let f = work.columnIndex(named: "mean_rhs_evaluations")
        else { return nil }
        let rows = work.rows.filter { $0[g] == .text(grid) }
        guard !rows.isEmpty else { return nil }
        var steppers: [String] = []
        for r in rows { if case .text(let name) = r[s], !steppers.contains(name) { steppers.append(name) } }
        var plot = Plot(title: "\(grid): work against precision", xLabel: "mean right-hand-side evaluations", yLabel: "worst max|x - r| / max|r|", xScale: .log, yScale: .log)
        for (k, name) in steppers.enumerated() {
            let tol = work.columnIndex(named: "epsabs")
            let pts = rows.filter { $0[s] == .text(name) }.compactMap { r -> (Double, Double, String)? in
                guard let x = r[f].doubleValue, let y = r[err].doubleValue else { return nil }
                let label = tol.flatMap { r[$0].doubleValue }.map { String(format: "%.0e", $0) } ?? ""
                return (x, max(y, 1e-17), label)
            }.sorted { $0.0 < $1.0 }
            guard !pts.isEmpty else { continue }
            var series = Series(label: name, x: pts.map(\.0), y: pts.map(\.1), kind: .lineWithMarkers, color: Color.palette(k), marker: MarkerShape.allCases[k % MarkerShape.allCases.count])
            series.pointLabels = pts.map(\.2)
            plot.series.append(series)
        }
        return plot.series.isEmpty ? nil : plot
    }

    /// T max|lambda| against the explicit/implicit step ratio for every point, by verdict.
    static func stiffnessMap(_ results: [PointResult]) -> Plot? {
        let k = StiffnessTable.index
        var plot = Plot(title: "Stiffness of every point", xLabel: "T max|lambda|", yLabel: "explicit / implicit steps", xScale: .log, yScale: .log)
        for (n, verdict) in ["not stiff", "stiff", "undetermined"].enumerated() {
            let pts = results.compactMap { r -> (Double, Double)? in
                guard r.stiffnessRow[k("verdict")] == .text(verdict), let x = r.stiffnessRow[k("T_max_lambda")].doubleValue else { return nil }
                let ratio = r.stiffnessRow[k("step_ratio")].doubleValue
                    ?? (r.stiffnessRow[k("explicit_steps")].doubleValue).flatMap { e in r.stiffnessRow[k("implicit_steps")].doubleValue.map { e / max($0, 1) } }
                guard let y = ratio else { return nil }
                return (x, y)
            }
            guard !pts.isEmpty else { continue }
            plot.addScatter(x: pts.map(\.0), y: pts.map(\.1), label: verdict, color: Color.palette(n), marker: MarkerShape.allCases[n], size: 4)
        }
        return plot.series.isEmpty ? nil : plot
    }
}

/// The README of an output directory: what each file holds and how to read it.
enum Readme {
    static func text(summary: ValidationSummary, summaryTable: Table, figures: [URL], directory: URL, provenance: Provenance) -> String {
        var s = "# Lindyn validation results\n\n"
        if !summary.partial.isEmpty {
            s += "**PARTIAL RESULTS: these tables are not one complete run.** " + summary.partial.joined(separator: "; ") + ".\n\n"
        }
        s += "Made by \(provenance.summaryLine); inputs, their SHA-256 and the seeds are in `provenance.json`, and `lindyn repeat \(Provenance.fileName) --out DIR` runs it again.\n\n"
        s += "Each grid point runs the ODE integrator (GSL steppers over a tolerance ladder), discrete gradient descent and the closed form, and compares them. "
        s += "The reference is the closed form where one exists, else a tight integration; the closed form itself is checked against that tight integration.\n\n"
        s += "**\(summary.points - summary.failedPoints.count) of \(summary.points) points passed**; \(summary.comparisons) comparisons; \(summary.stiffPoints) points judged stiff.\n\n"
        if !summary.failedPoints.isEmpty {
            s += "Failed points:\n\n" + summary.failedPoints.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        }
        s += "## Files\n\n"
        s += "| file | holds |\n|---|---|\n"
        s += "| `summary.{csv,md,tex,json}` | per grid: points passed and failed, the worst error of each method, stiff points |\n"
        s += "| `errors.{csv,md,tex,json}` | per point and method: parameters, stepper, tolerance, max absolute, relative and scaled error, error_ratio (<= 1 passes), half times, descent lag, status, steps and evaluations, wall time |\n"
        s += "| `stiffness.{csv,md,tex,json}` | per point: Jacobian eigenvalues at start, middle and end (largest, smallest decaying, restricted ratio, null and unstable counts), T max|lambda|, alpha max|lambda|, explicit versus implicit steps, verdict |\n"
        s += "| `work-precision.{csv,md,tex,json}` | per grid, stepper and tolerance: worst and median error against evaluations and time |\n"
        if summary.files.contains(where: { $0.lastPathComponent == "generalisation.csv" }) {
            s += "| `generalisation.{csv,md,json}` | per data-backed point: early-stopped, converged, ridge and shrinkage test errors (exact and large-N; inf at the alpha = 1 peak), outlier and overlap, and the large_n and aligned_law comparisons |\n"
        }
        s += "| `journal.jsonl` | one line per finished point (with a CRC-32 per line); `--resume` continues from it and `lindyn validate merge` joins shards |\n"
        s += "| `run.json` | the grids run (name, fingerprint, points), the shard, and the files of this set; `lindyn validate merge` checks it |\n"
        s += "| `provenance.json` | version and commit, command line, input files with SHA-256, seeds, date, host and cores of the run that wrote these files |\n"
        if !figures.isEmpty {
            s += "\n## Figures (`plots/`)\n\n"
            for f in figures {
                let name = f.lastPathComponent
                let what: String
                if name == "stiffness-map.svg" {
                    what = "T max|lambda| against the explicit/implicit step ratio of every point, by verdict"
                } else if name.hasPrefix("errors-") {
                    what = "heatmap of the worst scaled error against the grid's first two parameters"
                } else if name.hasPrefix("work-precision-") {
                    what = "error against right-hand-side evaluations, one line per stepper over the tolerance ladder"
                } else {
                    what = "trajectories against t (epochs for gradient flows): closed-form lines where one exists, simulated gradient-descent points for gradient flows, the ODE integration dotted"
                }
                s += "- `plots/\(name)`: \(what)\n"
            }
        }
        s += "\n## Summary by grid\n\n" + summaryTable.markdown(significantDigits: 3)
        s += "\nPass rules and thresholds: `Notes/validation.md`; the stiffness rule: `Notes/stiffness.md`.\n"
        return s
    }
}
