import ArgumentParser
import LindynModels

/// `--allow-large`: the commands whose cost grows with the input (descent epochs and runs, grid
/// points, variables for implicit steppers, stiffness samples) refuse sizes beyond
/// ``CostLimits/standard`` unless it is given.
public struct SizeLimitOptions: ParsableArguments {
    @Flag(name: .customLong("allow-large"), help: "Raise the size limits (descent epochs and runs, grid points, variables for implicit steppers, stiffness samples) to the large ones listed in the README.")
    public var allowLarge = false

    public init() {}

    /// The limits in force.
    public var limits: CostLimits { .forRun(allowLarge: allowLarge) }
}
