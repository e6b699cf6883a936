"""Reference values for the large-N generalisation theory (Tests/LindynTheoryTests/GeneralisationTheoryTests.swift).

Independent of Lindyn's quadrature: SciPy's QUADPACK `quad` in the eigenvalue variable itself
(no angle substitution), with the endpoint singularities left to QUADPACK's algebraic-weight
rule, and a bounded scalar minimiser for the stopping times. Run: python3 generalisation.py
"""
import numpy as np
from scipy.integrate import quad
from scipy.optimize import minimize_scalar


def mp_continuous(alpha):
    lo, hi = (1 - np.sqrt(alpha)) ** 2, (1 + np.sqrt(alpha)) ** 2
    # rho(lam) = sqrt((hi - lam)(lam - lo)) / (2 pi lam): QUADPACK's 'alg' weight handles the square roots.
    def integral(f):
        if alpha == 1:
            # lo = 0: rho = sqrt(4 - lam) / (2 pi sqrt(lam)), an inverse square root at 0.
            return quad(lambda lam: f(lam) / (2 * np.pi), lo, hi, weight="alg", wvar=(-0.5, 0.5), epsabs=1e-14, epsrel=1e-12, limit=500)[0]
        g = lambda lam: f(lam) / (2 * np.pi * lam)
        return quad(g, lo, hi, weight="alg", wvar=(0.5, 0.5), epsabs=1e-14, epsrel=1e-12, limit=500)[0]
    return integral


def regression_test_error(alpha, sw, se, T):
    integral = mp_continuous(alpha)
    frozen = max(0.0, 1 - alpha) * sw
    return se + frozen + integral(lambda l: sw * np.exp(-2 * l * T) + se * ((-np.expm1(-l * T)) ** 2 / l if l > 0 else 0.0))


def regression_train_error(alpha, sw, se, T):
    integral = mp_continuous(alpha)
    return se * max(0.0, 1 - 1 / alpha) + integral(lambda l: (se + l * sw) * np.exp(-2 * l * T)) / alpha


def logistic(s, eps, T):
    if s == 0:
        return eps / (1 + 2 * eps * T)
    return s / (1 + (s / eps - 1) * np.exp(-2 * s * T))


def teacher_test_error(sbar, N, eps, T):
    """Lampinen-Ganguli large-N test error, A = 1, one teacher mode, full-width student (N2 = N3 = N)."""
    A = 1.0
    shat = np.sqrt((1 + sbar**2) * (A + sbar**2)) / sbar
    O = np.sqrt((1 - A * (1 + sbar**2) / (sbar**2 * (A + sbar**2))) * (1 - (A + sbar**2) / (sbar**2 * (1 + sbar**2))))
    u = logistic(shat, eps, T)
    # singular values of the noise: shat^2 = lam is MP with ratio A; average g(sqrt(lam))^2 over it (mass A = 1).
    bulk = mp_continuous(A)(lambda l: logistic(np.sqrt(l), eps, T) ** 2)
    return ((N - 1) * bulk + u * u - 2 * sbar * O * u + sbar**2) / sbar**2


if __name__ == "__main__":
    sw, se = 0.8, 0.2
    for alpha in (0.5, 1.0, 2.0):
        for T in (0.5, 2.0, 10.0):
            print(f"regression alpha={alpha} T={T}: test {regression_test_error(alpha, sw, se, T):.12f} train {regression_train_error(alpha, sw, se, T):.12f}")
    for alpha in (0.5, 1.0):
        r = minimize_scalar(lambda x: regression_test_error(alpha, sw, se, np.exp(x)), bounds=(-3, 5), method="bounded", options={"xatol": 1e-10})
        print(f"regression alpha={alpha}: optimal stopping T* = {np.exp(r.x):.8f}, E_g(T*) = {r.fun:.12f}")
    for N in (50, 200):
        for T in (1.0, 3.0):
            print(f"teacher sbar=3 A=1 N={N} eps=1e-3 T={T}: test {teacher_test_error(3.0, N, 1e-3, T):.12f}")
        r = minimize_scalar(lambda x: teacher_test_error(3.0, N, 1e-3, np.exp(x)), bounds=(-1, 1.5), method="bounded", options={"xatol": 1e-10})
        print(f"teacher sbar=3 A=1 N={N}: optimal stopping T* = {np.exp(r.x):.8f}, E(T*) = {r.fun:.12f}")
