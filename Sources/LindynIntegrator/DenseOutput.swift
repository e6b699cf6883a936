/// The states and derivatives of the last few accepted steps, and the Hermite interpolant
/// through them that gives the dense output and locates events.
///
/// With nodes t_0 < ... < t_{m-1} (m <= `capacity`), the interpolant is the polynomial of degree
/// 2m - 1 matching y and y' at every node, built in Newton form from confluent divided
/// differences (each node doubled). An output in [t_j, t_{j+1}] is evaluated from the window
/// whose middle interval it lies in, so the error is that of interpolating inside the window,
/// of order h^(2m) (see Notes/integrator.md for the measured size). Buffers are allocated once
/// per solve; nothing here allocates per step.
final class _DenseNodes {
    let dimension: Int
    let capacity: Int
    /// Nodes pushed so far (node n lives in slot n % capacity).
    private(set) var count = 0
    private let times: UnsafeMutablePointer<Double>
    private let states: UnsafeMutablePointer<Double>
    private let derivatives: UnsafeMutablePointer<Double>
    /// Newton coefficients c_r (r < 2m), stored c[r * dimension + i], and the doubled nodes z_r.
    private let coefficients: UnsafeMutablePointer<Double>
    private let z: UnsafeMutablePointer<Double>
    private var builtFor = -1
    private var builtNodes = 0
    /// Scratch for an interpolated state.
    let scratch: UnsafeMutablePointer<Double>

    init(dimension: Int, capacity: Int) {
        self.dimension = dimension
        self.capacity = max(2, capacity)
        times = .allocate(capacity: self.capacity)
        states = .allocate(capacity: self.capacity * dimension)
        derivatives = .allocate(capacity: self.capacity * dimension)
        coefficients = .allocate(capacity: 2 * self.capacity * dimension)
        z = .allocate(capacity: 2 * self.capacity)
        scratch = .allocate(capacity: dimension)
    }

    deinit {
        times.deallocate()
        states.deallocate()
        derivatives.deallocate()
        coefficients.deallocate()
        z.deallocate()
        scratch.deallocate()
    }

    /// Time of node n (one of the last `capacity`).
    func time(_ n: Int) -> Double { times[n % capacity] }

    func state(_ n: Int) -> UnsafeMutablePointer<Double> { states + (n % capacity) * dimension }

    /// The newest node's time.
    var lastTime: Double { time(count - 1) }

    /// Appends a node; `derivative` may be nil when it is written later with ``derivativeSlot``.
    func push(time t: Double, state y: UnsafePointer<Double>, derivative f: UnsafePointer<Double>?) {
        let slot = count % capacity
        times[slot] = t
        (states + slot * dimension).update(from: y, count: dimension)
        if let f { (derivatives + slot * dimension).update(from: f, count: dimension) }
        count += 1
    }

    /// Where the derivative of node n is stored (to fill it in after the push).
    func derivativeSlot(_ n: Int) -> UnsafeMutablePointer<Double> { derivatives + (n % capacity) * dimension }

    /// The last node whose interval [t_{n-1}, t_n] is served by the current window: outputs and
    /// events up to its time can be produced now. With every node pushed (`final`), the newest.
    func servedUpTo(final: Bool) -> Int? {
        if final { return count >= 1 ? count - 1 : nil }
        guard count >= capacity else { return nil }
        return count - 1 - (capacity - 1) / 2
    }

    /// Builds the Newton coefficients for the current window (the last min(count, capacity) nodes).
    private func build() {
        if builtFor == count { return }
        let m = min(count, capacity)
        let first = count - m
        let d = dimension
        for j in 0..<m {
            let slot = (first + j) % capacity
            z[2 * j] = times[slot]
            z[2 * j + 1] = times[slot]
            let y = states + slot * d
            (coefficients + (2 * j) * d).update(from: y, count: d)
            (coefficients + (2 * j + 1) * d).update(from: y, count: d)
        }
        let top = 2 * m - 1
        // First divided differences: y' at a doubled node, slopes between nodes.
        var r = top
        while r >= 1 {
            let c = coefficients + r * d
            if r % 2 == 1 {
                c.update(from: derivatives + ((first + r / 2) % capacity) * d, count: d)
            } else {
                let below = coefficients + (r - 1) * d
                let inverse = 1 / (z[r] - z[r - 1])
                for i in 0..<d { c[i] = (c[i] - below[i]) * inverse }
            }
            r -= 1
        }
        if top >= 2 {
            for level in 2...top {
                var r = top
                while r >= level {
                    let c = coefficients + r * d
                    let below = coefficients + (r - 1) * d
                    let inverse = 1 / (z[r] - z[r - level])
                    for i in 0..<d { c[i] = (c[i] - below[i]) * inverse }
                    r -= 1
                }
            }
        }
        builtFor = count
        builtNodes = m
    }

    /// The part of the estimate taken for rounding rather than interpolation error: the Newton
    /// coefficients of high order divide differences of nearly equal states, so with short
    /// steps the estimate settles at a few hundred ulps of the state whatever the step size.
    let roundingAllowance = 1000 * Double.ulpOfOne

