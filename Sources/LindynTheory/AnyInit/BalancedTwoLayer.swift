import Foundation

/// The exact gradient flow of a two-layer linear network y = W2 W1 x from any lambda-balanced
/// start (W2^T W2 - W1 W1^T = lambda I, lambda = 0 being zero-balanced), whitened input, loss
/// 1/2 ||Sigma_yx - W2 W1||_F^2 + const, tau W' = -dL/dW, t in epochs. Task-aligned starts are
/// not needed. (Braun, Dominé, Fitzgerald and Saxe 2022 for lambda = 0; Dominé et al. 2025 for
/// any lambda; derivation in `Notes/any-init.md`.)
///
/// With Q = [W1^T; W2] ((n0 + n2) x n1) and F = [[-lambda/2 I, Sigma^T], [Sigma, lambda/2 I]], the
/// flow is the matrix Riccati equation tau Q' = F Q - (1/2) Q Q^T Q, and P = Q Q^T solves
///     P(T) = e^{FT} Q0 [I + Q0^T K(T) Q0]^{-1} Q0^T e^{FT},   K(T) = int_0^T e^{2Fr} dr,   T = t/tau,
/// whose blocks are W1^T W1 (top left, n0 x n0), W2 W1 (bottom left, n2 x n0) and W2 W2^T
/// (bottom right). K is evaluated through F's eigendecomposition F = E diag(f) E^T as
/// E diag((e^{2fT} - 1)/(2f)) E^T (-> T at f = 0), so a singular F (n0 != n2, rank-deficient
/// Sigma) needs no inverse. Long times are evaluated in chunks with |f| dT <= `chunk`, carrying a
/// factor Q with Q Q^T = P from chunk to chunk (Q <- e^{F dT} Q L^{-T}, L L^T = I + Q^T K(dT) Q):
/// straight from Q0 the bracket's condition number grows like e^{2 |f| T} and accuracy is lost.
///
/// P determines the weights only up to a rotation of the hidden layer, which the closed form
/// does not fix (the flow's own rotation is not a closed form for n1 > 1); for n1 = 1 the carried
/// factor is the weight vector itself.
public struct BalancedTwoLayerSolution: Sendable {
    /// Input width `n0` (columns of W1).
    public let inputs: Int
    /// Hidden width `n1` (rows of W1, columns of W2).
    public let hidden: Int
    /// Output width `n2` (rows of W2).
    public let outputs: Int
    /// The balance lambda read off the start.
    public let lambda: Double
    /// Time constant `tau = 1/learningRate` (epochs).
    public let tau: Double
    /// Sigma_yx (outputs x inputs).
    public let sigma: Matrix
    /// F's eigendecomposition.
    public let spectrum: SymmetricEigensystem
    /// The start as Q0 = [W1^T; W2].
    public let q0: Matrix
    /// The largest |f| dT of one chunk.
    public let chunk: Double

    /// - Parameters:
    ///   - w1: W1 (hidden x inputs).
    ///   - w2: W2 (outputs x hidden).
    ///   - sigma: Sigma_yx (outputs x inputs), with whitened input.
    ///   - tau: the time constant (1 / learning rate); times are in epochs.
    ///   - chunk: the largest |f| dT of one chunk of the long-time evaluation.
    ///   - balanceTolerance: the largest accepted ||W2^T W2 - W1 W1^T - lambda I||_F relative to
    ///     the larger of ||W1 W1^T||_F, ||W2^T W2||_F and |lambda| sqrt(n1).
    /// - Throws: `invalidParameter` naming `balance` (with the measured imbalance) when the start
    ///   is not lambda-balanced, `tau` when not positive, `weights` for mismatched shapes or
    ///   non-finite entries.
    public init(w1: Matrix, w2: Matrix, sigma: Matrix, tau: Double, chunk: Double = 2, balanceTolerance: Double = 1e-9) throws(TheoryError) {
        try _requirePositive(tau, "tau")
        try _requirePositive(chunk, "chunk")
        guard w1.rows == w2.columns, sigma.rows == w2.rows, sigma.columns == w1.columns else {
            throw .invalidParameter(name: "weights", value: Double(w1.rows), requirement: "shapes W1 n1 x n0, W2 n2 x n1, Sigma n2 x n0")
        }
        guard (w1.values + w2.values + sigma.values).allSatisfy(\.isFinite) else {
            throw .invalidParameter(name: "weights", value: .nan, requirement: "finite")
        }
        let (lambda, imbalance) = Self.balance(w1: w1, w2: w2)
        guard imbalance <= balanceTolerance else {
            throw .invalidParameter(
                name: "balance", value: imbalance,
                requirement: "at most \(balanceTolerance): W2^T W2 - W1 W1^T must be lambda I (relative deviation from lambda = \(lambda) is \(imbalance))")
        }
        self.init(unchecked: w1, w2: w2, sigma: sigma, lambda: lambda, tau: tau, chunk: chunk)
    }

