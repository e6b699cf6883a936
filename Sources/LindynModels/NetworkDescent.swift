/// Gradient descent on a two-layer network whose flow has no dropout penalty, with the update
/// folded into the matrix products, as a hand-written BLAS loop does it. One epoch is
///
///     E   = Sigma_yx - m W2 W1 Sigma_xx
///     dW2 = (m/tau) E W1^T                                 (from the old W1)
///     W1 <- (1 - lambda/tau) W1 + (m/tau) W2^T E            (one dgemm with beta = 1 - lambda/tau)
///     W2 <- W2 + (dW2 - (lambda/tau) W2)                    (one pass, which also finds max |W2|)
///
/// and a read-only pass over W1 completes the divergence check's largest weight. This is the
/// forward-Euler step of ``NetworkModel/Flow`` with a step of one epoch, as ``EulerDescent``
/// takes it; W2 is rounded exactly as there, W1 differs by rounding only (the product is added
/// to W1 inside dgemm instead of after it, and with weight decay W1 is scaled there too). The
/// saved pass is the update of W1 through a separate buffer, a third of a 256-wide epoch's
/// memory traffic outside the products.
final class TwoLayerNetworkDescent: DescentProcess {
    let weightNames: [String]
    let observableNames: [String]
    let learningRate: Double
    private let flow: NetworkModel.Flow
    private let w: UnsafeMutableBufferPointer<Double>
    private let dw2: UnsafeMutableBufferPointer<Double>
    /// max |w_i| after the last step when every weight is finite; nil otherwise.
    private var magnitudeAfterStep: Double?

    init(flow: NetworkModel.Flow, initial: [Double], weightNames: [String], observableNames: [String]) {
        precondition(flow.foldsDescentUpdate && initial.count == flow.dimension)
        self.flow = flow
        self.weightNames = weightNames
        self.observableNames = observableNames
        learningRate = flow.invTau
        w = .allocate(capacity: initial.count)
        _ = w.initialize(from: initial)
        dw2 = .allocate(capacity: max(1, flow.dimension - flow.offsets[1]))
        dw2.initialize(repeating: 0)
    }

    deinit {
        w.deallocate()
        dw2.deallocate()
    }

    var weights: [Double] { Array(w) }

    func step(epoch: Int) throws {
        magnitudeAfterStep = flow.twoLayerDescentStep(w.baseAddress!, dw2.baseAddress!)
    }

    func observables(into out: UnsafeMutablePointer<Double>) {
        flow.observe(UnsafePointer(w.baseAddress!), out)
    }

    func largestMagnitude() -> Double { magnitudeAfterStep ?? _largestMagnitude(UnsafeBufferPointer(w)) }
}

extension NetworkModel.Flow {
    /// Whether descent on this flow can fold its update into the products: two layers and no
    /// dropout variance term (the flow is then ``twoLayerRightHandSide(_:_:)`` exactly).
    var foldsDescentUpdate: Bool { depth == 2 && maskVariance == 0 }

    /// One epoch w <- w + f(w) in place (`dw2` holds n2 x n1 doubles of scratch). Returns
    /// max |w_i| of the new weights when all are finite, nil otherwise. No allocation.
    func twoLayerDescentStep(_ w: UnsafeMutablePointer<Double>, _ dw2: UnsafeMutablePointer<Double>) -> Double? {
        let n1 = widths[1], n2 = widths[2]
        let w1 = w, w2 = w + offsets[1]
        let scale = maskMean * invTau
        let decay = lambda * invTau
        twoLayerResidual(w1, w2)
        gemm(false, true, n2, n1, n0, scale, e, n0, w1, n0, 0, dw2, n1)
        gemm(true, false, n1, n0, n2, scale, w2, n1, e, n0, 1 - decay, w1, n0)
        var scan = _MagnitudeScan()
        scan.update(w2, adding: dw2, decay: decay, count: n2 * n1)
        scan.scan(w1, count: n1 * n0)
        return scan.largestMagnitude
    }
}
