internal import CGSL

/// Dense output for rk8pd from the stepper's own stages: after each accepted step that holds
/// output times, the outputs are evaluated on the step's continuous extension
/// (`lindyn_rk8pd_interpolate` in `Sources/CGSL/shim.h`), whose error is estimated from its
/// defect at one point of the step (one right-hand side). In ``OutputMode/dense`` a step whose
/// estimate exceeds the tolerance is taken again, shorter (``produce`` answers `.retry`; after
/// ``maxRetries`` retries its outputs are recomputed by fresh rk8pd steps from the step's start,
/// 12 right-hand sides each, at the stepper's own accuracy), and the steps near outputs are
/// capped so that the estimate stays below the tolerance; in ``OutputMode/interpolate`` the
/// estimate is only reported. Buffers are allocated once per solve.
final class _RK8PDDense {
    let dimension: Int
    let controlled: Bool
    private let work: UnsafeMutablePointer<Double>
    private let out: UnsafeMutablePointer<Double>
    private let yerr: UnsafeMutablePointer<Double>
    private var aux: UnsafeMutablePointer<gsl_odeiv2_step>?
    /// Right-hand sides spent on the estimates and the recomputed outputs.
    private(set) var evaluations = 0
    /// Steps taken again because their interpolant was not accurate enough.
    private(set) var retries = 0
    private var retriesThisStep = 0
    /// Retries of one step before its outputs are recomputed instead.
    static let maxRetries = 4

    enum Outcome {
        case produced
        /// Take the step again from its start with the (shortened) step cap.
        case retry
        case failed(Int32)
    }

    init(dimension: Int, controlled: Bool) {
        self.dimension = dimension
        self.controlled = controlled
        work = .allocate(capacity: 3 * dimension)
        out = .allocate(capacity: dimension)
        yerr = .allocate(capacity: dimension)
    }

    deinit {
        work.deallocate()
        out.deallocate()
        yerr.deallocate()
        if let aux { gsl_odeiv2_step_free(aux) }
    }

    /// Appends the outputs in (`start`, `end`] of the step `step` just took (`y` its result,
    /// `derivativeOut` f at its end), or asks for the step to be taken again.
    func produce(
        step: UnsafeMutablePointer<gsl_odeiv2_step>, evolve: UnsafeMutablePointer<gsl_odeiv2_evolve>,
        system: UnsafeMutablePointer<gsl_odeiv2_system>, derivativeOut: UnsafePointer<Double>, start: Double, end: Double,
        y: UnsafeBufferPointer<Double>, absolute: Double, relative: Double, outputTimes: [Double], next: inout Int,
        solution: inout Solution, worstRatio: inout Double, stepCap: inout Double
    ) -> Outcome {
        let h = lindyn_evolve_last_step(evolve)
        var status: Int32 = 0
        let ratio = lindyn_rk8pd_defect_ratio(step, system, derivativeOut, start, h, absolute, relative, work, &status)
        evaluations += 1
        if ratio < 0 { return .failed(status == 0 ? Int32(GSL_EBADFUNC) : status) }
        var restep = false
        if controlled {
            if ratio > 0 { stepCap = h * min(5, max(0.2, 0.9 * pow(ratio, -1.0 / 6))) }
            restep = ratio > 1
            if restep && retriesThisStep < Self.maxRetries && stepCap > 1e4 * start.ulp {
                retriesThisStep += 1
                retries += 1
                return .retry
            }
        }
        retriesThisStep = 0
        if !restep { worstRatio = max(worstRatio, ratio) }
        let count = outputTimes.count
        if !restep {
            // The outputs strictly inside the step, interpolated in one call into the solution's
            // storage; one at the step's end takes the state itself.
            var last = next
            while last < count && outputTimes[last] < end { last += 1 }
            let inside = last - next
            if inside > 0 {
                let first = solution.states.count
                solution.states.append(contentsOf: repeatElement(0, count: inside * dimension))
                outputTimes.withUnsafeBufferPointer { times in
                    solution.states.withUnsafeMutableBufferPointer { states in
                        lindyn_rk8pd_interpolate_many(
                            step, derivativeOut, start, h, times.baseAddress! + next, inside, dimension, states.baseAddress! + first)
                    }
                }
                solution.times.append(contentsOf: outputTimes[next..<last])
                next = last
            }
        }
        while next < count && outputTimes[next] <= end {
            let time = outputTimes[next]
            if time == end {
                solution.append(time: time, state: y)
            } else {
                if aux == nil {
                    aux = gsl_odeiv2_step_alloc(lindyn_step_rk8pd(), dimension)
                    if aux == nil { return .failed(Int32(GSL_ENOMEM)) }
                }
                let s = lindyn_rk8pd_restep(aux, step, system, start, time - start, out, yerr)
                evaluations += 12
                if s != GSL_SUCCESS { return .failed(s) }
                solution.append(time: time, state: UnsafeBufferPointer(start: out, count: dimension))
            }
            next += 1
        }
        return .produced
    }
}
