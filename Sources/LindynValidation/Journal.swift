import Foundation
import LindynReport

/// Encodes a ``PointResult`` as one JSON value (one journal line per point), exactly: doubles
/// keep every bit, NaN and infinities are written as `{"number": "NaN" | "inf" | "-inf"}`.
enum PointCodec {
    static let journalColumns = ["grid", "point", "fingerprint", "result"]
    /// The journal column that holds each point's record as JSON (inline, not as a string).
    static let jsonColumns = ["result"]

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

    /// The journal's row of `r` as cells (the record as JSON text in the `result` column), for
    /// ``RowJournal/append(_:)``; ``encodedJournalRow(_:)`` is the same row already encoded.
    static func journalRow(_ r: PointResult) -> [Cell] {
        var object = ByteText()
        encodeObject(r, into: &object)
        return [.text(r.grid), .integer(r.index), .text(r.fingerprint), .text(object.string)]
    }

    /// The journal's row of `r` as the JSON text ``RowJournal/append(encodedRow:)`` takes, in one
    /// pass: `["grid",index,"fingerprint",{record}]`, the record (``encode(_:)-(PointResult)``)
    /// inline in the JSON column `result`, byte for byte the text of its serialization.
    static func encodedJournalRow(_ r: PointResult) -> [UInt8] {
        var out = ByteText(capacity: 2048)
        out.append(byte: UInt8(ascii: "["))
        out.appendJSONString(r.grid)
        out.append(byte: UInt8(ascii: ","))
        out.appendInteger(r.index)
        out.append(byte: UInt8(ascii: ","))
        out.appendJSONString(r.fingerprint)
        out.append(byte: UInt8(ascii: ","))
        encodeObject(r, into: &out)
        out.append(byte: UInt8(ascii: "]"))
        return out.bytes
    }

    /// Writes `encode(r).serialized()` without building the value.
    static func encodeObject(_ r: PointResult, into out: inout ByteText) {
        func key(_ name: String, first: Bool = false) {
            if !first { out.append(byte: UInt8(ascii: ",")) }
            out.appendJSONString(name)
            out.append(byte: UInt8(ascii: ":"))
        }
        func cells(_ row: [Cell]) {
            out.append(byte: UInt8(ascii: "["))
            for (k, cell) in row.enumerated() {
                if k > 0 { out.append(byte: UInt8(ascii: ",")) }
                RowJournal._encode(cell, into: &out)
            }
            out.append(byte: UInt8(ascii: "]"))
        }
        func numbers(_ xs: [Double]) {
            out.append(byte: UInt8(ascii: "["))
            for (k, x) in xs.enumerated() {
                if k > 0 { out.append(byte: UInt8(ascii: ",")) }
                RowJournal._encode(.number(x), into: &out)
            }
            out.append(byte: UInt8(ascii: "]"))
        }
        func curves(_ c: TrajectoryCurves?) {
            guard let c else {
                out.append("null")
                return
            }
            out.append(byte: UInt8(ascii: "{"))
            key("label", first: true)
            out.appendJSONString(c.label)
            key("t")
            numbers(c.times)
            key("columns")
            out.append(byte: UInt8(ascii: "["))
            for (k, name) in c.columns.enumerated() {
                if k > 0 { out.append(byte: UInt8(ascii: ",")) }
                out.appendJSONString(name)
            }
            out.append(byte: UInt8(ascii: "]"))
            key("values")
            out.append(byte: UInt8(ascii: "["))
            for (k, v) in c.values.enumerated() {
                if k > 0 { out.append(byte: UInt8(ascii: ",")) }
                numbers(v)
            }
            out.append(byte: UInt8(ascii: "]"))
            out.append(byte: UInt8(ascii: "}"))
        }
        out.append(byte: UInt8(ascii: "{"))
        key("grid", first: true)
        out.appendJSONString(r.grid)
        key("grid_order")
        out.appendInteger(r.gridOrder)
        key("index")
        out.appendInteger(r.index)
        key("fingerprint")
        out.appendJSONString(r.fingerprint)
        key("parameters")
        out.append(byte: UInt8(ascii: "["))
        for (k, p) in r.parameters.enumerated() {
            if k > 0 { out.append(byte: UInt8(ascii: ",")) }
            out.append(byte: UInt8(ascii: "["))
            out.appendJSONString(p.0)
            out.append(byte: UInt8(ascii: ","))
            out.appendJSONString(p.1)
            out.append(byte: UInt8(ascii: "]"))
        }
        out.append(byte: UInt8(ascii: "]"))
        key("errors")
        out.append(byte: UInt8(ascii: "["))
        for (k, row) in r.errorRows.enumerated() {
            if k > 0 { out.append(byte: UInt8(ascii: ",")) }
            cells(row)
        }
        out.append(byte: UInt8(ascii: "]"))
        key("stiffness")
        cells(r.stiffnessRow)
        key("x_label")
        out.appendJSONString(r.axisLabels.x)
        key("y_label")
        out.appendJSONString(r.axisLabels.y)
        key("x_log")
        out.append(r.logAxes.x ? "true" : "false")
        key("y_log")
        out.append(r.logAxes.y ? "true" : "false")
        if let g = r.generalisationRow {
            key("generalisation")
            cells(g)
        }
        for (name, text) in [("description", r.gridDescription), ("plot_title", r.plotTitle), ("panel_title", r.panelTitle), ("figure", r.figure)] {
            if let text {
                key(name)
                out.appendJSONString(text)
            }
        }
        if let t = r.trajectories {
            key("trajectories")
            out.append(byte: UInt8(ascii: "{"))
            key("theory", first: true)
            curves(t.theory)
            key("integrator")
            curves(t.integrator)
            key("descent")
            curves(t.descent)
            if let scale = t.testScale {
                key("test_scale")
                // As JSONValue.number: a non-finite value is null.
                if scale.isFinite { out.appendShortest(scale) } else { out.append("null") }
            }
            out.append(byte: UInt8(ascii: "}"))
        }
        out.append(byte: UInt8(ascii: "}"))
    }

    static func point(fromJournalRow row: [Cell]) -> PointResult? {
        guard row.count == 4, case .text(let text) = row[3], let v = try? JSONValue.parse(text) else { return nil }
        return decode(v)
    }
}
