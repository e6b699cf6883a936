import Foundation
import LindynIntegrator

/// Problems with exact solutions, written as hand-coded `ODESystem`s so that the integrator is
/// tested independently of the expression compiler.
enum TestProblems {
    /// dy/dt = lambda y; exact y(t) = y0 e^{lambda t}.
    struct Exponential: ODESystem {
        let lambda: Double
        var dimension: Int { 1 }
        var providesJacobian: Bool { true }
        func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            dydt[0] = lambda * y[0]
        }
        func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            dfdy[0] = lambda
            dfdt[0] = 0
        }
        func exact(_ t: Double, y0: Double = 1) -> [Double] { [y0 * exp(lambda * t)] }
    }

    /// The classic stiff linear system y' = [[998, 1998], [-999, -1999]] y, y(0) = (1, 0);
    /// exact y0 = 2e^{-t} - e^{-1000t}, y1 = -e^{-t} + e^{-1000t} (eigenvalues -1 and -1000).
    struct StiffLinear: ODESystem {
        var dimension: Int { 2 }
        var providesJacobian: Bool { true }
        func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            dydt[0] = 998 * y[0] + 1998 * y[1]
            dydt[1] = -999 * y[0] - 1999 * y[1]
        }
        func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            dfdy[0] = 998; dfdy[1] = 1998; dfdy[2] = -999; dfdy[3] = -1999
            dfdt[0] = 0; dfdt[1] = 0
        }
        static func exact(_ t: Double) -> [Double] {
            [2 * exp(-t) - exp(-1000 * t), -exp(-t) + exp(-1000 * t)]
        }
    }

    /// Harmonic oscillator x'' = -x as (x, v); exact (cos t, -sin t) from (1, 0).
    struct Oscillator: ODESystem {
        var dimension: Int { 2 }
        var providesJacobian: Bool { true }
        func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            dydt[0] = y[1]
            dydt[1] = -y[0]
        }
        func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            dfdy[0] = 0; dfdy[1] = 1; dfdy[2] = -1; dfdy[3] = 0
            dfdt[0] = 0; dfdt[1] = 0
        }
        static func exact(_ t: Double) -> [Double] { [cos(t), -sin(t)] }
    }

    /// The logistic law du/dt = 2u(s - u) (a balanced Saxe mode with tau = 1); exact
    /// u(t) = s / (1 + (s/u0 - 1) e^{-2 s t}).
    struct Logistic: ODESystem {
        let s: Double
        var dimension: Int { 1 }
        var providesJacobian: Bool { true }
        func rightHandSide(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            dydt[0] = 2 * y[0] * (s - y[0])
        }
        func jacobian(t: Double, y: UnsafePointer<Double>, dfdy: UnsafeMutablePointer<Double>, dfdt: UnsafeMutablePointer<Double>) {
            dfdy[0] = 2 * s - 4 * y[0]
            dfdt[0] = 0
        }
        func exact(_ t: Double, u0: Double) -> [Double] { [s / (1 + (s / u0 - 1) * exp(-2 * s * t))] }
    }
}

/// Largest |a_i - b_i| / (|b_i| + floor) over two equally long arrays.
func maxRelativeError<A: Collection<Double>, B: Collection<Double>>(_ a: A, _ b: B, floor: Double = 0) -> Double {
    zip(a, b).map { abs($0 - $1) / (abs($1) + floor) }.max() ?? 0
}
