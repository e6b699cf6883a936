/* The benchmark right-hand sides and analytic Jacobians (see include/baseline.h). */
#include "problems.h"

#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>

/* ---- scalar network: L = 1/2 (y - w2 w1 x)^2 ---- */

int lindyn_bl_scalar_f(double t, const double y[], double f[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->rhs_evaluations++;
    const double x = c->p[0], target = c->p[1], inv_tau = 1.0 / c->p[2];
    const double r = target - y[1] * y[0] * x;
    f[0] = inv_tau * y[1] * x * r;
    f[1] = inv_tau * y[0] * x * r;
    return GSL_SUCCESS;
}

int lindyn_bl_scalar_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->jacobian_evaluations++;
    const double x = c->p[0], target = c->p[1], inv_tau = 1.0 / c->p[2];
    const double w1 = y[0], w2 = y[1];
    const double r = target - w2 * w1 * x;
    const double cross = inv_tau * (x * r - w1 * w2 * x * x);
    dfdy[0] = -inv_tau * w2 * w2 * x * x;
    dfdy[1] = cross;
    dfdy[2] = cross;
    dfdy[3] = -inv_tau * w1 * w1 * x * x;
    dfdt[0] = 0.0;
    dfdt[1] = 0.0;
    return GSL_SUCCESS;
}

/* ---- balanced mode: tau u' = 2 u (s - u) ---- */

int lindyn_bl_mode_f(double t, const double y[], double f[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->rhs_evaluations++;
    const double s = c->p[0], inv_tau = 1.0 / c->p[1];
    f[0] = inv_tau * 2.0 * y[0] * (s - y[0]);
    return GSL_SUCCESS;
}

int lindyn_bl_mode_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->jacobian_evaluations++;
    const double s = c->p[0], inv_tau = 1.0 / c->p[1];
    dfdy[0] = inv_tau * (2.0 * s - 4.0 * y[0]);
    dfdt[0] = 0.0;
    return GSL_SUCCESS;
}

/* ---- Robertson's chemical kinetics ---- */

int lindyn_bl_robertson_f(double t, const double y[], double f[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->rhs_evaluations++;
    const double k1 = c->p[0], k2 = c->p[1], k3 = c->p[2];
    f[0] = -k1 * y[0] + k3 * y[1] * y[2];
    f[1] = k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] * y[1];
    f[2] = k2 * y[1] * y[1];
    return GSL_SUCCESS;
}

int lindyn_bl_robertson_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->jacobian_evaluations++;
    const double k1 = c->p[0], k2 = c->p[1], k3 = c->p[2];
    dfdy[0] = -k1;
    dfdy[1] = k3 * y[2];
    dfdy[2] = k3 * y[1];
    dfdy[3] = k1;
    dfdy[4] = -k3 * y[2] - 2.0 * k2 * y[1];
    dfdy[5] = -k3 * y[1];
    dfdy[6] = 0.0;
    dfdy[7] = 2.0 * k2 * y[1];
    dfdy[8] = 0.0;
    dfdt[0] = dfdt[1] = dfdt[2] = 0.0;
    return GSL_SUCCESS;
}

/* ---- Van der Pol oscillator ---- */

int lindyn_bl_vanderpol_f(double t, const double y[], double f[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->rhs_evaluations++;
    const double mu = c->p[0];
    f[0] = y[1];
    /* (mu y2)(1 - y1^2): the association Lindyn's compiled `system` expression uses, so both
       round alike and take identical steps. */
    f[1] = mu * y[1] * (1.0 - y[0] * y[0]) - y[0];
    return GSL_SUCCESS;
}

int lindyn_bl_vanderpol_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->jacobian_evaluations++;
    const double mu = c->p[0];
    dfdy[0] = 0.0;
    dfdy[1] = 1.0;
    dfdy[2] = -2.0 * mu * y[1] * y[0] - 1.0; /* the compiled expression's association */
    dfdy[3] = -mu * (y[0] * y[0]) + mu; /* likewise (the simplifier expands the product) */
    dfdt[0] = dfdt[1] = 0.0;
    return GSL_SUCCESS;
}

/* ---- two-layer network, whitened input ---- */

void lindyn_bl_network_residual(int n, const double *sigma31, const double *w1,
                                const double *w2, double *e) {
    memcpy(e, sigma31, (size_t)n * (size_t)n * sizeof(double));
    lindyn_dgemm(0, 0, n, n, n, -1.0, w2, n, w1, n, 1.0, e, n);
}

