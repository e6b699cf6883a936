import Foundation

/// What one run of a contender did: the counters GSL's loop exposes and the final state, so the
/// Swift and C runs can be checked against each other.
struct RunOutcome {
    var acceptedSteps = 0
    var rejectedSteps = 0
    var rhsEvaluations = 0
    var jacobianEvaluations = 0
    var finalState: [Double] = []
    /// Every output state, row after row (kept to measure the error over all outputs after the
    /// timing, not inside it).
    var rows: [Double] = []
    /// Non-nil when the run failed (the message says how).
    var failure: String? = nil
}

/// Monotonic wall time in seconds.
@inline(__always)
func wallSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
}

/// Whether the side-by-side samples read this process's CPU time instead of wall time
/// (`--cpu-time`): on a loaded machine a descheduled process accrues no CPU time, so the samples
/// scatter far less; wall time stays the default (it also counts what CPU time hides, such as
/// waiting on a second BLAS thread).
let samplesUseCPUTime = CommandLine.arguments.contains("--cpu-time")

/// The clock of the side-by-side samples (see ``samplesUseCPUTime``).
@inline(__always)
func sampleSeconds() -> Double {
    if samplesUseCPUTime {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }
    return wallSeconds()
}

func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty)
    let sorted = values.sorted()
    let m = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m])
}

/// Timing settings shared by every case.
struct TimingSettings {
    /// Timed samples per contender (after one warm-up run of each).
    var repetitions: Int
    /// A sample repeats a short run until it lasts about this long, and reports the time per run.
    var sampleSeconds: Double
}

/// Side-by-side timing of several contenders: one warm-up run each, then `repetitions` rounds;
/// within a round every contender runs once (one sample), and the order rotates from round to
/// round so that neither side always runs first. Each sample repeats the run `inner` times, with
/// `inner` chosen from the warm-up so that a sample lasts about `sampleSeconds`.
struct SideBySide {
    let names: [String]
    /// Seconds per run, one array per contender, in round order.
    var samples: [[Double]]
    /// Process CPU seconds per run, likewise (load inflates them far less than wall time).
    var cpuSamples: [[Double]]
    /// The outcome of the last run of each contender.
    var outcomes: [RunOutcome]
    var inner: Int

    init(_ contenders: [(name: String, run: () -> RunOutcome)], settings: TimingSettings) {
        names = contenders.map(\.name)
        var warm: [Double] = []
        var outcomes: [RunOutcome] = []
        for contender in contenders {
            let start = sampleSeconds()
            outcomes.append(contender.run())
            warm.append(sampleSeconds() - start)
        }
        let fastest = max(warm.min() ?? 0, 1e-9)
        inner = max(1, min(100_000, Int((settings.sampleSeconds / fastest).rounded(.up))))
        samples = Array(repeating: [], count: contenders.count)
        cpuSamples = samples
        for round in 0..<settings.repetitions {
            for k in 0..<contenders.count {
                let index = (k + round) % contenders.count
                let start = sampleSeconds()
                let cpuStart = processCPUSeconds()
                for _ in 0..<inner { outcomes[index] = contenders[index].run() }
                samples[index].append((sampleSeconds() - start) / Double(inner))
                cpuSamples[index].append((processCPUSeconds() - cpuStart) / Double(inner))
            }
        }
        self.outcomes = outcomes
    }

    func medianSeconds(_ k: Int) -> Double { median(samples[k]) }

    func medianCPUSeconds(_ k: Int) -> Double { median(cpuSamples[k]) }

    /// The median over rounds of sample(a) / sample(b): each ratio compares runs taken moments
    /// apart, which cancels most of the drift in the machine's load.
    func pairedRatio(_ a: Int, _ b: Int) -> Double {
        median(zip(samples[a], samples[b]).map { $0 / $1 })
    }
}

/// Prints a line and flushes at once, so progress shows while long cases run.
func say(_ line: String = "") {
    print(line)
    fflush(nil)
}
