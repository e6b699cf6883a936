#!/usr/bin/env python3
"""SciPy baseline for Lindyn's benchmarks.

Runs the benchmark cases with scipy.integrate.solve_ivp (RK45, DOP853, LSODA, BDF; LSODA and BDF
get the analytic Jacobian) and full-batch gradient descent with NumPy, and writes JSON that the
Swift benchmark compares with its own and the C baseline's results.

Case definitions (identical to Validation/bench/cases.md; change both together):
  scalar      tau w1' = w2 x r, tau w2' = w1 x r, r = y - w2 w1 x; x = y = tau = 1;
              w(0) = (0.01, 0.01); outputs t = 0, 1, ..., 20; atol = rtol = 1e-10.
  mode        tau u' = 2 u (s - u); s = 3, tau = 1, u(0) = 1e-3; t = 0, 1, ..., 10; 1e-10 / 1e-10.
  robertson   k1 = 0.04, k2 = 3e7, k3 = 1e4; y(0) = (1, 0, 0); t = 0, 0.4, 4, 40; atol 1e-12, rtol 1e-10.
  robertson4e5 (not run by default) as robertson with t = 0 and 0.4 * 10^k, k = 0..6.
  vanderpol   mu = 1000, y(0) = (2, 0); t = 0, 500, ..., 3000; 1e-10 / 1e-10.
  chain       D = 4, s = 2, tau = 1, lambda = 0; a(0) = (0.1, 0.1, 0.1, 0.1); t = 0, 4, ..., 40;
              1e-10 / 1e-10.
  networkN    N = 16, 64, 256; tau W1' = W2^T E, tau W2' = E W1^T, E = Sigma31 - W2 W1, tau = 1;
              U[i,k] = c_k cos(pi (2i+1) k / (2N)) (c_0 = sqrt(1/N), else sqrt(2/N)),
              V[i,k] = sqrt(2/N) cos(pi (2i+1)(2k+1) / (4N)), s_k = 1 + 2 (N-1-k)/(N-1),
              Sigma31 = U diag(s) V^T; W1(0) = sqrt(1e-3) V^T, W2(0) = sqrt(1e-3) U;
              t = 0, 1, ..., 10; 1e-10 / 1e-10. No random generator: Swift and C build the same.
  descent256  gradient descent on network256's Sigma31 and init, W1 += W2^T E / tau,
              W2 += E W1^T / tau (E from the old weights), 1e5 epochs, tau = epochs / 10.

Exit codes: 0 success; 1 a solve failed; 3 NumPy or SciPy is not available (the caller skips the
SciPy baseline); 64 bad command-line usage.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

ALL_CASES = ["scalar", "mode", "robertson", "vanderpol", "network16", "network64", "network256",
             "chain", "descent256"]
OPTIONAL_CASES = ["robertson4e5"]
ALL_METHODS = ["RK45", "DOP853", "LSODA", "BDF"]
IMPLICIT_METHODS = {"LSODA", "BDF"}
DEFAULT_EPOCHS = 100_000
QUICK_EPOCHS = 1_000
DESCENT_WARMUP_EPOCHS = 100
NETWORK_U0 = 1e-3
FINAL_STATE_ENTRIES = 8


class _Parser(argparse.ArgumentParser):
    """Usage errors exit with 64 (EX_USAGE), like the lindyn command line."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(64, f"{self.prog}: error: {message}\n")


