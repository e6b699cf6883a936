import Foundation
import LindynIntegrator

/// The task a network learns, as the two correlation matrices of the loss
/// L = 1/2 tr(W Sigma_xx W^T) - tr(Sigma_yx^T W) + const (summed correlations): the flow, its
/// Jacobian, the descent and the closed forms all read it.
public struct NetworkTask: Sendable, Hashable {
    /// The input width n_0.
    public let inputs: Int
    /// The output width n_D.
    public let outputs: Int
    /// Sigma_yx, n_D x n_0 row-major.
    public let sigmaYX: [Double]
    /// Sigma_xx, n_0 x n_0 row-major (any symmetric positive semi-definite matrix); nil for the
    /// identity (whitened input).
    public let sigmaXX: [Double]?

    /// A task of `inputs` x `outputs` with the given correlations.
    /// - Throws: `ArgumentError` naming `inputs`, `outputs`, `sigmaYX` or `sigmaXX` when a
    ///   width is below 1 or a matrix has the wrong number of entries or a non-finite one.
    public init(inputs: Int, outputs: Int, sigmaYX: [Double], sigmaXX: [Double]? = nil) throws(ArgumentError) {
        guard inputs >= 1 else { throw ArgumentError(argument: "inputs", message: "must be at least 1, got \(inputs)") }
        guard outputs >= 1 else { throw ArgumentError(argument: "outputs", message: "must be at least 1, got \(outputs)") }
        guard sigmaYX.count == inputs * outputs else {
            throw ArgumentError(argument: "sigmaYX", message: "Sigma_yx must be n_D x n_0 = \(outputs) x \(inputs) (\(inputs * outputs) entries), got \(sigmaYX.count)")
        }
        try BuilderCheck.finiteValues(sigmaYX, "sigmaYX")
        if let xx = sigmaXX {
            guard xx.count == inputs * inputs else {
                throw ArgumentError(argument: "sigmaXX", message: "Sigma_xx must be n_0 x n_0 = \(inputs) x \(inputs) (\(inputs * inputs) entries), got \(xx.count)")
            }
            try BuilderCheck.finiteValues(xx, "sigmaXX")
        }
        self.inputs = inputs
        self.outputs = outputs
        self.sigmaYX = sigmaYX
        self.sigmaXX = sigmaXX
    }

    /// Whether Sigma_xx is the identity.
    public var isWhitened: Bool { sigmaXX == nil }

    /// The singular value decomposition Sigma_yx = U S V^T: U (n_D x n_D) and V (n_0 x n_0)
    /// orthogonal, row-major; S descending, min(n_0, n_D) values.
    /// - Throws: `LinearAlgebra.Failure` when GSL's decomposition fails.
    public func singularValueDecomposition() throws(LinearAlgebra.Failure) -> (u: [Double], s: [Double], v: [Double]) {
        try LinearAlgebra.singularValueDecomposition(sigmaYX, rows: outputs, columns: inputs)
    }
}

/// The product entries W_D ... W_1 are observables (`W_i_j`) up to this many entries
/// (n_D n_0); wider networks observe only their mode strengths.
let productObservableLimit = 4096

extension NetworkModel {
    /// Whether the entries of the product W_D ... W_1 are observed (n_D n_0 at most 4096).
    public var observesProduct: Bool { widths[0] * widths[depth] <= productObservableLimit }

    /// Whether W1^T W1 and W2 W2^T are observed: two layers, a balanced or explicit start,
    /// n_0^2 + n_D^2 <= 4096.
    public var observesGram: Bool {
        depth == 2 && [.zeroBalanced, .lambdaBalanced, .explicit].contains(initKind)
            && widths[0] * widths[0] + widths[2] * widths[2] <= productObservableLimit
    }

    var gramNames: [String] {
        guard observesGram else { return [] }
        var names: [String] = []
        for (prefix, n) in [("G1", widths[0]), ("G2", widths[2])] {
            for i in 0..<n { for j in 0..<n { names.append("\(prefix)_\(i + 1)_\(j + 1)") } }
        }
        return names
    }

    /// Names of the product entries `W_i_j` (1-based output row i, input column j).
    var productNames: [String] {
        guard observesProduct else { return [] }
        var names: [String] = []
        for i in 0..<widths[depth] {
            for j in 0..<widths[0] { names.append("W_\(i + 1)_\(j + 1)") }
        }
        return names
    }