    init(unchecked w1: Matrix, w2: Matrix, sigma: Matrix, lambda: Double, tau: Double, chunk: Double) {
        inputs = w1.columns
        hidden = w1.rows
        outputs = w2.rows
        self.lambda = lambda
        self.tau = tau
        self.sigma = sigma
        self.chunk = chunk
        let n = inputs + outputs
        var f = Matrix(rows: n, columns: n)
        for i in 0..<inputs { f[i, i] = -lambda / 2 }
        for i in 0..<outputs { f[inputs + i, inputs + i] = lambda / 2 }
        for i in 0..<outputs {
            for j in 0..<inputs {
                f[inputs + i, j] = sigma[i, j]
                f[j, inputs + i] = sigma[i, j]
            }
        }
        spectrum = SymmetricEigensystem(f)
        var q = Matrix(rows: n, columns: hidden)
        for h in 0..<hidden {
            for j in 0..<inputs { q[j, h] = w1[h, j] }
            for i in 0..<outputs { q[inputs + i, h] = w2[i, h] }
        }
        q0 = q
    }

    /// lambda = tr(W2^T W2 - W1 W1^T)/n1 and the relative deviation from lambda I.
    public static func balance(w1: Matrix, w2: Matrix) -> (lambda: Double, imbalance: Double) {
        let a = w2.transposed * w2, b = w1 * w1.transposed
        let d = a - b
        var lambda = 0.0
        for i in 0..<d.rows { lambda += d[i, i] }
        lambda /= Double(max(d.rows, 1))
        let rest = d - lambda * Matrix.identity(d.rows)
        return (lambda, rest.norm / max(a.norm, b.norm, abs(lambda) * Double(d.rows).squareRoot(), 1e-300))
    }

    /// The most chunks one evaluation walks before the flow has settled (then it throws).
    public static let maximumChunks = 2_000_000

    /// The largest |f|: chunks are dT <= chunk / fMax.
    public var largestRate: Double { spectrum.values.map(abs).max() ?? 0 }

    /// One step of length dT from the factor q: e^{F dT} q L^{-T} with L L^T = I + q^T K(dT) q.
    func step(_ q: Matrix, _ dT: Double) -> Matrix {
        let e = spectrum.apply { exp($0 * dT) }
        let k = spectrum.apply { f in f == 0 ? dT : expm1(2 * f * dT) / (2 * f) }
        var m = q.transposed * k * q
        for i in 0..<m.rows { m[i, i] += 1 }
        let l = cholesky(m.symmetrised)
        // Solve X L^T = e q for X (row by row: L X^T = (e q)^T).
        let eq = e * q
        var x = Matrix(rows: eq.rows, columns: eq.columns)
        let r = eq.columns
        for row in 0..<eq.rows {
            for j in 0..<r {
                var s = eq[row, j]
                for k in 0..<j { s -= l[j, k] * x[row, k] }
                x[row, j] = s / l[j, j]
            }
        }
        return x
    }