    /// An estimate of the interpolation error at `t` relative to the tolerance: max over i of
    /// |p(t) - q(t)| / (epsabs + epsrel |p_i(t)|), where q is the interpolant of one degree less
    /// that does not match the derivative at the window's last node (p minus its last Newton
    /// term). The estimate is of order h^(2m - 1) against the true error's h^(2m), so it errs
    /// on the safe side once the steps resolve the solution. Needs a full window; 0 otherwise.
    func errorRatio(at t: Double, absolute: Double, relative: Double) -> Double {
        guard count >= capacity else { return 0 }
        build()
        let d = dimension
        let top = 2 * builtNodes - 1
        var w = 1.0
        for r in 0..<top { w *= t - z[r] }
        evaluate(t, into: scratch)
        let c = coefficients + top * d
        var worst = 0.0
        for i in 0..<d {
            let e = abs(c[i] * w) / (absolute + (relative + roundingAllowance) * abs(scratch[i]))
            if !(e <= worst) { worst = e }
        }
        return worst
    }

    /// Writes the interpolated state at `t` into `out`; a node's own time gives its stored state.
    func evaluate(_ t: Double, into out: UnsafeMutablePointer<Double>) {
        let m = min(count, capacity)
        for j in 0..<m where times[(count - m + j) % capacity] == t {
            out.update(from: states + ((count - m + j) % capacity) * dimension, count: dimension)
            return
        }
        build()
        let d = dimension
        let top = 2 * builtNodes - 1
        out.update(from: coefficients + top * d, count: d)
        var r = top - 1
        while r >= 0 {
            let c = coefficients + r * d
            let w = t - z[r]
            for i in 0..<d { out[i] = out[i] * w + c[i] }
            r -= 1
        }
    }
}

/// The first crossing of each event, tracked from node to node and located on the interpolant.
final class _EventTracker {
    var events: [ODEEvent]
    /// g - level at the previous node, per event.
    private var previous: [Double]
    /// Per event: nil while no crossing was seen; else the node index that ends the bracketing interval.
    private var pending: [Int?]
    private var done: [Bool]
    private(set) var occurrences: [(index: Int, occurrence: EventOccurrence)] = []

    init(_ events: [ODEEvent]) {
        self.events = events
        previous = Array(repeating: .nan, count: events.count)
        pending = Array(repeating: nil, count: events.count)
        done = Array(repeating: false, count: events.count)
    }

    var isEmpty: Bool { events.isEmpty }

    /// Called with each new node (node 0 is the initial state).
    func observe(node n: Int, state: UnsafePointer<Double>) {
        for e in events.indices where !done[e] && pending[e] == nil {
            let g = events[e].function(state) - events[e].level
            let g0 = previous[e]
            previous[e] = g
            guard n > 0, g0.isFinite, g.isFinite else { continue }
            let crossed: Bool
            switch events[e].direction {
            case .up: crossed = g0 < 0 && g >= 0
            case .down: crossed = g0 > 0 && g <= 0
            case .either: crossed = (g0 < 0 && g >= 0) || (g0 > 0 && g <= 0)
            }
            if crossed { pending[e] = n }
        }
    }

    /// Locates the pending crossings whose interval ends at or before node `upTo`.
    func resolve(upTo: Int, nodes: _DenseNodes) {
        for e in events.indices where !done[e] {
            guard let n = pending[e], n <= upTo else { continue }
            let event = events[e]
            let y = nodes.scratch
            func g(_ t: Double) -> Double {
                nodes.evaluate(t, into: y)
                return event.function(UnsafePointer(y)) - event.level
            }
            var a = nodes.time(n - 1)
            var b = nodes.time(n)
            var ga = g(a)
            var gb = g(b)
            if ga == 0 {
                b = a
                gb = 0
            }
            // Illinois variant of regula falsi, falling back to bisection; the bracket shrinks
            // to a few ulps of t.
            var side = 0
            var iterations = 0
            while gb != 0 && abs(b - a) > 4 * Double.ulpOfOne * max(abs(a), abs(b)) && iterations < 200 {
                iterations += 1
                var c = (a * gb - b * ga) / (gb - ga)
                if !(c > min(a, b) && c < max(a, b)) || iterations % 8 == 0 { c = 0.5 * (a + b) }
                let gc = g(c)
                if gc == 0 {
                    a = c
                    b = c
                    gb = 0
                    break
                }
                if (gc < 0) == (gb < 0) {
                    b = c
                    gb = gc
                    if side == 1 { ga *= 0.5 }
                    side = 1
                } else {
                    a = c
                    ga = gc
                    if side == -1 { gb *= 0.5 }
                    side = -1
                }
            }
            let time = gb == 0 ? b : b
            nodes.evaluate(time, into: y)
            occurrences.append(
                (e, EventOccurrence(name: event.name, time: time, state: Array(UnsafeBufferPointer(start: y, count: nodes.dimension)))))
            done[e] = true
        }
    }

    /// The occurrences in the order the events were given.
    var ordered: [EventOccurrence] { occurrences.sorted { $0.index < $1.index }.map(\.occurrence) }
}
