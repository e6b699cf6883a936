/* Internal: the benchmark right-hand sides and Jacobians (GSL odeiv2 callback signatures). */
#ifndef LINDYN_BASELINE_PROBLEMS_H
#define LINDYN_BASELINE_PROBLEMS_H

#include <stddef.h>

/* Matrix products go to OpenBLAS's Fortran dgemm_, as Lindyn's do (Sources/CGSL/shim.h): both
   sides of the benchmark use the same kernel, while GSL's internal level-1/2 calls use GSL's own
   CBLAS. Row-major C = alpha op(A) op(B) + beta C, computed as column-major C^T. */
void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc);

static inline void lindyn_bl_dgemm(int transpose_a, int transpose_b, int m, int n, int k, double alpha,
                                   const double *a, int lda, const double *b, int ldb, double beta,
                                   double *c, int ldc) {
    const char ta = transpose_b ? 'T' : 'N';
    const char tb = transpose_a ? 'T' : 'N';
    dgemm_(&ta, &tb, &n, &m, &k, &alpha, b, &ldb, a, &lda, &beta, c, &ldc);
}

/* Callback context, passed as the system's params pointer. */
typedef struct {
    const double *p;  /* problem parameters */
    int n;            /* network width (NETWORK only) */
    size_t dim;
    long rhs_evaluations;
    long jacobian_evaluations;
    double *work;     /* NETWORK: 3 n^2 doubles (E, W2^T W2, W1 W1^T) */
} lindyn_bl_context;

typedef int (*lindyn_bl_rhs)(double t, const double y[], double f[], void *ctx);
typedef int (*lindyn_bl_jac)(double t, const double y[], double *dfdy, double dfdt[], void *ctx);

int lindyn_bl_scalar_f(double t, const double y[], double f[], void *ctx);
int lindyn_bl_scalar_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx);
int lindyn_bl_mode_f(double t, const double y[], double f[], void *ctx);
int lindyn_bl_mode_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx);
int lindyn_bl_robertson_f(double t, const double y[], double f[], void *ctx);
int lindyn_bl_robertson_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx);
int lindyn_bl_vanderpol_f(double t, const double y[], double f[], void *ctx);
int lindyn_bl_vanderpol_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx);
int lindyn_bl_network_f(double t, const double y[], double f[], void *ctx);
int lindyn_bl_network_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx);
int lindyn_bl_chain_f(double t, const double y[], double f[], void *ctx);
int lindyn_bl_chain_j(double t, const double y[], double *dfdy, double dfdt[], void *ctx);

/* E = Sigma31 - W2 W1 (n x n, row-major). */
void lindyn_bl_network_residual(int n, const double *sigma31, const double *w1,
                                const double *w2, double *e);

/* Switches GSL's abort-on-error handler off, once per process. */
void lindyn_bl_init(void);

#endif