    /// Cholesky factor of a symmetric positive definite matrix (I + q^T K q with K positive
    /// definite is, for every dT > 0).
    func cholesky(_ a: Matrix) -> Matrix {
        let n = a.rows
        var l = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var d = a[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            l[j, j] = max(d, .leastNormalMagnitude).squareRoot()
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                l[i, j] = s / l[j, j]
            }
        }
        return l
    }

    /// The factor Q(t) (Q Q^T = P(t)) at each of the non-decreasing times `times` (epochs,
    /// measured from the start), propagated chunk by chunk; `chunked: false` evaluates each
    /// time in one step straight from Q0 (for comparison: it loses accuracy at long times).
    /// - Throws: `invalidParameter` for a negative, decreasing or non-finite time, or one that
    ///   needs more than ``maximumChunks`` chunks before P(t) stops changing.
    public func factors(at times: [Double], chunked: Bool = true) throws(TheoryError) -> [Matrix] {
        var out: [Matrix] = []
        var q = q0
        var now = 0.0
        var chunks = 0
        let maxStep = largestRate > 0 ? chunk / largestRate : .infinity
        for t in times {
            try _requireFinite(t, "t")
            try _requireTime(t, "t")
            let target = t / tau
            guard target >= now || !chunked else { throw .invalidParameter(name: "t", value: t, requirement: "non-decreasing") }
            if !chunked {
                out.append(target == 0 ? q0 : step(q0, target))
                continue
            }
            // Each chunk costs a few small products; at a stationary point P(t) stops changing and
            // the remaining chunks would only repeat it, so the walk ends there. Otherwise the
            // number of chunks is bounded (a time of 1e19 must not run for ever).
            var previous = q * q.transposed
            while target - now > 0 {
                let dT = min(maxStep, target - now)
                q = step(q, dT)
                now = dT == target - now ? target : now + dT
                chunks += 1
                let p = q * q.transposed
                if (p - previous).norm <= 4 * Double.ulpOfOne * max(p.norm, Double.leastNormalMagnitude) {
                    now = target  // stationary: P(t) = P for every later t
                    break
                }
                previous = p
                guard chunks <= Self.maximumChunks else {
                    throw .invalidParameter(
                        name: "t", value: t,
                        requirement: "at most \(Self.maximumChunks) chunks of |f| dT <= \(chunk) before the flow settles (t |f|max / tau <= \(Double(Self.maximumChunks) * chunk))")
                }
            }
            out.append(q)
        }
        return out
    }

    /// P(t) = Q Q^T at each time.
    public func gram(at times: [Double], chunked: Bool = true) throws(TheoryError) -> [Matrix] {
        try factors(at: times, chunked: chunked).map { $0 * $0.transposed }
    }

    /// W2 W1 (outputs x inputs) from P.
    public func product(_ p: Matrix) -> Matrix { p.block(rows: inputs..<(inputs + outputs), columns: 0..<inputs) }
    /// W1^T W1 (inputs x inputs) from P.
    public func inputGram(_ p: Matrix) -> Matrix { p.block(rows: 0..<inputs, columns: 0..<inputs) }
    /// W2 W2^T (outputs x outputs) from P.
    public func outputGram(_ p: Matrix) -> Matrix { p.block(rows: inputs..<(inputs + outputs), columns: inputs..<(inputs + outputs)) }

    /// The wrong-sign trap: with lambda = 0 and square layers (n0 = n1 = n2), the flow keeps
    /// W2^T W2 = W1 W1^T, so det W1 and det W2 vanish together and det(W2 W1) never changes sign;
    /// a start with sign(det W2 W1) opposite to sign(det Sigma_yx) (or det = 0) cannot reach the
    /// minimum and stalls at a saddle where the smallest singular value of Sigma_yx is unlearned.
    /// Returns the loss above the minimum it stalls at, sigma_min^2/2, or nil when the start is
    /// not trapped.
    public var saddleLoss: Double? {
        guard lambda == 0 || abs(lambda) <= 1e-12 * max(q0.norm * q0.norm, 1e-300),
              inputs == hidden, hidden == outputs else { return nil }
        // A singular task (a zero singular value) is reached from either side: no trap.
        let s2 = SymmetricEigensystem(sigma.transposed * sigma).values
        let smallest = max(s2.last ?? 0, 0)
        guard smallest > 1e-24 * (s2.first ?? 0) else { return nil }
        let w = product(q0 * q0.transposed)
        let dw = Self.determinant(w), ds = Self.determinant(sigma)
        guard (dw > 0) != (ds > 0) else { return nil }
        return smallest / 2
    }

    /// Determinant by Gaussian elimination with partial pivoting.
    static func determinant(_ a: Matrix) -> Double {
        var m = a
        let n = m.rows
        var det = 1.0
        for c in 0..<n {
            var p = c
            for r in c..<n where abs(m[r, c]) > abs(m[p, c]) { p = r }
            if m[p, c] == 0 { return 0 }
            if p != c {
                for k in 0..<n { let x = m[c, k]; m[c, k] = m[p, k]; m[p, k] = x }
                det = -det
            }
            det *= m[c, c]
            for r in (c + 1)..<max(c + 1, n) {
                let factor = m[r, c] / m[c, c]
                for k in c..<n { m[r, k] -= factor * m[c, k] }
            }
        }
        return det
    }

    /// The lazy limit |lambda| -> infinity with W(0) fixed (n0 = n1 = n2): the product relaxes
    /// exponentially and all modes together, W(t) = Sigma + e^{-|lambda| t/tau} (W(0) - Sigma).
    public func lazyProduct(at t: Double) -> Matrix {
        let w0 = product(q0 * q0.transposed)
        return sigma + exp(-abs(lambda) * t / tau) * (w0 - sigma)
    }
}