def parse_arguments(argv):
    parser = _Parser(
        description="Run Lindyn's benchmark cases with SciPy's solve_ivp and NumPy descent; "
                    "write JSON. Case definitions: Validation/bench/cases.md.")
    parser.add_argument("--out", required=True, help="the JSON file to write ('-' for stdout)")
    parser.add_argument("--cases", default=",".join(ALL_CASES),
                        help="comma-separated case names (default: %(default)s; also: "
                             + ", ".join(OPTIONAL_CASES) + ")")
    parser.add_argument("--methods", default=None,
                        help="comma-separated solve_ivp methods to run where the case allows them "
                             "(default: " + ",".join(ALL_METHODS) + ")")
    parser.add_argument("--all-methods", action="store_true",
                        help="also run the methods a case leaves out by default (slow or huge)")
    parser.add_argument("--repetitions", type=int, default=None,
                        help="timed runs per case after one warm-up (default 5; 1 with --quick)")
    parser.add_argument("--descent-repetitions", type=int, default=None,
                        help="timed runs of descent256 (default 1)")
    parser.add_argument("--epochs", type=int, default=None,
                        help=f"descent epochs (default {DEFAULT_EPOCHS}; {QUICK_EPOCHS} with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help=f"one timed run, no warm-up, {QUICK_EPOCHS} descent epochs")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (sets OPENBLAS_NUM_THREADS etc. before NumPy loads)")
    args = parser.parse_args(argv)

    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in ALL_CASES + OPTIONAL_CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; "
                     f"choose from {', '.join(ALL_CASES + OPTIONAL_CASES)}")
    args.cases = cases
    methods = ALL_METHODS if args.methods is None else \
        [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown:
        parser.error(f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(ALL_METHODS)}")
    args.methods = methods
    if args.repetitions is None:
        args.repetitions = 1 if args.quick else 5
    if args.descent_repetitions is None:
        args.descent_repetitions = 1
    if args.epochs is None:
        args.epochs = QUICK_EPOCHS if args.quick else DEFAULT_EPOCHS
    if args.repetitions < 1 or args.descent_repetitions < 1:
        parser.error("repetitions must be at least 1")
    if args.epochs < 10:
        parser.error("--epochs must be at least 10 (tau = epochs / 10)")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def main(argv):
    args = parse_arguments(argv)
    if args.threads is not None:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)
    try:
        import numpy
        import scipy
        from scipy.integrate import solve_ivp
    except ImportError as error:
        print(f"scipy not available ({error}); skipping the SciPy baseline. "
              "Install NumPy and SciPy (pip install numpy scipy) to run it.", file=sys.stderr)
        return 3
    bench = Bench(numpy, scipy, solve_ivp, args)
    results = []
    failed = False
    for case in args.cases:
        for entry in bench.run_case(case):
            results.append(entry)
            failed = failed or not entry.get("success", True)
            print(bench.summary(entry), file=sys.stderr)
    document = {
        "tool": "scipy",
        "versions": bench.versions(),
        "settings": {"repetitions": args.repetitions, "warm_up": not args.quick,
                     "descent_repetitions": args.descent_repetitions, "epochs": args.epochs,
                     "threads": args.threads, "quick": args.quick},
        "cases": results,
    }
    text = json.dumps(document, indent=1)
    if args.out == "-":
        print(text)
    else:
        directory = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(directory, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return 1 if failed else 0


class Bench:
    def __init__(self, np, scipy, solve_ivp, args):
        self.np = np
        self.scipy = scipy
        self.solve_ivp = solve_ivp
        self.args = args

    # ---- environment ----

    def versions(self):
        np = self.np
        info = {"python": platform.python_version(), "numpy": np.__version__,
                "scipy": self.scipy.__version__, "platform": platform.platform(),
                "machine": platform.machine(), "cpu_count": os.cpu_count()}
        try:
            config = np.show_config(mode="dicts")
            blas = config.get("Build Dependencies", {}).get("blas", {})
            info["blas"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
        except Exception:  # older NumPy: no dict mode
            pass
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
            if name in os.environ:
                info[name.lower()] = os.environ[name]
        return info

    # ---- the cases ----

    def run_case(self, case):
        if case == "descent256":
            return [self.run_descent(256)]
        problem = self.problem(case)
        methods = [m for m in self.args.methods
                   if self.args.all_methods or m in problem["methods"]]
        return [self.run_solve(case, problem, method) for method in methods]

    def problem(self, case):
        """The case as plain data: rhs, jacobian, y0, output times, tolerances, default methods."""
        np = self.np
        if case == "scalar":
            x, target, tau = 1.0, 1.0, 1.0

            def rhs(t, w):
                r = target - w[1] * w[0] * x
                return np.array([w[1] * x * r / tau, w[0] * x * r / tau])

            def jac(t, w):
                r = target - w[1] * w[0] * x
                cross = (x * r - w[0] * w[1] * x * x) / tau
                return np.array([[-w[1] * w[1] * x * x / tau, cross],
                                 [cross, -w[0] * w[0] * x * x / tau]])

            def check(times, ys):
                exact = logistic(np, x * target, x * x, 1e-4, times, tau)
                return float(np.max(np.abs(ys[0] * ys[1] - exact) / exact))

            return dict(rhs=rhs, jac=jac, y0=[0.01, 0.01], times=grid(np, 20.0, 21),
                        atol=1e-10, rtol=1e-10, methods=ALL_METHODS, check=check,
                        parameters={"x": x, "y": target, "tau": tau})
        if case == "mode":
            s, tau, u0 = 3.0, 1.0, 1e-3

            def rhs(t, u):
                return np.array([2.0 * u[0] * (s - u[0]) / tau])

            def jac(t, u):
                return np.array([[(2.0 * s - 4.0 * u[0]) / tau]])

            def check(times, ys):
                exact = logistic(np, s, 1.0, u0, times, tau)
                return float(np.max(np.abs(ys[0] - exact) / exact))

            return dict(rhs=rhs, jac=jac, y0=[u0], times=grid(np, 10.0, 11), atol=1e-10,
                        rtol=1e-10, methods=ALL_METHODS, check=check,
                        parameters={"s": s, "tau": tau, "u0": u0})
        if case in ("robertson", "robertson4e5"):
            k1, k2, k3 = 0.04, 3e7, 1e4

            def rhs(t, y):
                return np.array([-k1 * y[0] + k3 * y[1] * y[2],
                                 k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] * y[1],
                                 k2 * y[1] * y[1]])

            def jac(t, y):
                return np.array([[-k1, k3 * y[2], k3 * y[1]],
                                 [k1, -k3 * y[2] - 2.0 * k2 * y[1], -k3 * y[1]],
                                 [0.0, 2.0 * k2 * y[1], 0.0]])

            if case == "robertson":
                times = np.array([0.0, 0.4, 4.0, 40.0])

                def check(times, ys):  # Hairer and Wanner's test set: y1(40)
                    return float(abs(ys[0][-1] - 0.7158270687193941) / 0.7158270687193941)
                methods = ALL_METHODS
            else:
                times = np.array([0.0] + [0.4 * 10.0 ** k for k in range(7)])
                check = None
                methods = ["LSODA", "BDF"]
            return dict(rhs=rhs, jac=jac, y0=[1.0, 0.0, 0.0], times=times, atol=1e-12,
                        rtol=1e-10, methods=methods, check=check,
                        parameters={"k1": k1, "k2": k2, "k3": k3})
        if case == "vanderpol":
            mu = 1000.0

            def rhs(t, y):
                return np.array([y[1], mu * (1.0 - y[0] * y[0]) * y[1] - y[0]])

            def jac(t, y):
                return np.array([[0.0, 1.0],
                                 [-2.0 * mu * y[0] * y[1] - 1.0, mu * (1.0 - y[0] * y[0])]])

            return dict(rhs=rhs, jac=jac, y0=[2.0, 0.0], times=grid(np, 3000.0, 7), atol=1e-10,
                        rtol=1e-10, methods=["LSODA", "BDF"], check=None,
                        parameters={"mu": mu})
        if case == "chain":
            depth, s, tau, decay = 4, 2.0, 1.0, 0.0

            def others(a):
                """prod_{i != l} a_i for every l, without division."""
                prefix = np.concatenate(([1.0], np.cumprod(a[:-1])))
                suffix = np.concatenate((np.cumprod(a[::-1][:-1])[::-1], [1.0]))
                return prefix * suffix

            def rhs(t, a):
                u = float(np.prod(a))
                return (others(a) * (s - u) - decay * a) / tau

            def jac(t, a):
                u = float(np.prod(a))
                p = others(a)
                j = np.empty((depth, depth))
                for l in range(depth):
                    for m in range(depth):
                        if l == m:
                            j[l, m] = -p[l] * p[l] - decay
                        else:
                            pair = float(np.prod([a[i] for i in range(depth) if i not in (l, m)]))
                            j[l, m] = pair * (s - u) - p[l] * p[m]
                return j / tau

            def check(times, ys):
                """Balanced init: t(u) = tau * int_{v0}^{u^(1/D)} dv / (v^(D-1) (s - v^D)),
                compared with t while u is away from s (there t(u) is ill-conditioned)."""
                from scipy.integrate import quad
                worst = 0.0
                for t, a in zip(times[1:], ys.T[1:]):
                    u = float(np.prod(a))
                    if abs(s - u) < 1e-3 * s:
                        continue
                    integral, _ = quad(lambda v: 1.0 / (v ** (depth - 1) * (s - v ** depth)),
                                       0.1, u ** (1.0 / depth), epsabs=0.0, epsrel=1e-13)
                    worst = max(worst, abs(tau * integral - t) / t)
                return worst

            return dict(rhs=rhs, jac=jac, y0=[0.1] * depth, times=grid(np, 40.0, 11),
                        atol=1e-10, rtol=1e-10, methods=ALL_METHODS, check=check,
                        parameters={"depth": depth, "s": s, "tau": tau, "lambda": decay})
        if case.startswith("network"):
            n = int(case[len("network"):])
            net = network_case(np, n, NETWORK_U0)
            sigma, tau, nn = net["sigma31"], 1.0, n * n

            def rhs(t, y):
                w1 = y[:nn].reshape(n, n)
                w2 = y[nn:].reshape(n, n)
                e = sigma - w2 @ w1
                return np.concatenate(((w2.T @ e).ravel(), (e @ w1.T).ravel())) / tau

            def jac(t, y):
                w1 = y[:nn].reshape(n, n)
                w2 = y[nn:].reshape(n, n)
                e = sigma - w2 @ w1
                eye = np.eye(n)
                j11 = -np.kron(w2.T @ w2, eye)
                j12 = (np.einsum("ad,cb->abcd", eye, e)
                       - np.einsum("ca,db->abcd", w2, w1)).reshape(nn, nn)
                j22 = -np.kron(eye, w1 @ w1.T)
                return np.block([[j11, j12], [j12.T, j22]]) / tau

            def check(times, ys):
                worst = 0.0
                for k, t in enumerate(times):
                    strengths = mode_strengths(np, net, ys[:, k])
                    exact = logistic(np, net["s"], 1.0, NETWORK_U0, t, tau)
                    worst = max(worst, float(np.max(np.abs(strengths - exact) / exact)))
                return worst

            methods = ALL_METHODS if n <= 16 else ["RK45", "DOP853"]
            return dict(rhs=rhs, jac=jac, y0=np.concatenate((net["w1"].ravel(), net["w2"].ravel())),
                        times=grid(np, 10.0, 11), atol=1e-10, rtol=1e-10, methods=methods,
                        check=check, network=net, parameters={"n": n, "tau": tau, "u0": NETWORK_U0})
        raise ValueError(case)

    # ---- running ----

    def run_solve(self, case, problem, method):
        np = self.np
        solver = counting_solver(method)
        options = {}
        if method in IMPLICIT_METHODS:
            options["jac"] = problem["jac"]
        y0 = np.asarray(problem["y0"], dtype=float)
        times = problem["times"]

        def solve():
            solver.steps = 0
            return self.solve_ivp(problem["rhs"], (float(times[0]), float(times[-1])), y0,
                                  method=solver, t_eval=times, rtol=problem["rtol"],
                                  atol=problem["atol"], **options)

        seconds, solution = self.timed(solve, self.args.repetitions, warm_up=not self.args.quick)
        final = solution.y[:, -1] if solution.y.shape[1] > 0 else np.array([])
        entry = {
            "name": case, "method": method, "rtol": problem["rtol"], "atol": problem["atol"],
            "median_seconds": statistics.median(seconds), "seconds": seconds,
            "repetitions": len(seconds), "success": bool(solution.success),
            "message": solution.message, "dim": int(y0.size),
            "end_time": float(times[-1]), "t_reached": float(solution.t[-1]) if solution.t.size else
            float(times[0]), "parameters": problem["parameters"],
            "accepted_steps": solver.steps, "nfev": int(solution.nfev),
            "njev": int(solution.njev), "nlu": int(solution.nlu),
            "final_state_norm": float(np.linalg.norm(final)),
            "final_state": [float(v) for v in final[:FINAL_STATE_ENTRIES]],
        }
        if "network" in problem and final.size:
            entry["mode_strengths"] = [float(v) for v in mode_strengths(np, problem["network"], final)]
        if problem["check"] is not None and solution.success:
            entry["max_rel_error_vs_closed_form"] = problem["check"](solution.t, solution.y)
        return entry

    def run_descent(self, n):
        np = self.np
        net = network_case(np, n, NETWORK_U0)
        epochs = self.args.epochs
        tau = epochs / 10.0
        alpha = 1.0 / tau
        sigma = net["sigma31"]

        def descend(count):
            w1 = net["w1"].copy()
            w2 = net["w2"].copy()
            product = np.empty((n, n))
            e = np.empty((n, n))
            d1 = np.empty((n, n))
            d2 = np.empty((n, n))
            for _ in range(count):
                np.matmul(w2, w1, out=product)
                np.subtract(sigma, product, out=e)
                np.matmul(e, w1.T, out=d2)       # from the old W1
                np.matmul(w2.T, e, out=d1)       # from the old W2
                d1 *= alpha
                d2 *= alpha
                w1 += d1
                w2 += d2
            return w1, w2

        if not self.args.quick:
            descend(DESCENT_WARMUP_EPOCHS)
        seconds, (w1, w2) = self.timed(lambda: descend(epochs), self.args.descent_repetitions,
                                       warm_up=False)
        final = np.concatenate((w1.ravel(), w2.ravel()))
        strengths = mode_strengths(np, net, final)
        flow = logistic(np, net["s"], 1.0, NETWORK_U0, epochs / tau, 1.0)
        finite = bool(np.all(np.isfinite(final)))
        return {
            "name": f"descent{n}", "method": "numpy-gd", "rtol": None, "atol": None,
            "median_seconds": statistics.median(seconds), "seconds": seconds,
            "repetitions": len(seconds), "success": finite,
            "message": "finished" if finite else "weights are not finite",
            "dim": int(final.size), "epochs": epochs, "tau": tau, "learning_rate": alpha,
            "parameters": {"n": n, "tau": tau, "u0": NETWORK_U0},
            "seconds_per_epoch": statistics.median(seconds) / epochs,
            "nfev": None, "njev": None,
            "final_state_norm": float(np.linalg.norm(final)),
            "final_state": [float(v) for v in final[:FINAL_STATE_ENTRIES]],
            "mode_strengths": [float(v) for v in strengths],
            "max_rel_deviation_from_flow": float(np.max(np.abs(strengths - flow) / flow)),
        }

    @staticmethod
    def timed(work, repetitions, warm_up):
        if warm_up:
            work()
        seconds = []
        result = None
        for _ in range(repetitions):
            start = time.perf_counter()
            result = work()
            seconds.append(time.perf_counter() - start)
        return seconds, result

    @staticmethod
    def summary(entry):
        extra = ""
        if "max_rel_error_vs_closed_form" in entry:
            extra = f"  err {entry['max_rel_error_vs_closed_form']:.2e}"
        if "max_rel_deviation_from_flow" in entry:
            extra = f"  dev from flow {entry['max_rel_deviation_from_flow']:.2e}"
        counts = f"steps {entry.get('accepted_steps')} nfev {entry['nfev']} njev {entry['njev']}" \
            if entry["nfev"] is not None else f"epochs {entry['epochs']}"
        status = "" if entry["success"] else f"  FAILED: {entry['message']}"
        return (f"{entry['name']:>12} {entry['method']:>8}  {entry['median_seconds']:.4g} s  "
                f"{counts}{extra}{status}")


# ---- helpers shared by the cases ----

def grid(np, end, points):
    """points evenly spaced times on [0, end], both ends included: t_k = end k / (points - 1)."""
    return np.array([end * k / (points - 1) for k in range(points)])


def logistic(np, a, b, u0, t, tau):
    """Balanced mode: tau u' = 2 u (a - b u), u(0) = u0 (overflow-free form)."""
    return a / (b + (a / u0 - b) * np.exp(-2.0 * a * np.asarray(t) / tau))


def network_case(np, n, u0):
    """The deterministic network case of cases.md (DCT-II U, DCT-IV V, s from 3 down to 1)."""
    pi = 3.14159265358979323846
    u = np.empty((n, n))
    v = np.empty((n, n))
    c0, c = (1.0 / n) ** 0.5, (2.0 / n) ** 0.5
    for i in range(n):
        for k in range(n):
            u[i, k] = (c0 if k == 0 else c) * np.cos(pi * float((2 * i + 1) * k) / float(2 * n))
            v[i, k] = c * np.cos(pi * float((2 * i + 1) * (2 * k + 1)) / float(4 * n))
    if n == 1:
        s = np.array([3.0])
    else:
        s = np.array([1.0 + 2.0 * float(n - 1 - k) / float(n - 1) for k in range(n)])
    sigma31 = (u * s) @ v.T
    a = u0 ** 0.5
    return {"n": n, "u": u, "v": v, "s": s, "sigma31": sigma31, "w1": a * v.T.copy(),
            "w2": a * u.copy()}


def mode_strengths(np, net, state):
    """u_k = U[:,k]^T W2 W1 V[:,k] for a flat state (W1 then W2, row-major)."""
    n = net["n"]
    w1 = state[:n * n].reshape(n, n)
    w2 = state[n * n:].reshape(n, n)
    return np.einsum("ik,ik->k", net["u"], (w2 @ w1) @ net["v"])


def counting_solver(name):
    """The solve_ivp method as a subclass counting accepted steps (one per successful step)."""
    from scipy.integrate import BDF, DOP853, LSODA, RK45
    base = {"RK45": RK45, "DOP853": DOP853, "LSODA": LSODA, "BDF": BDF}[name]

    class Counted(base):
        steps = 0

        def _step_impl(self):
            success, message = super()._step_impl()
            if success:
                type(self).steps += 1
            return success, message

    Counted.__name__ = Counted.__qualname__ = name
    return Counted


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