    /// A network learning an explicit task (`correlation`: Sigma_yx with whitened input, or any
    /// Sigma_xx given here). The modes are Sigma_yx's singular directions, one per singular value
    /// (min(n_0, n_D)); a decoupled init puts `scale` on each in every layer as in `NetworkModel.saxe`.
    ///
    /// The defaults are those of a `network` model with `correlation` in a problem file.
    /// - Throws: `ArgumentError` naming the argument at fault (`task` also when its
    ///   decomposition fails).
    public static func correlated(
        widths: [Int], task: NetworkTask, initialization: NetworkInit? = nil, weightDecay: Double = 0, dropout: DropoutSettings? = nil,
        noiseVariance: Double = 0, samples: Double = 1, tau: Double = 1
    ) throws(ArgumentError) -> NetworkModel {
        try BuilderCheck.widths(widths)
        let n0 = widths[0], nD = widths[widths.count - 1]
        guard task.inputs == n0, task.outputs == nD else {
            throw ArgumentError(argument: "task", message: "the task is \(task.outputs) x \(task.inputs) but the widths need n_D x n_0 = \(nD) x \(n0)")
        }
        guard n0 + nD <= 2048 else {
            throw ArgumentError(argument: "task", message: "an explicit correlation is supported for n0 + nD <= 2048 (its decomposition costs (n0 + nD)^3); got \(n0 + nD)")
        }
        let initialization = initialization ?? .standard(depth: widths.count - 1)
        try BuilderCheck.initialization(initialization, widths: widths)
        try BuilderCheck.nonNegative(noiseVariance, "noiseVariance")
        try BuilderCheck.samples(samples)
        let u: [Double], s: [Double], v: [Double]
        do {
            (u, s, v) = try task.singularValueDecomposition()
        } catch {
            throw ArgumentError(argument: "task", message: "Sigma_yx could not be decomposed: \(error)")
        }
        var sigmaXX = task.sigmaXX
        let noise = samples * noiseVariance
        if noise != 0 {
            var xx = sigmaXX ?? identity(n0)
            for i in 0..<n0 { xx[i * n0 + i] += noise }
            sigmaXX = xx
        }
        let capacity = widths.dropFirst().dropLast().min() ?? min(n0, nD)
        let depth = widths.count - 1
        let modes = s.enumerated().map { a, value in
            let input = column(v, n0, a)
            var variance = 1.0
            if let xx = task.sigmaXX {
                variance = 0
                for i in 0..<n0 { for j in 0..<n0 { variance += input[i] * xx[i * n0 + j] * input[j] } }
            }
            return NetworkMode(
                s: value, inputVariance: variance, output: column(u, nD, a), input: input,
                initialStrength: initialization.kind == .decoupled ? (a < capacity ? pow(initialization.scale, Double(depth)) : 0) : nil,
                learnable: a < capacity)
        }
        let weights = initialWeights(widths: widths, u: u, v: v, modeCount: min(s.count, capacity), initialization: initialization)
        var model = try NetworkModel(
            kind: "network", widths: widths, task: NetworkTask(inputs: n0, outputs: nD, sigmaYX: task.sigmaYX, sigmaXX: sigmaXX),
            modes: modes, initialWeights: weights, weightDecay: weightDecay, dropout: dropout, noiseVariance: noiseVariance,
            samples: samples, tau: tau)
        model.initKind = initialization.kind
        return model
    }
}

extension ModelParser {
    /// A row-major matrix from nested lists (`rows` lists of `columns` numbers), the shape
    /// checked and named.
    static func matrix(_ f: Field, rows: Int, columns: Int, what: String) throws(ProblemFileError) -> [Double] {
        let items = try f.items("\(what): \(rows) rows of \(columns) numbers")
        guard items.count == rows else { throw f.error("\(what) must have \(rows) rows, got \(items.count)") }
        var out: [Double] = []
        out.reserveCapacity(rows * columns)
        for row in items {
            let values = try row.doubles("a row of \(columns) numbers")
            guard values.count == columns else { throw row.error("\(what) must have \(columns) columns, got \(values.count)") }
            guard values.allSatisfy(\.isFinite) else { throw row.error("entries must be finite numbers") }
            out += values
        }
        return out
    }

    /// `init.weights`: one matrix per layer, W_l of shape n_l x n_(l-1), concatenated in state order.
    static func explicitWeights(_ f: Field, widths: [Int]) throws(ProblemFileError) -> [Double] {
        let layers = try f.items("a list of \(widths.count - 1) weight matrices [W1, W2, ...]")
        guard layers.count == widths.count - 1 else {
            throw f.error("expected \(widths.count - 1) weight matrices (one per layer), got \(layers.count)")
        }
        var out: [Double] = []
        for (l, layer) in layers.enumerated() {
            out += try matrix(layer, rows: widths[l + 1], columns: widths[l], what: "W\(l + 1)")
        }
        return out
    }
}
