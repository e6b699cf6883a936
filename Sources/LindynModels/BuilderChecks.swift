import Foundation
import LindynIntegrator

// The argument checks of the public builders and initialisers. They follow the rules the
// problem-file reader applies (Problem.swift), so a model built in Swift is refused for the
// same reasons, with the Swift argument named instead of the JSON field.

enum BuilderCheck {
    /// The most weights a network may have (as for `model.widths` in a problem file).
    static let maximumWeights = 2_000_000
    /// The widest layer a network may have.
    static let maximumWidth = 4096

    static func refuse(_ argument: String, _ message: String) -> ArgumentError {
        ArgumentError(argument: argument, message: message)
    }

    /// At least two widths, each from 1 to 4096, at most 2,000,000 weights in all.
    static func widths(_ widths: [Int], argument: String = "widths") throws(ArgumentError) {
        guard widths.count >= 2 else {
            throw refuse(argument, "needs at least two widths (input and output), got \(widths.count)")
        }
        for (k, w) in widths.enumerated() where !(1...maximumWidth).contains(w) {
            throw refuse(argument, "entry \(k) must be a whole number from 1 to \(maximumWidth), got \(w)")
        }
        let weights = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        guard weights <= maximumWeights else {
            throw refuse(argument, "the network has \(weights) weights; at most 2,000,000 are supported")
        }
    }

    static func finite(_ x: Double, _ argument: String) throws(ArgumentError) {
        guard x.isFinite else { throw refuse(argument, "must be a finite number, got \(x)") }
    }

    static func positive(_ x: Double, _ argument: String) throws(ArgumentError) {
        guard x.isFinite, x > 0 else { throw refuse(argument, "must be a positive finite number, got \(x)") }
    }

    static func nonNegative(_ x: Double, _ argument: String) throws(ArgumentError) {
        guard x.isFinite, x >= 0 else { throw refuse(argument, "must be a non-negative finite number, got \(x)") }
    }

    /// A sample count N: a whole number from 1 to 10^15.
    static func samples(_ n: Double, _ argument: String = "samples") throws(ArgumentError) {
        guard n >= 1, n <= 1e15, n == n.rounded() else {
            throw refuse(argument, "must be a whole number of samples from 1 to 10^15, got \(n)")
        }
    }

    static func finiteValues(_ values: [Double], _ argument: String) throws(ArgumentError) {
        if let k = values.firstIndex(where: { !$0.isFinite }) {
            throw refuse(argument, "entry \(k) must be a finite number, got \(values[k])")
        }
    }

    /// Keep probability in (0, 1], at least one unit; `units` other than 1 only where the model
    /// spreads a mode over several units.
    static func dropout(_ d: DropoutSettings?, depth: Int, allowUnits: Bool, argument: String = "dropout") throws(ArgumentError) {
        guard let d else { return }
        guard d.keep > 0, d.keep <= 1 else {
            throw refuse(argument + ".keep", "the keep probability must be in (0, 1], got \(d.keep)")
        }
        guard d.units >= 1 else { throw refuse(argument + ".units", "must be at least 1, got \(d.units)") }
        guard allowUnits || d.units == 1 else {
            throw refuse(argument + ".units", "a network's dropout acts on its own hidden units: leave units at 1, got \(d.units)")
        }
        guard depth == 2 else {
            throw refuse(argument, "dropout is defined for two-layer networks (3 widths) only, got depth \(depth)")
        }
    }

    /// A network init for `widths`: a positive scale, explicit weights of the right count, and
    /// the width rules of the balanced constructions.
    static func initialization(_ i: NetworkInit, widths n: [Int], argument: String = "initialization") throws(ArgumentError) {
        switch i.kind {
        case .decoupled, .random:
            try positive(i.scale, argument + ".scale")
        case .explicit:
            let count = zip(n, n.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
            guard let weights = i.weights else {
                throw refuse(argument + ".weights", "an explicit init needs its \(count) weights (every layer, row-major, in state order)")
            }
            guard weights.count == count else {
                throw refuse(argument + ".weights", "expected \(count) weights for widths \(n), got \(weights.count)")
            }
            try finiteValues(weights, argument + ".weights")
        case .zeroBalanced, .lambdaBalanced:
            guard n.count == 3 else {
                throw refuse(argument + ".kind", "a \(i.kind.rawValue) init is defined for two-layer networks (3 widths), got \(n.count) widths")
            }
            try positive(i.scale, argument + ".scale")
            let lambda = i.kind == .zeroBalanced ? 0 : i.lambda
            try finite(lambda, argument + ".lambda")
            let (n0, n1, n2) = (n[0], n[1], n[2])
            guard n1 <= 512 else { throw refuse("widths", "a balanced init is built for hidden widths up to 512, got \(n1)") }
            if lambda > 0 && n1 > n2 {
                throw refuse("widths", "lambda > 0 needs a hidden width at most the output width (\(n1) > \(n2)); widen the output or use lambda <= 0")
            }
            if lambda < 0 && n1 > n0 {
                throw refuse("widths", "lambda < 0 needs a hidden width at most the input width (\(n1) > \(n0)); widen the input or use lambda >= 0")
            }
            if lambda == 0 && n1 > max(n0, n2) {
                throw refuse("widths", "a zero-balanced init needs a hidden width at most max(n0, nD) = \(max(n0, n2)), got \(n1)")
            }
        }
    }
}

extension NetworkInit {
    /// The init a problem file gets without `init`: decoupled, every mode starting at
    /// u0 = 1e-3 (a per-layer value of 1e-3^(1/depth)), seed 1.
    public static func standard(depth: Int) -> NetworkInit {
        NetworkInit(kind: .decoupled, scale: pow(1e-3, 1 / Double(max(depth, 1))))
    }
}

extension ProblemFileError {
    /// A builder's refusal, as a problem-file error naming the model field the argument comes
    /// from (`initialization.scale` -> `model.init.scale`, `singularValues` -> `model.singular_values`).
    init(model error: ArgumentError) {
        var path = error.argument
        if path.hasPrefix("initialization") { path = "init" + path.dropFirst("initialization".count) }
        var snake = ""
        for c in path {
            if c.isUppercase { snake += "_" + c.lowercased() } else { snake.append(c) }
        }
        self.init(field: "model." + snake, message: error.message)
    }
}
