#!/usr/bin/env python3
"""High-precision references for the deep-mode law when the mode strength s is small.

tau du/dt = D u^(2-2/D) (s - u) from u0 = 3 for s from 1e-12 to 10, D = 3..6: with u far above
s the law is nearly the pure power law tau du/dt = -D u^(3-2/D), and a closed form that divides
by s loses everything to cancellation. Independent of Lindyn's code.

1. times: t(u0 -> uf) = tau int_{u0}^{uf} du / (D u^(2-2/D) (s - u)) by tanh-sinh quadrature in
   x = ln u (split at the targets so each piece is smooth), for targets between u0 and 1.01 s.
2. values: u(t) at t = 0.01, 1, 100, the root in x = ln u of t(u0 -> e^x) - t (30 bisections,
   then the Illinois bracketing method, on the quadrature).

Computed at 30 significant digits, written with 17: exact to double precision. Requires mpmath.
Run: python3 Validation/reference/deep_small_s.py   (writes deep-small-s.json beside it)
"""
import json
import os
import sys

try:
    import mpmath as mp
except ImportError:
    sys.exit("mpmath is required: pip install mpmath")

mp.mp.dps = 30
DEPTHS = (3, 4, 5, 6)
STRENGTHS = ("1e-12", "1e-10", "1e-8", "1e-6", "1e-4", "1e-2", "1", "10")
U0 = 3


def time(D, s, u0, uf):
    D, s = mp.mpf(D), mp.mpf(s)
    f = lambda x: mp.e ** x / (D * mp.e ** (x * (2 - 2 / D)) * (s - mp.e ** x))
    a, b = mp.log(mp.mpf(u0)), mp.log(mp.mpf(uf))
    # Split geometrically so that each piece spans a bounded range of scales.
    n = max(1, int(abs(b - a) / 2))
    points = [a + (b - a) * k / n for k in range(n + 1)]
    return mp.quad(f, points)


def value(D, s, u0, t):
    s = mp.mpf(s)
    t = mp.mpf(t)
    if s < u0:
        lo, hi = mp.log(s) + mp.mpf(10) ** -25, mp.log(mp.mpf(u0))
    else:
        lo, hi = mp.log(mp.mpf(u0)), mp.log(s) - mp.mpf(10) ** -25
    g = lambda x: time(D, s, u0, mp.e ** x) - t
    if (g(lo) > 0) == (g(hi) > 0):
        return s  # t beyond the reach of 1e-25 relative of s: u is s to double precision
    glo = g(lo)
    for _ in range(30):  # bisection first: g varies over many decades near ln s
        mid = (lo + hi) / 2
        gm = g(mid)
        if (gm > 0) == (glo > 0):
            lo, glo = mid, gm
        else:
            hi = mid
    return mp.e ** mp.findroot(g, (lo, hi), solver="illinois")


def main():
    times, values = [], []
    for D in DEPTHS:
        for text in STRENGTHS:
            s = mp.mpf(float(mp.mpf(text)))  # the double the tests pass
            if s < U0:
                targets = [mp.mpf(1), mp.mpf("1e-2"), 10 * s, 2 * s, mp.mpf("1.01") * s]
                targets = sorted({x for x in targets if s < x < U0}, reverse=True)
            else:
                targets = [mp.mpf(5), s - mp.mpf("1e-3")]
            for uf in targets:
                times.append({"depth": D, "s": float(s), "u0": U0, "uf": float(uf), "time": float(time(D, s, U0, mp.mpf(float(uf))))})
            for t in ("0.01", "1", "100"):
                values.append({"depth": D, "s": float(s), "u0": U0, "t": float(t), "u": float(value(D, s, U0, t))})
    out = {"generator": "Validation/reference/deep_small_s.py", "mpmath": mp.__version__, "digits": 30,
           "tau": 1, "times": times, "values": values}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "deep-small-s.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(times)} times, {len(values)} values")


if __name__ == "__main__":
    main()
