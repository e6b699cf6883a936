/* Full-batch gradient descent on the two-layer network, and its mode strengths. */
#include "baseline.h"
#include "problems.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>

int lindyn_baseline_mode_strengths(int n, const double *u, const double *v, const double *w1,
                                   const double *w2, double *strengths) {
    if (n < 1 || u == NULL || v == NULL || w1 == NULL || w2 == NULL || strengths == NULL) {
        return GSL_EINVAL;
    }
    const size_t nn = (size_t)n * (size_t)n;
    double *w = malloc(2 * nn * sizeof(double));
    if (w == NULL) return GSL_ENOMEM;
    double *wv = w + nn;
    /* W = W2 W1, then (W V), then u_k^T (W V)_k column by column */
    lindyn_dgemm(0, 0, n, n, n, 1.0, w2, n, w1, n, 0.0, w, n);
    lindyn_dgemm(0, 0, n, n, n, 1.0, w, n, v, n, 0.0, wv, n);
    for (int k = 0; k < n; k++) strengths[k] = cblas_ddot(n, u + k, n, wv + k, n);
    free(w);
    return GSL_SUCCESS;
}

static int descend(int n, double tau, const double *sigma31, const double *u, const double *v,
                   double *w1, double *w2, long epochs, long every, double *strengths) {
    lindyn_bl_init();
    if (n < 1 || !(tau > 0.0) || !isfinite(tau) || epochs < 0 || sigma31 == NULL || w1 == NULL
        || w2 == NULL) {
        return GSL_EINVAL;
    }
    const int record = strengths != NULL;
    if (record && (every < 1 || u == NULL || v == NULL)) return GSL_EINVAL;
    const size_t nn = (size_t)n * (size_t)n;
    const double alpha = 1.0 / tau;
    double *e = malloc(2 * nn * sizeof(double));
    if (e == NULL) return GSL_ENOMEM;
    double *dw2 = e + nn;
    int status = GSL_SUCCESS;
    long row = 0;
    for (long epoch = 0; epoch <= epochs; epoch++) {
        if (record && epoch % every == 0) {
            status = lindyn_baseline_mode_strengths(n, u, v, w1, w2, strengths + (size_t)row * n);
            if (status != GSL_SUCCESS) break;
            row++;
        }
        if (epoch == epochs) break;
        lindyn_bl_network_residual(n, sigma31, w1, w2, e);
        /* dW2 = alpha E W1^T from the old W1; then W1 += alpha W2^T E (old W2); W2 += dW2 */
        lindyn_dgemm(0, 1, n, n, n, alpha, e, n, w1, n, 0.0,
                    dw2, n);
        lindyn_dgemm(1, 0, n, n, n, alpha, w2, n, e, n, 1.0, w1,
                    n);
        cblas_daxpy((int)nn, 1.0, dw2, 1, w2, 1);
    }
    free(e);
    return status;
}

int lindyn_baseline_descend_network(int n, double tau, const double *sigma31, double *w1,
                                    double *w2, long epochs) {
    return descend(n, tau, sigma31, NULL, NULL, w1, w2, epochs, 1, NULL);
}

int lindyn_baseline_descend_network_recorded(int n, double tau, const double *sigma31,
                                             const double *u, const double *v, double *w1,
                                             double *w2, long epochs, long every,
                                             double *strengths) {
    if (strengths == NULL) return GSL_EINVAL;
    return descend(n, tau, sigma31, u, v, w1, w2, epochs, every, strengths);
}
