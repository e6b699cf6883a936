/* Internal: the benchmark right-hand sides and Jacobians (GSL odeiv2 callback signatures). */
#ifndef LINDYN_BASELINE_PROBLEMS_H
#define LINDYN_BASELINE_PROBLEMS_H

#include <stddef.h>

/* Matrix products go to OpenBLAS's Fortran dgemm_ through lindyn_dgemm, as Lindyn's do: both
   sides of the benchmark use the same kernel, while GSL's internal level-1/2 calls use GSL's own
   CBLAS (see Sources/CGSL/shim.h). */
#include "../CGSL/shim.h"

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
