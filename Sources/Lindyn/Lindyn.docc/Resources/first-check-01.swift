// What a researcher does first with a derivation: write the loss, integrate its gradient flow
// with two different steppers, compare both with the closed form, and see how far gradient
// descent lags behind the flow.
//
// The loss is a two-layer scalar network with weight decay,
//     L(a, b) = 1/2 (s - a b)^2 + lambda/2 (a^2 + b^2),
// started small and balanced (a = b = sqrt(u0)). Its product u = a b follows the logistic law
// tau du/dt = 2 u ((s - lambda) - u) (Saxe, McClelland and Ganguli, ICLR 2014, with the decay
// shifting the strength to s - lambda), which LindynTheory evaluates exactly.
//
// Exit status: 0 when every check holds, 1 when a result disagrees beyond its tolerance,
// 2 when a solve or descent fails numerically.

import Foundation
import Lindyn

let s = 2.0, lambda = 0.2, u0 = 1e-3, tau = 100.0
let endEpoch = 700.0  // about 13 tau/(s - lambda): the mode is learned well before the end
let points = 351  // every second epoch, so descent's epochs fall on the output times

/// Relative tolerance of each integrated trajectory against the closed form. The solves ask for
/// epsabs = epsrel = 1e-10 per step; the global error of a run this long stays within a few
/// hundred of those, so 1e-6 leaves room while still catching a wrong law (a dropped factor 2
/// or lambda in the wrong place changes u by order one).
let flowTolerance = 1e-6
/// Descent on the symbolic loss against the exact gradient-descent map of the mode: both are the
/// same arithmetic up to rounding, accumulated over 700 steps.
let descentTolerance = 1e-9

func fail(_ code: Int32, _ message: String) -> Never {
    FileHandle.standardError.write(Data("first-check: \(message)\n".utf8))
    exit(code)
}

/// Largest |x - y| / |y| over two equally long columns.
func maxRelativeDifference(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count)
    return zip(x, y).map { abs($0 - $1) / abs($1) }.max() ?? 0
}

/// First time a column reaches `level`, linearly interpolated between output rows.
func crossing(_ times: [Double], _ u: [Double], _ level: Double) -> Double? {
    for k in 1..<u.count where u[k - 1] < level && u[k] >= level {
        return times[k - 1] + (level - u[k - 1]) / (u[k] - u[k - 1]) * (times[k] - times[k - 1])
    }
    return nil
}

do {
    // 1. The loss, written as a formula; LossFlow differentiates it symbolically.
    let loss = try SymbolicExpression.parse("1/2*(s - a*b)^2 + lambda/2*(a^2 + b^2)")
    let flow = try LossFlow(
        weights: ["a", "b"], loss: loss, parameters: [("s", s), ("lambda", lambda)],
        initial: [u0.squareRoot(), u0.squareRoot()], tau: tau,
        observables: [("u", try SymbolicExpression.parse("a*b"))])
    let time = TimeSpec(end: endEpoch, points: points)
} catch {
    // A formula that does not parse, or a closed form undefined for these values.
    fail(65, "\(error)")
}
