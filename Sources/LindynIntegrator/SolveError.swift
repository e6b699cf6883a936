/// Why ``ODESolver`` did not return a solution: its settings were refused before GSL was called,
/// or the integration failed numerically part way.
///
/// Both solve functions throw only this type, so a caller can switch over it exhaustively:
///
///     do {
///         let solution = try ODESolver.solve(system, initialState: [0.1], start: 0, outputTimes: [1, 2])
///         use(solution)
///     } catch {
///         switch error {
///         case .configuration(let refused): print("\(refused.field): \(refused.message)")  // e.g. solver.epsabs
///         case .integration(let failure): print(failure.status, failure.tReached)          // e.g. max_steps
///         }
///     }
public enum SolveError: Error, CustomStringConvertible {
    /// A setting or argument refused before any step was taken, naming it
    /// (`solver.stepper`, `solver.epsabs`, `initial`, `time`, ...).
    case configuration(SolverConfigurationError)
    /// The integration stopped with a numerical failure; the error carries its
    /// ``IntegrationError/status``, the time reached and the rows up to it.
    case integration(IntegrationError)

    /// The numerical status of an integration failure; nil for a refused configuration (no
    /// integration ran).
    public var status: SolveStatus? {
        if case .integration(let failure) = self { return failure.status }
        return nil
    }

    /// The refused setting, for ``configuration(_:)``.
    public var configuration: SolverConfigurationError? {
        if case .configuration(let refused) = self { return refused }
        return nil
    }

    /// The numerical failure, for ``integration(_:)``.
    public var integration: IntegrationError? {
        if case .integration(let failure) = self { return failure }
        return nil
    }

    /// The refused setting's `field: message`, or the integration failure's message.
    public var description: String {
        switch self {
        case .configuration(let refused): "\(refused)"
        case .integration(let failure): failure.message
        }
    }

    /// The typed form of an error thrown by the solver's body, which throws only
    /// `IntegrationError` and `SolverConfigurationError` (anything else would be a solver bug;
    /// it is reported as a refused `solver`, never trapped).
    static func from(_ error: any Error) -> SolveError {
        switch error {
        case let failure as IntegrationError: .integration(failure)
        case let refused as SolverConfigurationError: .configuration(refused)
        default: .configuration(SolverConfigurationError(field: "solver", message: "\(error)"))
        }
    }
}

extension ODESolver {
    /// Solves dy/dt = f(t, y), y(start) = `initialState`, with adaptive steps, and records the
    /// state at each of `outputTimes` (non-decreasing, all >= `start`; the last one is the end).
    ///
    /// Steps are taken one `gsl_odeiv2_evolve_apply` at a time through a GSL driver's evolve,
    /// control and step objects, so every accepted step is counted and checked for non-finite
    /// values. With ``OutputMode/dense`` (the default) the steps run freely to the end and each
    /// output state is interpolated (see ``Stepper/denseOutputNodes``); with ``OutputMode/land``
    /// the last step before each output time is shortened to hit it exactly. `events` are
    /// located on the same interpolant in either mode.
    ///
    /// `variableNames` (one per state variable) name the variable in messages; without them a
    /// variable is named by its index.
    ///
    /// - Throws: ``SolveError/configuration(_:)`` for settings refused before GSL is called
    ///   (including an implicit stepper for a system without a Jacobian), naming the setting;
    ///   ``SolveError/integration(_:)`` when the integration fails, with its ``SolveStatus``
    ///   (`maxSteps`, `noProgress`, `nonFinite`, `functionError`, ...), the time reached and the
    ///   rows up to it. An error thrown by the system's own functions arrives as
    ///   ``SolveStatus/functionError`` with the original in ``IntegrationError/underlying``.
    public static func solve<S: ODESystem>(
        _ system: S, initialState: [Double], start: Double, outputTimes: [Double],
        options: SolverOptions = SolverOptions(), variableNames: [String]? = nil, events: [ODEEvent] = []
    ) throws(SolveError) -> Solution {
        do {
            return try integrate(
                system, initialState: initialState, start: start, outputTimes: outputTimes, options: options,
                variableNames: variableNames, events: events)
        } catch {
            throw SolveError.from(error)
        }
    }

    /// Integrates with `steps` equal steps of one `gsl_odeiv2_step_apply` each and no error
    /// control: the method for convergence-order studies. Only steppers that run without a GSL
    /// driver are allowed (``Stepper/supportsFixedStep``). Rows are recorded every `outputStride`
    /// steps and at the end.
    ///
    /// - Throws: ``SolveError/configuration(_:)`` naming `solver.stepper` (a stepper that needs
    ///   GSL's driver), `steps` or `initial`; ``SolveError/integration(_:)`` when a step fails or
    ///   the state becomes non-finite.
    public static func solveFixedStep<S: ODESystem>(
        _ system: S, initialState: [Double], start: Double, end: Double, steps: Int, stepper: Stepper,
        outputStride: Int? = nil
    ) throws(SolveError) -> Solution {
        do {
            return try integrateFixedStep(
                system, initialState: initialState, start: start, end: end, steps: steps, stepper: stepper,
                outputStride: outputStride)
        } catch {
            throw SolveError.from(error)
        }
    }
}
