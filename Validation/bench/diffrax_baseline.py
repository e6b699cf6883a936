#!/usr/bin/env python3
"""JAX + diffrax baseline for Lindyn's benchmarks.

Runs the benchmark cases of Validation/bench/cases.md with diffrax (jit-compiled, float64, the
compilation and one warm-up run excluded from the timings) and writes JSON in the layout of
scipy_baseline.py, which `lindyn-bench --compare FILE` reads:

  explicit cases  Dopri8 and Tsit5 (Dopri8 is the counterpart of GSL's rk8pd, Tsit5 of rkf45)
  stiff cases     Kvaerno5 (an ESDIRK method; counterpart of bsimp / msbdf)

Each entry records the step counts diffrax reports, the right-hand-side evaluations those steps
imply (stages per attempted step, FSAL counted once: an estimate, marked as such), and the
accuracy the run reached against the case's closed form or reference value
(`final_rel_error`, the relative error at the last output time; `max_rel_error_vs_closed_form`
over every output), so a speed ratio is never read without the accuracy behind it.

Extra cases of this baseline (also in lindyn-bench):
  mode2       the mode case with only t = 0 and t = 10 as outputs;
  mode2001    the mode case with 2001 evenly spaced outputs on [0, 10].

Step control, as configured below (diffrax 0.7 defaults, passed explicitly and recorded under
"settings"): PIDController(rtol, atol, pcoeff=0, icoeff=1, dcoeff=0), i.e. an integral
controller. The error of a step is the RMS norm over components of
err_i / (atol + rtol max(|y0_i|, |y1_i|)); the step is kept when it is below 1, and the next
step is h * clip(0.9 E^(-1/q), 1, 10) after a kept step, clip(0.9 E^(-1/q), 0.2, 0.9) after a
rejected one, with q = 8 for Dopri8 (its error order: embedded order 7, plus one), 5 for Tsit5.
dt0=None: the first step comes from Hairer's starting-step rule (two evaluations of the
right-hand side, not counted in "nfev"). GSL's standard control takes the maximum over
components and grows a step by at most 5; the accuracy columns are what makes runs comparable.
`--tolerances` runs the network cases at further tolerances (a work-precision curve).

This script installs nothing. It exits 3 when jax or diffrax cannot be imported (`make
bench-peers` installs them with pip first), 1 when a solve failed, 64 on bad usage.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

ALL_CASES = ["scalar", "mode", "mode2", "mode2001", "robertson", "vanderpol", "chain",
             "network16", "network64", "network256"]
EXPLICIT = ["Dopri8", "Tsit5"]
STIFF = ["Kvaerno5"]
NETWORK_U0 = 1e-3
FINAL_STATE_ENTRIES = 8
ROBERTSON_Y1_AT_40 = 0.7158270687193941  # Hairer & Wanner's test set


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(64, f"{self.prog}: error: {message}\n")


def parse_arguments(argv):
    parser = _Parser(description="Run Lindyn's benchmark cases with JAX + diffrax; write JSON.")
    parser.add_argument("--out", required=True, help="the JSON file to write ('-' for stdout)")
    parser.add_argument("--cases", default=",".join(ALL_CASES),
                        help="comma-separated case names (default: %(default)s)")
    parser.add_argument("--repetitions", type=int, default=5,
                        help="timed runs per case after compilation and one warm-up (default 5)")
    parser.add_argument("--max-steps", type=int, default=1_000_000,
                        help="diffrax max_steps (default %(default)s)")
    parser.add_argument("--tolerances", default="",
                        help="comma-separated rtol = atol values for the network cases, run besides "
                             "the case's own 1e-10 (default: none)")
    args = parser.parse_args(argv)
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in args.cases if c not in ALL_CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(ALL_CASES)}")
    if args.repetitions < 1:
        parser.error("--repetitions must be at least 1")
    try:
        args.tolerances = [float(x) for x in args.tolerances.split(",") if x.strip()]
    except ValueError:
        parser.error("--tolerances must be a comma-separated list of numbers, e.g. 1e-8,1e-9")
    if any(not (0 < x < 1) for x in args.tolerances):
        parser.error("--tolerances must lie strictly between 0 and 1")
    return args


def grid(end, points):
    return [end * k / (points - 1) for k in range(points)]


def logistic(np, a, b, u0, t, tau):
    return a / (b + (a / u0 - b) * np.exp(-2.0 * a * np.asarray(t) / tau))


def network_case(np, n, u0):
    """The deterministic network case of cases.md (DCT-II U, DCT-IV V, s from 3 down to 1)."""
    i = np.arange(n)[:, None]
    k = np.arange(n)[None, :]
    u = np.where(k == 0, (1.0 / n) ** 0.5, (2.0 / n) ** 0.5) * np.cos(np.pi * (2 * i + 1) * k / (2 * n))
    v = (2.0 / n) ** 0.5 * np.cos(np.pi * (2 * i + 1) * (2 * k + 1) / (4 * n))
    s = np.array([3.0]) if n == 1 else 1.0 + 2.0 * (n - 1 - np.arange(n)) / (n - 1)
    a = u0 ** 0.5
    return {"n": n, "u": u, "v": v, "s": s, "sigma31": (u * s) @ v.T, "w1": a * v.T, "w2": a * u}


def problems(np, jnp, case):
    """rhs(t, y, args) in jax, y0, output times, tolerances, methods, error check."""
    if case == "scalar":
        def rhs(t, w, args):
            r = 1.0 - w[1] * w[0]
            return jnp.stack([w[1] * r, w[0] * r])

        def check(ts, ys):
            exact = logistic(np, 1.0, 1.0, 1e-4, ts, 1.0)
            return np.abs(ys[:, 0] * ys[:, 1] - exact) / exact
        return dict(rhs=rhs, y0=[0.01, 0.01], times=grid(20.0, 21), atol=1e-10, rtol=1e-10,
                    methods=EXPLICIT + STIFF, check=check)
    if case.startswith("mode"):
        s, u0 = 3.0, 1e-3
        times = {"mode": grid(10.0, 11), "mode2": [0.0, 10.0], "mode2001": grid(10.0, 2001)}[case]

        def rhs(t, u, args):
            return 2.0 * u * (s - u)

        def check(ts, ys):
            exact = logistic(np, s, 1.0, u0, ts, 1.0)
            return np.abs(ys[:, 0] - exact) / exact
        return dict(rhs=rhs, y0=[u0], times=times, atol=1e-10, rtol=1e-10,
                    methods=EXPLICIT + STIFF, check=check)
    if case == "robertson":
        k1, k2, k3 = 0.04, 3e7, 1e4

        def rhs(t, y, args):
            return jnp.stack([-k1 * y[0] + k3 * y[1] * y[2],
                              k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] ** 2, k2 * y[1] ** 2])

        def check(ts, ys):
            return np.array([abs(ys[-1, 0] - ROBERTSON_Y1_AT_40) / ROBERTSON_Y1_AT_40])
        return dict(rhs=rhs, y0=[1.0, 0.0, 0.0], times=[0.0, 0.4, 4.0, 40.0], atol=1e-12,
                    rtol=1e-10, methods=STIFF, check=check)
    if case == "vanderpol":
        mu = 1000.0

        def rhs(t, y, args):
            return jnp.stack([y[1], mu * (1.0 - y[0] ** 2) * y[1] - y[0]])
        return dict(rhs=rhs, y0=[2.0, 0.0], times=grid(3000.0, 7), atol=1e-10, rtol=1e-10,
                    methods=STIFF, check=None)
    if case == "chain":
        depth, s = 4, 2.0

        def rhs(t, a, args):
            u = jnp.prod(a)
            return u / a * (s - u)  # prod_{i != l} a_i; a stays positive from a(0) = 0.1
        return dict(rhs=rhs, y0=[0.1] * depth, times=grid(40.0, 11), atol=1e-10, rtol=1e-10,
                    methods=EXPLICIT, check=None)
    if case.startswith("network"):
        n = int(case[len("network"):])
        net = network_case(np, n, NETWORK_U0)
        sigma = jnp.asarray(net["sigma31"])
        nn = n * n

        def rhs(t, y, args):
            w1 = y[:nn].reshape(n, n)
            w2 = y[nn:].reshape(n, n)
            e = sigma - w2 @ w1
            return jnp.concatenate(((w2.T @ e).ravel(), (e @ w1.T).ravel()))

        def check(ts, ys):
            errors = []
            for t, y in zip(ts, ys):
                w1 = y[:nn].reshape(n, n)
                w2 = y[nn:].reshape(n, n)
                strengths = np.einsum("ik,ik->k", net["u"], (w2 @ w1) @ net["v"])
                exact = logistic(np, net["s"], 1.0, NETWORK_U0, t, 1.0)
                errors.append(float(np.max(np.abs(strengths - exact) / exact)))
            return np.array(errors)
        y0 = np.concatenate((net["w1"].ravel(), net["w2"].ravel()))
        return dict(rhs=rhs, y0=y0, times=grid(10.0, 11), atol=1e-10, rtol=1e-10,
                    methods=["Dopri8", "Tsit5"], check=check)
    raise ValueError(case)


def stages(diffrax, solver):
    """Right-hand sides per attempted step: the tableau's stages, less one when FSAL."""
    tableau = getattr(solver, "tableau", None)
    if tableau is None:
        return None
    count = len(tableau.c) + 1
    return count - 1 if getattr(tableau, "fsal", False) else count


