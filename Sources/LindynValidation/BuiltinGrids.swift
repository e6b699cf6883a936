import Foundation
import LindynModels

/// The shipped validation grids, compiled in so that `lindyn demo` runs from any directory.
/// They are the files of `Validation/grids/` verbatim (a test checks that the two agree).
public enum BuiltinGrids {
    /// File name (without `.json`) and text, in run order: the closed forms first, then the
    /// stiff problems.
    public static let files: [(name: String, text: String)] = [
        ("seed-scalar", #"""
{
  "name": "seed-scalar",
  "description": "The scalar network yhat = w2 w1 x of the seed talk from balanced small starts, with and without weight decay: logistic law with a = x y - lambda, b = x^2.",
  "model": {"kind": "scalar", "x": 1, "y": 1, "w1": 0.01, "w2": 0.01, "learning_rate": 0.01},
  "time": {"end": 1000, "points": 201},
  "grid": {"model.y": [1, 0.5, 2], "model.x": [1, 1.5], "model.w1,model.w2": [0.01, 0.1], "model.weight_decay": [0, 0.2]},
  "steppers": ["rk8pd", "rkf45", "msbdf", "bsimp"],
  "tolerances": [[1e-6, 1e-6], [1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true},
  "plots": {"trajectories": [0], "figure": "seed-scalar", "title": "Simulated versus theoretical scalar learning dynamics", "panel_titles": ["x = y = 1, learning rate 0.01, w1 = w2 = 0.01"]}
}
"""#),
        ("scalar-unbalanced", #"""
{
  "name": "scalar-unbalanced",
  "description": "The scalar network from unbalanced starts (w1 != w2): the hyperbolic closed form, with w2^2 - w1^2 conserved.",
  "model": {"kind": "scalar", "x": 1, "y": 1, "w1": 0.01, "w2": 0.001, "learning_rate": 0.01},
  "time": {"end": 1000, "points": 201},
  "grid": {"model.y": [1, 2], "model.w1": [0.01, 0.3], "model.w2": [0.001, 0.05, 1]},
  "steppers": ["rk8pd", "rkf45", "msbdf"],
  "tolerances": [[1e-6, 1e-6], [1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true}
}
"""#),
        ("saxe-modes", #"""
{
  "name": "saxe-modes",
  "description": "One balanced mode of a two-layer network (Saxe et al. 2014, Eq. 12) across s, u0 and weight decay: logistic law with a = s - lambda, b = 1.",
  "model": {"kind": "mode", "s": 1, "u0": 0.001, "tau": 500},
  "time": {"end": 12000, "points": 241},
  "grid": {"model.s": [0.5, 1, 2, 5], "model.u0": [0.001, 1e-6], "model.weight_decay": [0, 0.1]},
  "steppers": ["rk8pd", "rkf45", "msadams", "msbdf"],
  "tolerances": [[1e-6, 1e-6], [1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true}
}
"""#),
        ("deep-modes", #"""
{
  "name": "deep-modes",
  "description": "A balanced mode of a deep linear network with D = 2..10 weight matrices (Saxe et al. 2014, Eq. 15): tau u' = D u^(2-2/D) (s - u), exact learning time inverted numerically. GSL msbdf at epsabs 1e-9 and 1e-12 misses these curves by up to 1e-5 relative, beyond the tolerance-proportional allowance (a known weakness of its Nordsieck BDF on long algebraic plateaus): its rows are kept and marked known_fail.",
  "model": {"kind": "mode", "s": 2, "u0": 0.001, "depth": 2, "tau": 500},
  "time": {"end": 15000, "points": 301},
  "grid": {"model.depth": [2, 3, 4, 6, 10], "model.u0": [0.001, 0.01]},
  "steppers": ["rk8pd", "rkf45", "msbdf", "bsimp"],
  "tolerances": [[1e-6, 1e-6], [1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true, "known_inaccurate": ["msbdf"]},
  "plots": {"trajectories": [0, 1, 2, 8], "figure": "deep-modes", "title": "Deeper networks: longer plateaus, sharper transitions (s = 2, u0 = 1e-3)", "panel_titles": ["D = 2", "D = 2, u0 = 1e-2", "D = 3", "D = 10"]}
}
"""#),
        ("seed-network", #"""
{
  "name": "seed-network",
  "description": "A two-layer network 8-8-6 learning four modes (singular values 4, 3, 2, 1) from a small decoupled start, with and without weight decay: each mode strength follows its own logistic law.",
  "model": {"kind": "network", "widths": [8, 8, 6], "singular_values": [4, 3, 2, 1], "init": {"kind": "decoupled", "u0": 0.001}, "seed": 3, "tau": 250},
  "time": {"end": 2500, "points": 251},
  "grid": {"model.init.u0": [0.001, 1e-6], "model.weight_decay": [0, 0.5]},
  "steppers": ["rk8pd", "rkf45", "msbdf"],
  "tolerances": [[1e-6, 1e-6], [1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true},
  "plots": {"trajectories": [0], "figure": "seed-network", "title": "Mode strengths of a linear network", "panel_titles": ["8-8-6 network, singular values 4, 3, 2, 1, u0 = 1e-3, tau = 250"]}
}
"""#),
        ("deep-network", #"""
{
  "name": "deep-network",
  "description": "Full-matrix networks of depth D = 2, 3, 4 (width 4) from a decoupled balanced start: every mode follows the deep-mode law.",
  "model": {"kind": "network", "widths": [4, 4, 4], "singular_values": [3, 2, 1], "init": {"kind": "decoupled", "u0": 0.001}, "seed": 5, "tau": 250},
  "time": {"end": 7500, "points": 151},
  "grid": {"model.widths": [[4, 4, 4], [4, 4, 4, 4], [4, 4, 4, 4, 4]]},
  "steppers": ["rk8pd", "rkf45", "msbdf"],
  "tolerances": [[1e-6, 1e-6], [1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true},
  "plots": {"trajectories": [0, 1, 2], "title": "Mode strengths of deep linear networks", "panel_titles": ["D = 2", "D = 3", "D = 4"]}
}
"""#),
        ("seed-dropout", #"""
{
  "name": "seed-dropout",
  "description": "A Saxe mode with dropout on its hidden units: standard (slows learning by 1/p) and inverted, one or four units per mode; Monte-Carlo descent with fresh Bernoulli masks every epoch, mean of 100 runs. The descent bound is 0.1 rather than 0.05: the mean of u over runs carries sampling noise and is not u of the expected dynamics (the map is nonlinear), on top of the O(alpha s) lag.",
  "model": {"kind": "mode", "s": 3, "u0": 0.001, "tau": 100, "dropout": {"keep": 1}},
  "time": {"end": 1000, "points": 201},
  "descent": {"runs": 100, "seed": 1, "monte_carlo": true},
  "grid": {"model.dropout.keep": [1, 0.5, 0.8], "model.dropout.inverted": [false, true], "model.dropout.units": [1, 4]},
  "steppers": ["rk8pd", "rkf45", "msbdf"],
  "tolerances": [[1e-6, 1e-6], [1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true, "descent": {"max_scaled_error": 0.1}},
  "plots": {"trajectories": [0, 4], "figure": "seed-dropout", "title": "Mode strength with and without dropout (s = 3, tau = 100)", "panel_titles": ["No regularisation", "Dropout, keep probability p = 0.5"]}
}
"""#),
        ("autoencoder", #"""
{
  "name": "autoencoder",
  "description": "Linear autoencoders (Pretorius, Kroon and Kamper 2018): plain, denoising (input noise variance sigma^2), weight-decay (gamma) and both; 5 input directions, 3 hidden units, N = 20 samples, learning rate 0.01 on the mean loss.",
  "model": {"kind": "autoencoder", "eigenvalues": [40, 20, 10, 5, 2], "hidden": 3, "samples": 20, "learning_rate": 0.01, "init": {"u0": 0.001}},
  "time": {"end": 1500, "points": 151},
  "grid": {"model.noise_variance": [0, 0.1], "model.weight_decay": [0, 0.05]},
  "steppers": ["rk8pd", "rkf45", "msbdf"],
  "tolerances": [[1e-6, 1e-6], [1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true},
  "plots": {"trajectories": [0, 1, 2, 3], "title": "Linear autoencoder: plain, DAE, WDAE and both", "panel_titles": ["plain", "WDAE, gamma = 0.05", "DAE, sigma^2 = 0.1", "DAE and WDAE"]}
}
"""#),
        ("stiff-network", #"""
{
  "name": "stiff-network",
  "description": "Stiff gradient flows: 4-4-4 and 4-4-4-4 networks whose singular values spread over up to four decades, with and without strong weight decay, tau = 1 (deep networks with decay have no closed form: tight integration is the reference). Gradient descent at learning rate 1 is unstable here (alpha max|lambda| > 2), so only the flow is compared. GSL rk4imp (and rk2imp) give up at the degenerate minimum of equal singular values (a 16-dimensional null space), t = 44: reported as gave_up.",
  "model": {"kind": "network", "widths": [4, 4, 4], "singular_values": [1, 1, 1, 1], "init": {"kind": "decoupled", "u0": 0.001}, "seed": 7, "tau": 1},
  "time": {"end": 200, "points": 101},
  "grid": {"model.widths": [[4, 4, 4], [4, 4, 4, 4]], "model.singular_values": [[1, 1, 1, 1], [10, 1, 0.1, 0.01]], "model.weight_decay": [0, 2]},
  "steppers": ["rkf45", "rk8pd", "msbdf", "bsimp", "rk4imp"],
  "tolerances": [[1e-6, 1e-6], [1e-10, 1e-10]],
  "compare": {"methods": ["integrator", "formula"], "require_formula": false, "allow_method_failure": true},
  "plots": {"trajectories": [0, 6], "title": "Linear networks, not stiff and stiff: the stepper ratio grows with the spread of the singular values", "panel_titles": ["4-4-4, singular values 1, 1, 1, 1 (not stiff)", "4-4-4-4, singular values 10, 1, 0.1, 0.01 (stiff)"]}
}
"""#),
        ("stiff-modes", #"""
{
  "name": "stiff-modes",
  "description": "Stiff single modes, tau = 1: s = 1 and 10 with weight decay 0, 0.5 and 5 (decay above s: the mode is never learned and decays at rate 2(lambda - s)/tau; the closed form declines it, so the reference is a tight integration). Gradient descent at learning rate 1 is unstable for s = 10, so only the flow is compared.",
  "model": {"kind": "mode", "s": 1, "u0": 0.001, "depth": 2, "tau": 1},
  "time": {"end": 200, "points": 101},
  "grid": {"model.s": [1, 10], "model.weight_decay": [0, 0.5, 5]},
  "steppers": ["rkf45", "rk8pd", "msbdf", "bsimp", "rk4imp"],
  "tolerances": [[1e-6, 1e-6], [1e-10, 1e-10]],
  "compare": {"methods": ["integrator", "formula"], "require_formula": false},
  "plots": {"trajectories": [0, 2], "title": "A single mode, s = 1, tau = 1: not stiff without weight decay, stiff with weight decay 5", "panel_titles": ["weight decay 0 (not stiff)", "weight decay 5 (stiff)"]}
}
"""#),
        ("stiff-linear", #"""
{
  "name": "stiff-linear",
  "description": "The linear system y' = [[L-2, 2L-2], [1-L, 1-2L]] y, y(0) = (1, 0), with eigenvalues -1 and -L at every state (L = 1000 is the classic [[998, 1998], [-999, -1999]]); exact y1 = 2 e^-t - e^-Lt, y2 = -e^-t + e^-Lt.",
  "system": {
    "variables": ["y1", "y2"],
    "equations": ["(L - 2)*y1 + (2*L - 2)*y2", "(1 - L)*y1 + (1 - 2*L)*y2"],
    "initial": [1, 0],
    "parameters": {"L": 1000}
  },
  "time": {"start": 0, "end": 10, "at": [0.001, 0.01, 0.1, 1, 5, 10]},
  "grid": {"system.parameters.L": [10, 1000, 100000]},
  "steppers": ["rkf45", "rk8pd", "msbdf", "bsimp", "rk2imp", "rk4imp"],
  "tolerances": [[1e-6, 1e-6], [1e-10, 1e-10]],
  "compare": {"methods": ["integrator"], "reference_solver": {"stepper": "bsimp", "epsabs": 1e-15, "epsrel": 1e-13}},
  "plots": {"trajectories": [0, 2], "title": "The linear system with eigenvalues -1 and -L", "panel_titles": ["L = 10 (not stiff)", "L = 1e5 (stiff)"]}
}
"""#),
        ("lazy-rich", #"""
{
  "name": "lazy-rich",
  "description": "Two-layer networks from non-aligned lambda-balanced starts (W2^T W2 - W1 W1^T = lambda I), lambda from -10 to 10, square and non-square widths, scales 1e-3 to 1: the exact matrix Riccati solution against the flow and descent. lambda = 0 and a small start learn sigmoidally, one mode after another (rich); large |lambda| learns exponentially, all modes at once (lazy).",
  "model": {"kind": "network", "widths": [3, 3, 3], "singular_values": [3, 1.5, 0.5], "seed": 3, "tau": 1000,
            "init": {"kind": "lambda_balanced", "lambda": 0, "scale": 0.001, "seed": 1}},
  "time": {"end": 20000, "points": 201},
  "grid": {"model.init.lambda": [-10, -1, 0, 0.1, 1, 10], "model.init.scale": [0.001, 0.1, 1], "model.widths": [[3, 3, 3], [4, 2, 3]]},
  "steppers": ["rk8pd", "rkf45"],
  "tolerances": [[1e-9, 1e-9], [1e-12, 1e-12]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true},
  "plots": {"trajectories": [6, 12, 18, 30], "figure": "lazy-rich", "title": "From rich to lazy: one task (3-3-3, singular values 3, 1.5, 0.5) from lambda-balanced starts of scale 1e-3", "columns": ["u1", "u2", "u3"],
            "panel_titles": ["lambda = -1", "lambda = 0: sigmoidal, one mode after another (rich)", "lambda = 0.1", "lambda = 10: exponential, all modes at once (lazy)"]}
}
"""#),
        ("wrong-sign", #"""
{
  "name": "wrong-sign",
  "description": "A zero-balanced square start whose det(W2 W1) has the opposite sign to det(Sigma_yx) cannot change it: the smallest mode decays and the flow stalls at a saddle with loss sigma_min^2/2 (lindyn formula reports saddle_loss); any lambda != 0 from the same random factor escapes. Compared up to a moderate time: near the saddle, round-off imbalance eventually lets a numerical solution escape.",
  "model": {"kind": "network", "widths": [3, 3, 3], "singular_values": [3, 1.5, 0.5], "seed": 3, "tau": 1000,
            "init": {"kind": "lambda_balanced", "lambda": 0, "scale": 0.001, "seed": 2}},
  "time": {"end": 20000, "points": 201},
  "grid": {"model.init.lambda": [0, 0.1]},
  "steppers": ["rk8pd"],
  "tolerances": [[1e-10, 1e-10]],
  "compare": {"methods": ["integrator", "descent", "formula"], "require_formula": true},
  "plots": {"trajectories": [0, 1], "figure": "wrong-sign-stall", "title": "The wrong-sign stall: det(W2 W1) < 0 < det(Sigma_yx)", "columns": ["u1", "u2", "u3"],
            "panel_titles": ["lambda = 0: u3 decays, stall at the saddle (loss 0.125 above the minimum)", "lambda = 0.1: the same start escapes"]}
}
"""#),
        ("robertson", #"""
{
  "name": "robertson",
  "description": "Robertson's chemical kinetics (Hairer and Wanner, Solving ODEs II, Sec. IV.1), the classic stiff test, with the fast rate k2 at 3e5 and 3e7. Reference: bsimp at epsabs 1e-14, epsrel 1e-12.",
  "system": {
    "variables": ["y1", "y2", "y3"],
    "equations": ["-k1*y1 + k3*y2*y3", "k1*y1 - k3*y2*y3 - k2*y2^2", "k2*y2^2"],
    "initial": [1, 0, 0],
    "parameters": {"k1": 0.04, "k2": 3e7, "k3": 1e4}
  },
  "time": {"start": 0, "end": 40, "at": [1e-5, 1e-4, 1e-3, 0.01, 0.1, 0.4, 1, 4, 10, 40]},
  "solver": {"max_steps": 300000},
  "plots": {"x_scale": "log", "y_scale": "log", "x_label": "t", "y_label": "concentration"},
  "grid": {"system.parameters.k2": [3e5, 3e7]},
  "steppers": ["msbdf", "bsimp", "rk4imp", "rkf45"],
  "tolerances": [[1e-8, 1e-6], [1e-12, 1e-9]],
  "compare": {"methods": ["integrator"], "reference_solver": {"stepper": "bsimp", "epsabs": 1e-14, "epsrel": 1e-12}, "allow_method_failure": true}
}
"""#),
        ("vanderpol", #"""
{
  "name": "vanderpol",
  "description": "Van der Pol's oscillator x'' = mu (1 - x^2) x' - x, mu = 100 and 1000 (relaxation oscillations of period about 163 and 1614); outputs away from the fast jumps, where a small phase error is a large error in x. Explicit steppers run out of steps at mu = 1000 (reported as gave_up); msbdf at 1e-11 drifts in phase over the four periods at mu = 100 (known_fail).",
  "system": {
    "variables": ["x", "v"],
    "equations": ["v", "mu*(1 - x^2)*v - x"],
    "initial": [2, 0],
    "parameters": {"mu": 1000}
  },
  "time": {"start": 0, "end": 700, "at": [40, 120, 200, 285, 600, 700]},
  "solver": {"max_steps": 300000},
  "grid": {"system.parameters.mu": [100, 1000]},
  "steppers": ["msbdf", "bsimp", "rkf45"],
  "tolerances": [[1e-8, 1e-8], [1e-11, 1e-11]],
  "compare": {"methods": ["integrator"], "reference_solver": {"stepper": "bsimp", "epsabs": 1e-13, "epsrel": 1e-13}, "allow_method_failure": true, "known_inaccurate": ["msbdf"]}
}
"""#),
    ]

    /// The grids whose points all have closed forms.
    public static let closedFormNames = ["seed-scalar", "scalar-unbalanced", "saxe-modes", "deep-modes", "seed-network", "deep-network", "seed-dropout", "autoencoder", "stiff-network", "lazy-rich", "wrong-sign"]

    /// The parsed grids.
    public static func grids() throws(ProblemFileError) -> [ValidationGrid] {
        var out: [ValidationGrid] = []
        for (name, text) in files {
            out.append(try ValidationGrid.parse(InputJSON.parse(text), defaultName: name))
        }
        return out
    }
}
