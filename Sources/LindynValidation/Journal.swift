import Foundation
import LindynReport

/// Encodes a ``PointResult`` as one JSON value (one journal line per point), exactly: doubles
/// keep every bit, NaN and infinities are written as `{"number": "NaN" | "inf" | "-inf"}`.
enum PointCodec {
    static let journalColumns = ["grid", "point", "fingerprint", "result"]

    static func encode(_ cell: Cell) -> JSONValue {
        switch cell {
        case .number(let x) where !x.isFinite: return ["number": .string(x.isNaN ? "NaN" : x < 0 ? "-inf" : "inf")]
        case .number(let x): return .number(x)
        case .integer(let i): return .integer(i)
        case .text(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .missing: return .null
        }
    }

    static func decodeCell(_ value: JSONValue) -> Cell {
        switch value {
        case .null: return .missing
        case .bool(let b): return .bool(b)
        case .integer(let i): return .integer(i)
        case .number(let x): return .number(x)
        case .string(let s): return .text(s)
        case .object(let o):
            switch o["number"]?.stringValue {
            case "NaN": return .number(.nan)
            case "inf": return .number(.infinity)
            case "-inf": return .number(-.infinity)
            default: return .missing
            }
        case .array: return .missing
        }
    }

    static func numbers(_ xs: [Double]) -> JSONValue { .array(xs.map { encode(.number($0)) }) }
    static func doubles(_ v: JSONValue?) -> [Double] { v?.arrayValue?.map { decodeCell($0).doubleValue ?? .nan } ?? [] }

    static func encode(_ c: TrajectoryCurves?) -> JSONValue {
        guard let c else { return .null }
        return ["label": .string(c.label), "t": numbers(c.times), "columns": .array(c.columns.map { .string($0) }), "values": .array(c.values.map(numbers))]
    }

    static func decodeCurves(_ v: JSONValue?) -> TrajectoryCurves? {
        guard let v, let label = v["label"]?.stringValue else { return nil }
        return TrajectoryCurves(
            label: label, times: doubles(v["t"]), columns: v["columns"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            values: v["values"]?.arrayValue?.map { doubles($0) } ?? [])
    }

    static func encode(_ r: PointResult) -> JSONValue {
        var o: JSONObject = [
            "grid": .string(r.grid), "grid_order": .integer(r.gridOrder), "index": .integer(r.index), "fingerprint": .string(r.fingerprint),
            "parameters": .array(r.parameters.map { [.string($0.0), .string($0.1)] }),
            "errors": .array(r.errorRows.map { .array($0.map(encode)) }),
            "stiffness": .array(r.stiffnessRow.map(encode)),
            "x_label": .string(r.axisLabels.x), "y_label": .string(r.axisLabels.y),
            "x_log": .bool(r.logAxes.x), "y_log": .bool(r.logAxes.y),
        ]
        if let g = r.generalisationRow { o["generalisation"] = .array(g.map(encode)) }
        if let d = r.gridDescription { o["description"] = .string(d) }
        if let t = r.plotTitle { o["plot_title"] = .string(t) }
        if let t = r.panelTitle { o["panel_title"] = .string(t) }
        if let f = r.figure { o["figure"] = .string(f) }
        if let t = r.trajectories {
            var trajectories: JSONObject = ["theory": encode(t.theory), "integrator": encode(t.integrator), "descent": encode(t.descent)]
            if let scale = t.testScale { trajectories["test_scale"] = .number(scale) }
            o["trajectories"] = .object(trajectories)
        }
        return .object(o)
    }

    static func decode(_ v: JSONValue) -> PointResult? {
        guard let grid = v["grid"]?.stringValue, case .integer(let index)? = v["index"], let fingerprint = v["fingerprint"]?.stringValue else { return nil }
        var order = 0
        if case .integer(let k)? = v["grid_order"] { order = k }
        let params: [(String, String)] = v["parameters"]?.arrayValue?.compactMap { p in
            guard let a = p.arrayValue, a.count == 2, let k = a[0].stringValue, let x = a[1].stringValue else { return nil }
            return (k, x)
        } ?? []
        let errors = v["errors"]?.arrayValue?.map { ($0.arrayValue ?? []).map(decodeCell) } ?? []
        guard errors.allSatisfy({ $0.count == ErrorTable.columns.count }) else { return nil }
        let stiffness = v["stiffness"]?.arrayValue?.map(decodeCell) ?? []
        guard stiffness.count == StiffnessTable.columns.count else { return nil }
        var r = PointResult(
            grid: grid, gridOrder: order, index: index, fingerprint: fingerprint, gridDescription: v["description"]?.stringValue,
            parameters: params, errorRows: errors, stiffnessRow: stiffness, trajectories: nil, plotTitle: v["plot_title"]?.stringValue,
            panelTitle: v["panel_title"]?.stringValue, figure: v["figure"]?.stringValue,
            axisLabels: (v["x_label"]?.stringValue ?? "Epoch (t)", v["y_label"]?.stringValue ?? "Mode strength"))
        if case .bool(let x)? = v["x_log"], case .bool(let y)? = v["y_log"] { r.logAxes = (x, y) }
        if let g = v["generalisation"]?.arrayValue {
            guard g.count == GeneralisationTable.columns.count else { return nil }
            r.generalisationRow = g.map(decodeCell)
        }
        if let t = v["trajectories"] {
            r.trajectories = TrajectorySet(
                theory: decodeCurves(t["theory"]), integrator: decodeCurves(t["integrator"]), descent: decodeCurves(t["descent"]),
                testScale: t["test_scale"]?.doubleValue)
        }
        return r
    }

    static func journalRow(_ r: PointResult) -> [Cell] {
        [.text(r.grid), .integer(r.index), .text(r.fingerprint), .text(encode(r).serialized())]
    }

    static func point(fromJournalRow row: [Cell]) -> PointResult? {
        guard row.count == 4, case .text(let text) = row[3], let v = try? JSONValue.parse(text) else { return nil }
        return decode(v)
    }
}
