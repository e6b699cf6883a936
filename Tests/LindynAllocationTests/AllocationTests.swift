import CAllocationCounter
import Foundation
import LindynIntegrator
import LindynModels
import Testing

/// No right-hand side, Jacobian or descent step allocates: the integrator calls them thousands
/// of times a solve, and a heap allocation costs as much as a small right-hand side.
///
/// `CAllocationCounter` interposes malloc, calloc, realloc, posix_memalign, aligned_alloc and
/// memalign in the test executable and counts the calling thread's allocations while switched on
/// (frees are not counted, so an allocation freed at once is still seen). Each check calls the
/// function once to warm up (lazy runtime metadata, OpenBLAS's first-call buffers), then counts
/// over `calls` more calls and expects zero. Matrix products may run on OpenBLAS's own threads,
/// which are not counted; OpenBLAS allocates its buffers once, at start-up.
@Suite struct AllocationTests {
    static let calls = 50

    /// Allocations made by `body` on this thread over `calls` calls, after one warm-up call.
    static func allocations(_ body: () throws -> Void) rethrows -> Int {
        try body()
        lindyn_allocation_counting_start()
        for _ in 0..<calls { try body() }
        return lindyn_allocation_counting_stop()
    }

    /// Counts the right-hand side, the Jacobian (when provided) and one descent step (when the
    /// dynamics are a gradient flow) of `dynamics`, through the existential types the
    /// integrator and `Simulation` use.
    static func check(_ name: String, _ dynamics: any Dynamics) throws {
        let flow = try dynamics.makeFlow()
        let system = flow.system
        let p = system.dimension
        var y = dynamics.initialState
        for i in y.indices { y[i] += 0.01 * Double(i % 7) }
        var f = [Double](repeating: 0, count: p)
        var jacobian = [Double](repeating: 0, count: system.providesJacobian ? p * p : 1)
        var dfdt = [Double](repeating: 0, count: p)
        try y.withUnsafeBufferPointer { y in
            try f.withUnsafeMutableBufferPointer { f in
                let rhs = try allocations { try system.rightHandSide(t: 0.5, y: y.baseAddress!, dydt: f.baseAddress!) }
                #expect(rhs == 0, "\(name): the right-hand side allocated \(rhs) times in \(calls) calls")
            }
            if system.providesJacobian {
                try jacobian.withUnsafeMutableBufferPointer { j in
                    try dfdt.withUnsafeMutableBufferPointer { dt in
                        let count = try allocations {
                            try system.jacobian(t: 0.5, y: y.baseAddress!, dfdy: j.baseAddress!, dfdt: dt.baseAddress!)
                        }
                        #expect(count == 0, "\(name): the Jacobian allocated \(count) times in \(calls) calls")
                    }
                }
            }
        }
        if dynamics.tau != nil {
            for monteCarlo in [false, true] {
                let process = try dynamics.makeDescent(DescentOptions(monteCarlo: monteCarlo))
                var epoch = 0
                let count = try allocations {
                    try process.step(epoch: epoch)
                    epoch += 1
                }
                #expect(count == 0, "\(name): a descent step\(monteCarlo ? " (Monte-Carlo)" : "") allocated \(count) times in \(calls) calls")
            }
        }
    }

    @Test func counterIsActive() {
        #expect(lindyn_allocation_counter_active() == 1, "malloc is not interposed: the allocation tests would see nothing")
    }

    /// The check sees an allocation made inside a right-hand side.
    @Test func detectsAnAllocatingRightHandSide() throws {
        try #require(lindyn_allocation_counter_active() == 1)
        struct Allocating: ODESystem {
            var dimension: Int { 2 }
            func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
                let scratch = (0..<dimension).map { y[$0] * t }
                for i in 0..<dimension { dydt[i] = scratch[i] }
            }
        }
        var f = [0.0, 0.0]
        let y = [1.0, 2.0]
        let count = y.withUnsafeBufferPointer { y in
            f.withUnsafeMutableBufferPointer { f in
                Self.allocations { Allocating().rightHandSide(t: 1, y: y.baseAddress!, dydt: f.baseAddress!) }
            }
        }
        #expect(count >= Self.calls)
    }

    @Test func builtInModels() throws {
        try #require(lindyn_allocation_counter_active() == 1)
        try Self.check("scalar", ScalarModel(x: 1, y: 1, w1: 0.1, w2: 0.2))
        try Self.check("scalar with decay", ScalarModel(x: 1.3, y: 0.8, w1: 0.4, w2: -0.6, weightDecay: 0.2, tau: 3))
        try Self.check("mode", ModeModel(s: 3, u0: 1e-3))
        try Self.check("deep mode", ModeModel(s: 3, u0: 0.4, depth: 5, weightDecay: 0.1))
        try Self.check(
            "mode with dropout", ModeModel(s: 3, u0: 0.01, dropout: DropoutSettings(keep: 0.8, inverted: true, units: 4)))
        try Self.check("chain", ChainModel(s: 2, initialWeights: [0.7, 1.1, 0.4, 0.9], weightDecay: 0.05, tau: 1.5))
        let seeds = NetworkInit(kind: .random, scale: 0.4, seed: 3)
        try Self.check(
            "network, whitened",
            NetworkModel.saxe(
                widths: [6, 6, 6], singularValues: [3, 2, 1], inputEigenvalues: nil, initialization: seeds,
                weightDecay: 0, dropout: nil, noiseVariance: 0, samples: 1, aligned: false, seed: 5, tau: 1))
        try Self.check(
            "network, correlated input and decay",
            NetworkModel.saxe(
                widths: [3, 4, 2], singularValues: [2, 0.5], inputEigenvalues: [1.5, 1, 0.7], initialization: seeds,
                weightDecay: 0.1, dropout: nil, noiseVariance: 0.05, samples: 2, aligned: false, seed: 5, tau: 2))
        try Self.check(
            "network, depth 3",
            NetworkModel.saxe(
                widths: [3, 3, 3, 3], singularValues: [2, 1, 0.5], inputEigenvalues: nil, initialization: seeds,
                weightDecay: 0.01, dropout: nil, noiseVariance: 0, samples: 1, aligned: false, seed: 5, tau: 1))
        try Self.check(
            "network with dropout",
            NetworkModel.saxe(
                widths: [3, 4, 3], singularValues: [2, 1, 0.5], inputEigenvalues: nil, initialization: seeds,
                weightDecay: 0, dropout: DropoutSettings(keep: 0.7), noiseVariance: 0, samples: 1, aligned: false,
                seed: 5, tau: 1))
        try Self.check(
            "autoencoder",
            NetworkModel.autoencoder(
                eigenvalues: [2, 1, 0.5], hidden: 2, samples: 1, noiseVariance: 0.1, weightDecay: 0.05,
                initialization: seeds, aligned: false, seed: 5, tau: 1))
    }

    /// Every shipped problem file: compiled `system` expressions, losses and the model files.
    @Test func shippedProblemFiles() throws {
        try #require(lindyn_allocation_counter_active() == 1)
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Validation/problems").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 5)
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let problem = try Problem.load(text: text)
            try Self.check(file, problem.dynamics)
        }
    }
}
