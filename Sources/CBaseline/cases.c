/* The deterministic benchmark network case (Validation/bench/cases.md). */
#include "baseline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

int lindyn_baseline_network_case(int n, double u0, double *sigma31, double *u, double *v,
                                 double *s, double *w1, double *w2) {
    if (n < 1 || !(u0 >= 0.0) || !isfinite(u0)) return GSL_EINVAL;
    const size_t nn = (size_t)n * (size_t)n;
    double *buf = malloc((2 * nn + (size_t)n) * sizeof(double));
    if (buf == NULL) return GSL_ENOMEM;
    double *uu = buf, *vv = buf + nn, *ss = buf + 2 * nn;
    const double pi = 3.14159265358979323846; /* the double nearest pi */
    const double c0 = sqrt(1.0 / n), c = sqrt(2.0 / n);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
            const double au = pi * (double)((2 * i + 1) * k) / (double)(2 * n);
            const double av = pi * (double)((2 * i + 1) * (2 * k + 1)) / (double)(4 * n);
            uu[(size_t)i * n + k] = (k == 0 ? c0 : c) * cos(au);
            vv[(size_t)i * n + k] = c * cos(av);
        }
    }
    for (int k = 0; k < n; k++) {
        ss[k] = (n == 1) ? 3.0 : 1.0 + 2.0 * (double)(n - 1 - k) / (double)(n - 1);
    }
    if (sigma31 != NULL) {
        /* Sigma31[i][j] = sum_k U[i][k] s_k V[j][k], summed in increasing k */
        for (int i = 0; i < n; i++) {
            for (int jj = 0; jj < n; jj++) {
                double acc = 0.0;
                for (int k = 0; k < n; k++) {
                    acc += uu[(size_t)i * n + k] * ss[k] * vv[(size_t)jj * n + k];
                }
                sigma31[(size_t)i * n + jj] = acc;
            }
        }
    }
    const double a = sqrt(u0);
    for (int i = 0; i < n; i++) {
        for (int jj = 0; jj < n; jj++) {
            if (w1 != NULL) w1[(size_t)i * n + jj] = a * vv[(size_t)jj * n + i]; /* sqrt(u0) V^T */
            if (w2 != NULL) w2[(size_t)i * n + jj] = a * uu[(size_t)i * n + jj]; /* sqrt(u0) U */
        }
    }
    if (u != NULL) memcpy(u, uu, nn * sizeof(double));
    if (v != NULL) memcpy(v, vv, nn * sizeof(double));
    if (s != NULL) memcpy(s, ss, (size_t)n * sizeof(double));
    free(buf);
    return GSL_SUCCESS;
}
