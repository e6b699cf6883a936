/// The stepping methods of GSL's `gsl_odeiv2` module, by their GSL names.
///
/// `order` is the nominal order of the state that GSL returns; `needsJacobian` says whether
/// GSL calls the system's Jacobian (an implicit stepper without one would crash inside GSL, so
/// ``ODESolver`` refuses it before GSL is called).
public enum Stepper: String, CaseIterable, Sendable, Codable, Hashable {
    /// `gsl_odeiv2_step_rk2`: explicit embedded Runge-Kutta (2, 3). Order 2.
    case rk2
    /// `gsl_odeiv2_step_rk4`: explicit classical 4th-order Runge-Kutta. GSL estimates the error
    /// by step doubling and returns the state after two half steps (12 evaluations a step).
    /// Order 4.
    case rk4
    /// `gsl_odeiv2_step_rkf45`: explicit embedded Runge-Kutta-Fehlberg (4, 5). Order 5 as GSL
    /// propagates it.
    case rkf45
    /// `gsl_odeiv2_step_rkck`: explicit embedded Runge-Kutta Cash-Karp (4, 5). Order 5 as GSL
    /// propagates it.
    case rkck
    /// `gsl_odeiv2_step_rk8pd`: explicit embedded Runge-Kutta Prince-Dormand (8, 9). Order 8.
    case rk8pd
    /// `gsl_odeiv2_step_rk1imp`: implicit Euler with step doubling. Order 1. Needs the Jacobian.
    case rk1imp
    /// `gsl_odeiv2_step_rk2imp`: implicit Gaussian 2nd order (midpoint) with step doubling.
    /// Needs the Jacobian.
    case rk2imp
    /// `gsl_odeiv2_step_rk4imp`: implicit Gaussian 4th order with step doubling. Needs the
    /// Jacobian.
    case rk4imp
    /// `gsl_odeiv2_step_bsimp`: Bader-Deuflhard semi-implicit extrapolation. Needs the Jacobian.
    case bsimp
    /// `gsl_odeiv2_step_msadams`: variable-order (1-12) Adams in Nordsieck form with functional
    /// iteration. Needs no Jacobian.
    case msadams
    /// `gsl_odeiv2_step_msbdf`: variable-order (1-5) BDF in Nordsieck form with modified Newton
    /// iteration. Needs the Jacobian.
    case msbdf

    /// GSL's own name for the stepper, e.g. `gsl_odeiv2_step_rk8pd`.
    public var gslName: String { "gsl_odeiv2_step_" + rawValue }

    /// Nominal order of the returned state (the maximum order for the multistep methods;
    /// bsimp's extrapolation reaches about 12).
    public var order: Int {
        switch self {
        case .rk2: 2
        case .rk4: 4
        case .rkf45, .rkck: 5
        case .rk8pd: 8
        case .rk1imp: 1
        case .rk2imp: 2
        case .rk4imp: 4
        case .bsimp: 12
        case .msadams: 12
        case .msbdf: 5
        }
    }

    /// Whether GSL calls the Jacobian for this stepper.
    public var needsJacobian: Bool {
        switch self {
        case .rk1imp, .rk2imp, .rk4imp, .bsimp, .msbdf: true
        default: false
        }
    }

    /// Whether the method is implicit (or semi-implicit) and therefore suited to stiff problems.
    public var isImplicit: Bool { needsJacobian }

    /// Whether the stepper can run without a GSL driver, i.e. in the solver's fixed-step mode.
    /// The implicit Runge-Kutta and multistep methods need a driver (GSL returns `GSL_EFAULT`).
    public var supportsFixedStep: Bool {
        switch self {
        case .rk2, .rk4, .rkf45, .rkck, .rk8pd, .bsimp: true
        default: false
        }
    }

    /// The order observed in a fixed-step convergence study of the returned state. GSL's rkf45
    /// and rkck propagate the 5th-order solution; rk4 returns the step-doubled (still 4th-order)
    /// state; rk2 propagates its 3rd-order companion.
    public var observedFixedStepOrder: Int {
        switch self {
        case .rk2: 3
        case .rk4: 4
        case .rkf45, .rkck: 5
        case .rk8pd: 8
        default: order
        }
    }

    /// One line describing the method, for help texts and tables.
    public var summary: String {
        switch self {
        case .rk2: "explicit embedded Runge-Kutta (2,3)"
        case .rk4: "explicit classical Runge-Kutta 4, step doubling"
        case .rkf45: "explicit Runge-Kutta-Fehlberg (4,5)"
        case .rkck: "explicit Runge-Kutta Cash-Karp (4,5)"
        case .rk8pd: "explicit Runge-Kutta Prince-Dormand (8,9)"
        case .rk1imp: "implicit Euler, step doubling"
        case .rk2imp: "implicit Gauss 2nd order, step doubling"
        case .rk4imp: "implicit Gauss 4th order, step doubling"
        case .bsimp: "semi-implicit Bulirsch-Stoer (Bader-Deuflhard)"
        case .msadams: "variable-order Adams (multistep, functional iteration)"
        case .msbdf: "variable-order BDF (multistep, Newton)"
        }
    }

    /// The accepted names, for error messages.
    public static var allNames: String { allCases.map(\.rawValue).joined(separator: " ") }
}
