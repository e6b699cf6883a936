#!/usr/bin/env python3
"""High-precision reference values for Lindyn's closed forms, independent of Lindyn's code.

Writes reference.json beside this script. Requires mpmath (pip install mpmath). Every value is
computed at 40 significant digits and printed with 17, so the references are exact to double
precision; the tests compare against them at 1e-12 relative or tighter, a budget set by the
closed forms' own floating-point evaluation, not by these values.

1. deep_times: the learning time of one balanced mode of a depth-D linear network,
   tau du/dt = D u^(2-2/D) (s - u), from u0 to uf, as the integral
   t = tau * int_{u0}^{uf} du / (D u^(2-2/D) (s - u)), by tanh-sinh quadrature after the
   substitution u = e^x (smooth integrand on a finite interval), for D = 2..10.
2. logistic: u(t) of tau du/dt = 2u(a - b u), by mpmath's Taylor-series ODE solver.
3. unbalanced: u = w1 w2 of the scalar net tau w1' = w2 (s - w1 w2), tau w2' = w1 (s - w1 w2)
   from an unbalanced start, by the same ODE solver on the weights.

Run: python3 Validation/reference/make_reference.py
"""
import json
import os
import sys

try:
    import mpmath as mp
except ImportError:
    sys.exit("mpmath is required: pip install mpmath")

mp.mp.dps = 40


def deep_time(D, s, tau, u0, uf):
    D, s, tau, u0, uf = mp.mpf(D), mp.mpf(s), mp.mpf(tau), mp.mpf(u0), mp.mpf(uf)
    f = lambda x: mp.e ** x / (D * mp.e ** (x * (2 - 2 / D)) * (s - mp.e ** x))
    return tau * mp.quad(f, [mp.log(u0), mp.log(uf)])


def ode_values(rhs, y0, times):
    solution = mp.odefun(rhs, 0, y0)
    return [solution(mp.mpf(t)) for t in times]


def main():
    out = {"generator": "Validation/reference/make_reference.py", "mpmath": mp.__version__, "digits": 40}

    deep = []
    for D in range(2, 11):
        for s in (0.5, 2.0):
            for u0 in (1e-6, 1e-2):
                for uf in (s / 2, s - 1e-3):
                    t = deep_time(D, s, 1.0, u0, uf)
                    deep.append({"depth": D, "s": s, "tau": 1.0, "u0": u0, "uf": uf, "time": float(t)})
    out["deep_times"] = deep

    logistic = []
    for a, b, tau, u0 in ((3.0, 1.0, 1.0, 1e-3), (1.5, 0.5, 2.0, 1e-2), (-0.5, 1.0, 1.0, 0.8), (2.0, 3.0, 0.5, 1.2)):
        times = [0.5, 1.0, 2.0, 4.0]
        values = ode_values(lambda t, u: 2 * u * (a - b * u) / tau, mp.mpf(u0), times)
        logistic.append({"a": a, "b": b, "tau": tau, "u0": u0, "t": times, "u": [float(v) for v in values]})
    out["logistic"] = logistic

    unbalanced = []
    for s, tau, w1, w2 in ((1.0, 1.0, 0.8, 0.01), (2.0, 1.5, 0.05, 0.6), (1.0, 1.0, 0.5, -0.1)):
        times = [0.5, 1.0, 2.0, 5.0]

        def rhs(t, w, s=s, tau=tau):
            e = s - w[0] * w[1]
            return [w[1] * e / tau, w[0] * e / tau]

        values = ode_values(rhs, [mp.mpf(w1), mp.mpf(w2)], times)
        unbalanced.append({"s": s, "tau": tau, "w1": w1, "w2": w2, "t": times, "u": [float(v[0] * v[1]) for v in values]})
    out["unbalanced"] = unbalanced

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(deep)} deep times, {len(logistic)} logistic and {len(unbalanced)} unbalanced trajectories")


if __name__ == "__main__":
    main()
