/// An ODE system dy/dt = f(t, y) of fixed dimension, as GSL sees it.
///
/// The right-hand side writes into the output buffer it is given: implementations must not
/// allocate per call (it runs millions of times inside GSL's callback). Throwing from either
/// function stops the integration at once; the error is rethrown by the solver as
/// ``IntegrationError`` with reason ``IntegrationError/Reason/userFunction``.
///
/// A system is used from one thread at a time; run concurrent solves with one system value each.
public protocol ODESystem {
    /// Number of state variables.
    var dimension: Int { get }
    /// Whether ``jacobian(t:y:dfdy:dfdt:)`` is implemented (implicit steppers need it).
    var providesJacobian: Bool { get }
    /// Writes f(t, y) into `dydt` (`dimension` values).
    func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) throws
    /// Writes the Jacobian row-major, `dfdy[i * dimension + j] = df_i/dy_j`, and `dfdt[i] = df_i/dt`.
    func jacobian(
        t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>,
        dfdt: UnsafeMutablePointer<Double>) throws
}

extension ODESystem {
    public var providesJacobian: Bool { false }
    public func jacobian(
        t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>,
        dfdt: UnsafeMutablePointer<Double>
    ) throws {
        throw MissingJacobianError()
    }
}

/// Thrown by the default ``ODESystem/jacobian(t:y:dfdy:dfdt:)``; never reached through the
/// solver, which refuses implicit steppers for systems without a Jacobian.
public struct MissingJacobianError: Error, CustomStringConvertible {
    /// "the system provides no Jacobian".
    public var description: String { "the system provides no Jacobian" }
}

/// An ``ODESystem`` made of closures, for quick problems and tests.
public struct ClosureSystem: ODESystem {
    /// f(t, y, dydt): writes the right-hand side at (t, y) into `dydt`.
    public typealias RightHandSide = (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>) throws -> Void
    /// J(t, y, dfdy, dfdt): writes df/dy (row-major) into `dfdy` and df/dt into `dfdt`.
    public typealias Jacobian = (
        Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>
    ) throws -> Void

    /// Number of state variables.
    public let dimension: Int
    private let f: RightHandSide
    private let jac: Jacobian?

    /// A system of `dimension` variables whose right-hand side (and, optionally, Jacobian) are
    /// the given closures.
    /// - Throws: ``ArgumentError`` naming `dimension` when it is not positive.
    public init(dimension: Int, rightHandSide: @escaping RightHandSide, jacobian: Jacobian? = nil) throws(ArgumentError) {
        guard dimension > 0 else {
            throw ArgumentError(argument: "dimension", message: "an ODE system needs at least one variable, got \(dimension)")
        }
        self.dimension = dimension
        self.f = rightHandSide
        self.jac = jacobian
    }

    public var providesJacobian: Bool { jac != nil }

    public func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) throws {
        try f(t, y, dydt)
    }

    public func jacobian(
        t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>,
        dfdt: UnsafeMutablePointer<Double>
    ) throws {
        guard let jac else { throw MissingJacobianError() }
        try jac(t, y, dfdy, dfdt)
    }
}
