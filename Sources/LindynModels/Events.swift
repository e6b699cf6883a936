import Foundation
import LindynIntegrator

/// An event of a problem file (`events`): the first time an observable (a state variable or
/// a named observable) crosses `level` in `direction`.
public struct EventSpec: Sendable, Hashable {
    /// The name reported with the result.
    public var name: String
    /// A state variable's or an observable's name.
    public var observable: String
    /// The level crossed.
    public var level: Double
    /// Which crossings count.
    public var direction: ODEEvent.Direction

    /// An event on `observable` (a state or observable name).
    public init(name: String, observable: String, level: Double, direction: ODEEvent.Direction = .either) {
        self.name = name
        self.observable = observable
        self.level = level
        self.direction = direction
    }

    /// The most events a problem may ask for (each is checked at every step).
    public static let limit = 100

    /// Reads `events`: a list of {name, observable, level, direction} objects; observables are
    /// checked against the dynamics' state and observable names.
    static func parse(_ f: Field, dynamics: any Dynamics) throws(ProblemFileError) -> [EventSpec] {
        guard f.isPresent else { return [] }
        let items = try f.items("a list of events, each {\"name\": ..., \"observable\": ..., \"level\": ..., \"direction\": \"up\"}")
        guard items.count <= limit else { throw f.error("at most \(limit) events, got \(items.count)") }
        let known = dynamics.stateNames + dynamics.observableNames
        var specs: [EventSpec] = []
        for (k, item) in items.enumerated() {
            try item.onlyKeys(["name", "observable", "level", "direction"])
            let observable = try item["observable"].string("the name of a state variable or observable")
            guard known.contains(observable) else {
                throw item["observable"].error("unknown observable '\(observable)'; expected one of \(known.joined(separator: ", "))")
            }
            let level = try item["level"].double("the level crossed (a number)")
            guard level.isFinite else { throw item["level"].error("must be a finite number") }
            let direction = try Problem.choice(item["direction"], default: ODEEvent.Direction.either)
            let name = item["name"].isPresent ? try item["name"].string("a name") : "event\(k + 1)"
            guard !name.isEmpty else { throw item["name"].error("must not be empty") }
            if specs.contains(where: { $0.name == name }) { throw item["name"].error("duplicate event name '\(name)'") }
            specs.append(EventSpec(name: name, observable: observable, level: level, direction: direction))
        }
        return specs
    }

    /// Whether `a` to `b` (values minus the level) is a crossing in this direction.
    func crosses(_ a: Double, _ b: Double) -> Bool {
        switch direction {
        case .up: a < 0 && b >= 0
        case .down: a > 0 && b <= 0
        case .either: (a < 0 && b >= 0) || (a > 0 && b <= 0)
        }
    }
}

/// Where an event of a run first happened (`time` nil when it did not happen in the run).
public struct EventResult: Sendable, Hashable {
    /// The event asked for.
    public var spec: EventSpec
    /// The first crossing time, nil when the run never crossed.
    public var time: Double?
    /// How the time was located: `dense output` (the integrator's interpolant), `closed form`,
    /// or `linear between output rows` (descent).
    public var method: String

    /// A result for `spec`.
    public init(spec: EventSpec, time: Double?, method: String) {
        self.spec = spec
        self.time = time
        self.method = method
    }
}

extension Simulation {
    /// The integrator events of a problem: closures reading a state variable or computing the
    /// observables into a buffer owned by the closure (one per solve, not shared).
    static func odeEvents(_ specs: [EventSpec], dynamics: any Dynamics, flow: FlowInstance) -> [ODEEvent] {
        let states = dynamics.stateNames
        let observables = dynamics.observableNames
        return specs.map { spec in
            if let i = states.firstIndex(of: spec.observable) {
                return ODEEvent(name: spec.name, level: spec.level, direction: spec.direction) { $0[i] }
            }
            let j = observables.firstIndex(of: spec.observable)!
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(observables.count, 1))
            let box = _Deallocating(buffer)
            let observe = flow.observe
            return ODEEvent(name: spec.name, level: spec.level, direction: spec.direction) { y in
                observe(y, box.buffer.baseAddress!)
                return box.buffer[j]
            }
        }
    }

    /// Events located on a run's rows by linear interpolation between consecutive rows (for
    /// descent, whose state exists only at whole epochs).
    static func eventsBetweenRows(_ specs: [EventSpec], result: RunResult) -> [EventResult] {
        specs.map { spec in
            guard let values = result.column(spec.observable) else { return EventResult(spec: spec, time: nil, method: "linear between output rows") }
            let times = result.times
            for k in 1..<max(values.count, 1) {
                let a = values[k - 1] - spec.level
                let b = values[k] - spec.level
                if spec.crosses(a, b) {
                    let t = b == 0 ? times[k] : times[k - 1] + (times[k] - times[k - 1]) * a / (a - b)
                    return EventResult(spec: spec, time: t, method: "linear between output rows")
                }
            }
            return EventResult(spec: spec, time: nil, method: "linear between output rows")
        }
    }
}

/// Owns a buffer for the lifetime of the closures that capture it.
final class _Deallocating: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
    init(_ buffer: UnsafeMutableBufferPointer<Double>) { self.buffer = buffer }
    deinit { buffer.deallocate() }
}
