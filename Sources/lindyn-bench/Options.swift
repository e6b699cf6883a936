import Foundation

/// The command line of `lindyn-bench`.
struct BenchOptions {
    /// Selected problems (`scalar`) or problem/stepper pairs (`scalar/rk8pd`); also `dgemm`.
    var cases: [String]? = nil
    var repetitions = 5
    var sampleSeconds = 0.05
    var descentEpochs = 1_000
    var jsonPath: String? = "bench-out/lindyn-bench.json"
    var comparePaths: [String] = []
    var blasThreads: Int? = nil
    var quick = false
    var list = false
    /// Runs of `lindyn validate`'s shipped grid per worker count.
    var gridRepetitions = 3
    /// `--profile CASE SIDE SECONDS`: run one side of one case in a loop (for perf or callgrind).
    var profile: (id: String, side: String, seconds: Double)? = nil

    static let usage = """
        usage: lindyn-bench [--cases LIST] [--repetitions N] [--json FILE | --no-json] [--compare FILE]
                            [--epochs N] [--blas-threads N] [--cpu-time] [--quick] [--list]

        Runs each benchmark case with Lindyn and with the C baseline (GSL driven directly with
        hand-written right-hand sides) side by side: one warm-up run each, then N rounds in
        alternating order. Prints median times per run and the Swift/C ratio (the median of the
        per-round ratios), checks that both took identical steps and evaluations, and writes JSON.

          --cases LIST       comma-separated problems (scalar, mode, chain, scalar-expr, robertson,
                             vanderpol, network16, network64, network256, descent256, dgemm, grid,
                             controllers, dense, validate)
                             or problem/stepper pairs (scalar/rk8pd); `all` for every case.
                             Default: every case (`--quick`: all but network256, grid and validate).
          --repetitions N    timed rounds per case (default 5; 3 with --quick)
          --json FILE        where to write the results (default bench-out/lindyn-bench.json)
          --no-json          write no JSON
          --compare FILE     a SciPy or diffrax baseline JSON (Validation/bench/scipy_baseline.py,
                             diffrax_baseline.py) or an earlier lindyn-bench JSON: print the
                             ratios against it (repeat for several files). Without --cases,
                             runs the problems that the files hold.
          --epochs N         descent256 epochs per run (default 1000; tau = epochs / 10); the
                             report extrapolates per-epoch costs to 10^5 epochs
          --blas-threads N   OpenBLAS threads for the matrix products (default: OpenBLAS's own)
          --cpu-time         time the Lindyn/C samples by this process's CPU time instead of wall
                             time (steadier on a loaded machine; single-threaded cases only)
          --quick            3 rounds, short samples, 100 descent epochs, no network256, grid or validate
          --list             print the case names and exit
          --profile CASE SIDE SECONDS
                             run only one side (lindyn or c) of one case in a loop for SECONDS,
                             untimed, for a profiler (perf record, valgrind --tool=callgrind)

        Exit status: 0; 1 when a run failed or the Swift and C counters differ; 64 bad usage.
        """

    static func parse(_ arguments: [String]) -> BenchOptions {
        var options = BenchOptions()
        var repetitionsGiven = false
        var epochsGiven = false
        var k = 0
        func value(_ flag: String) -> String {
            k += 1
            guard k < arguments.count else { fail("\(flag) needs a value") }
            return arguments[k]
        }
        func positive(_ flag: String) -> Int {
            let text = value(flag)
            guard let n = Int(text), n >= 1 else { fail("\(flag) needs a positive integer, got '\(text)'") }
            return n
        }
        while k < arguments.count {
            let argument = arguments[k]
            switch argument {
            case "--cases":
                options.cases = value(argument).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case "--repetitions":
                options.repetitions = positive(argument)
                repetitionsGiven = true
            case "--json": options.jsonPath = value(argument)
            case "--no-json": options.jsonPath = nil
            case "--compare": options.comparePaths.append(value(argument))
            case "--epochs":
                options.descentEpochs = positive(argument)
                epochsGiven = true
            case "--blas-threads": options.blasThreads = positive(argument)
            case "--quick": options.quick = true
            case "--cpu-time": break  // read by `samplesUseCPUTime`
            case "--list": options.list = true
            case "--profile":
                let id = value(argument)
                let side = value(argument)
                guard side == "lindyn" || side == "c" else { fail("--profile SIDE is lindyn or c") }
                guard let seconds = Double(value(argument)), seconds > 0 else { fail("--profile SECONDS must be positive") }
                options.profile = (id, side, seconds)
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument '\(argument)'")
            }
            k += 1
        }
        if options.quick {
            if !repetitionsGiven { options.repetitions = 3 }
            if !epochsGiven { options.descentEpochs = 100 }
            options.sampleSeconds = 0.02
            options.gridRepetitions = 1
        }
        if options.descentEpochs < 10 { fail("--epochs must be at least 10 (tau = epochs / 10)") }
        return options
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("lindyn-bench: \(message)\n\(usage)\n".utf8))
        exit(64)
    }
}