int lindyn_bl_network_f(double t, const double y[], double f[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->rhs_evaluations++;
    const int n = c->n;
    const size_t nn = (size_t)n * (size_t)n;
    const double inv_tau = 1.0 / c->p[0];
    const double *w1 = y, *w2 = y + nn;
    double *e = c->work;
    lindyn_bl_network_residual(n, c->p + 1, w1, w2, e);
    /* f1 = W2^T E / tau,  f2 = E W1^T / tau */
    lindyn_dgemm(1, 0, n, n, n, inv_tau, w2, n, e, n, 0.0, f, n);
    lindyn_dgemm(0, 1, n, n, n, inv_tau, e, n, w1, n, 0.0,
                f + nn, n);
    return GSL_SUCCESS;
}

/* With f1[a,b] = (W2^T E)[a,b] / tau and f2[a,b] = (E W1^T)[a,b] / tau, E = S - W2 W1:
 *   d f1[a,b] / d W1[c,d] = -delta_bd (W2^T W2)[a,c] / tau
 *   d f1[a,b] / d W2[c,d] = (delta_ad E[c,b] - W2[c,a] W1[d,b]) / tau
 *   d f2[a,b] / d W1[c,d] = (delta_bc E[a,d] - W2[a,c] W1[b,d]) / tau
 *   d f2[a,b] / d W2[c,d] = -delta_ac (W1 W1^T)[d,b] / tau
 * (symmetric: the negative Hessian of the loss, divided by tau). */
int lindyn_bl_network_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->jacobian_evaluations++;
    const int n = c->n;
    const size_t nn = (size_t)n * (size_t)n, dim = 2 * nn;
    const double inv_tau = 1.0 / c->p[0];
    const double *w1 = y, *w2 = y + nn;
    double *e = c->work, *g2 = c->work + nn, *g1 = c->work + 2 * nn;
    lindyn_bl_network_residual(n, c->p + 1, w1, w2, e);
    lindyn_dgemm(1, 0, n, n, n, 1.0, w2, n, w2, n, 0.0, g2, n);
    lindyn_dgemm(0, 1, n, n, n, 1.0, w1, n, w1, n, 0.0, g1, n);
    for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
            double *row1 = dfdy + ((size_t)a * n + b) * dim;       /* f1[a,b] */
            double *row2 = dfdy + (nn + (size_t)a * n + b) * dim;  /* f2[a,b] */
            for (int cc = 0; cc < n; cc++) {
                for (int d = 0; d < n; d++) {
                    const size_t j1 = (size_t)cc * n + d, j2 = nn + j1;
                    row1[j1] = (d == b) ? -inv_tau * g2[(size_t)a * n + cc] : 0.0;
                    row1[j2] = inv_tau * (((a == d) ? e[(size_t)cc * n + b] : 0.0)
                                          - w2[(size_t)cc * n + a] * w1[(size_t)d * n + b]);
                    row2[j1] = inv_tau * (((b == cc) ? e[(size_t)a * n + d] : 0.0)
                                          - w2[(size_t)a * n + cc] * w1[(size_t)b * n + d]);
                    row2[j2] = (a == cc) ? -inv_tau * g1[(size_t)d * n + b] : 0.0;
                }
            }
        }
    }
    memset(dfdt, 0, dim * sizeof(double));
    return GSL_SUCCESS;
}

/* ---- deep scalar chain: u = prod a_i, tau a_l' = (prod_{i!=l} a_i)(s - u) - lambda a_l ---- */

/* prod_{i != l, i != m} a_i without division (a_i may be zero). */
static double chain_product_except(const double *a, size_t depth, size_t l, size_t m) {
    double p = 1.0;
    for (size_t i = 0; i < depth; i++) {
        if (i != l && i != m) p *= a[i];
    }
    return p;
}

int lindyn_bl_chain_f(double t, const double y[], double f[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->rhs_evaluations++;
    const size_t depth = c->dim;
    const double s = c->p[0], inv_tau = 1.0 / c->p[1], lambda = c->p[2];
    /* prefix products in f, then sweep back with the suffix product */
    double prefix = 1.0;
    for (size_t l = 0; l < depth; l++) {
        f[l] = prefix;
        prefix *= y[l];
    }
    const double residual = s - prefix;
    double suffix = 1.0;
    for (size_t l = depth; l-- > 0;) {
        const double others = f[l] * suffix;
        suffix *= y[l];
        f[l] = inv_tau * (others * residual - lambda * y[l]);
    }
    return GSL_SUCCESS;
}

int lindyn_bl_chain_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx) {
    (void)t;
    lindyn_bl_context *c = ctx;
    c->jacobian_evaluations++;
    const size_t depth = c->dim;
    const double s = c->p[0], inv_tau = 1.0 / c->p[1], lambda = c->p[2];
    double u = 1.0;
    for (size_t i = 0; i < depth; i++) u *= y[i];
    const double residual = s - u;
    for (size_t l = 0; l < depth; l++) {
        const double others_l = chain_product_except(y, depth, l, l);
        for (size_t m = 0; m < depth; m++) {
            const double others_m = chain_product_except(y, depth, m, m);
            double v;
            if (m == l) {
                v = -others_l * others_l - lambda;
            } else {
                v = chain_product_except(y, depth, l, m) * residual - others_l * others_m;
            }
            dfdy[l * depth + m] = inv_tau * v;
        }
        dfdt[l] = 0.0;
    }
    return GSL_SUCCESS;
}