def main(argv):
    args = parse_arguments(argv)
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        import numpy as np
        import diffrax
    except ImportError as error:
        print(f"jax/diffrax not available ({error}); skipping the diffrax baseline. "
              "`make bench-peers` installs them with pip.", file=sys.stderr)
        return 3

    results = []
    failed = False
    runs = []
    for case in args.cases:
        problem = problems(np, jnp, case)
        extra = args.tolerances if case.startswith("network") else []
        tolerances = [(problem["rtol"], problem["atol"])] + [(x, x) for x in extra if x != problem["rtol"]]
        for method in problem["methods"]:
            for rtol, atol in tolerances:
                runs.append((case, problem, method, rtol, atol))
    for case, problem, method, rtol, atol in runs:
        solver = getattr(diffrax, method)()
        times = jnp.asarray(problem["times"], dtype=jnp.float64)
        y0 = jnp.asarray(problem["y0"], dtype=jnp.float64)
        controller = diffrax.PIDController(rtol=rtol, atol=atol, pcoeff=0, icoeff=1, dcoeff=0)
        term = diffrax.ODETerm(problem["rhs"])

        @jax.jit
        def solve(y0):
            return diffrax.diffeqsolve(
                term, solver, t0=times[0], t1=times[-1], dt0=None, y0=y0,
                saveat=diffrax.SaveAt(ts=times), stepsize_controller=controller,
                max_steps=args.max_steps, throw=False)

        solution = solve(y0)  # compiles
        jax.block_until_ready(solution.ys)
        jax.block_until_ready(solve(y0).ys)  # warm-up
        seconds = []
        for _ in range(args.repetitions):
            start = time.perf_counter()
            solution = solve(y0)
            jax.block_until_ready(solution.ys)
            seconds.append(time.perf_counter() - start)
        ok = bool(solution.result == diffrax.RESULTS.successful)
        ys = np.asarray(solution.ys)
        ts = np.asarray(solution.ts)
        accepted = int(solution.stats["num_accepted_steps"])
        rejected = int(solution.stats["num_rejected_steps"])
        # Implicit stages cost Newton iterations that the stats do not count: no estimate.
        per_step = None if method in STIFF else stages(diffrax, solver)
        entry = {
            "name": case, "method": method, "rtol": rtol, "atol": atol,
            "median_seconds": statistics.median(seconds), "seconds": seconds,
            "repetitions": len(seconds), "success": ok and bool(np.all(np.isfinite(ys))),
            "message": str(solution.result), "dim": int(y0.size),
            "end_time": float(times[-1]), "outputs": int(times.size),
            "accepted_steps": accepted, "rejected_steps": rejected,
            "nfev": None if per_step is None else per_step * (accepted + rejected),
            "nfev_is_estimate": True,
            "final_state": [float(v) for v in ys[-1][:FINAL_STATE_ENTRIES]],
        }
        if problem["check"] is not None and entry["success"]:
            errors = problem["check"](ts, ys)
            entry["max_rel_error_vs_closed_form"] = float(np.max(errors))
            entry["final_rel_error"] = float(errors[-1])
        failed = failed or not entry["success"]
        results.append(entry)
        print(f"{case:11s} {method:9s} tol {rtol:.0e} {entry['median_seconds'] * 1e3:10.3f} ms  steps "
              f"{accepted}/{rejected}  f evals ~{entry['nfev']}  final error "
              f"{entry.get('final_rel_error', float('nan')):.2e}", file=sys.stderr)

    document = {
        "tool": "diffrax",
        "versions": {"python": platform.python_version(), "jax": jax.__version__,
                     "diffrax": diffrax.__version__, "numpy": np.__version__,
                     "platform": platform.platform(), "cpu_count": os.cpu_count(),
                     "load_average": list(os.getloadavg())},
        "settings": {"repetitions": args.repetitions, "warm_up": True, "jit": True,
                     "float64": True, "max_steps": args.max_steps,
                     "controller": "PIDController(pcoeff=0, icoeff=1, dcoeff=0), rms_norm, dt0=None",
                     "network_tolerances": args.tolerances},
        "cases": results,
    }
    text = json.dumps(document, indent=1)
    if args.out == "-":
        print(text)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
