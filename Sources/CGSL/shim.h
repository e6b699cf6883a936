#ifndef LINDYN_CGSL_SHIM_H
#define LINDYN_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_version.h>

/* Two BLAS libraries, each where it is fastest:
   - GSL's own reference CBLAS (libgslcblas, linked ahead of OpenBLAS so that its cblas_* symbols
     win) serves GSL's internal calls: the tiny LU solves of the implicit steppers, where
     OpenBLAS's per-call overhead and the lock around its buffer pool serialise parallel solves;
   - OpenBLAS serves the large matrix products of the network models through its Fortran
     interface dgemm_, a symbol GSL's CBLAS does not have, via lindyn_dgemm below. */
extern void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                   const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
                   const double *beta, double *c, const int *ldc);
/* LAPACK (in OpenBLAS): the symmetric eigensystems and singular value decompositions of data
   correlation matrices, which need eigenvectors at sizes where GSL's unblocked solvers are slow. */
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info);
extern void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
                    double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
                    int *iwork, int *info);
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);

/* Row-major C = alpha op(A) op(B) + beta C with OpenBLAS: the same product computed column-major
   as C^T = alpha op(B)^T op(A)^T, so no copy or transpose is made. op(A) is m x k, op(B) k x n. */
static inline void lindyn_dgemm(int transpose_a, int transpose_b, int m, int n, int k, double alpha,
                                const double *a, int lda, const double *b, int ldb, double beta,
                                double *c, int ldc) {
    const char ta = transpose_b ? 'T' : 'N';
    const char tb = transpose_a ? 'T' : 'N';
    dgemm_(&ta, &tb, &n, &m, &k, &alpha, b, &ldb, a, &lda, &beta, c, &ldc);
}

/* GSL's stepper types are mutable C globals, which Swift 6 refuses to read
   ("not concurrency-safe"). These accessors return the same constant pointers. */
static inline const gsl_odeiv2_step_type *lindyn_step_rk2(void) { return gsl_odeiv2_step_rk2; }
static inline const gsl_odeiv2_step_type *lindyn_step_rk4(void) { return gsl_odeiv2_step_rk4; }
static inline const gsl_odeiv2_step_type *lindyn_step_rkf45(void) { return gsl_odeiv2_step_rkf45; }
static inline const gsl_odeiv2_step_type *lindyn_step_rkck(void) { return gsl_odeiv2_step_rkck; }
static inline const gsl_odeiv2_step_type *lindyn_step_rk8pd(void) { return gsl_odeiv2_step_rk8pd; }
static inline const gsl_odeiv2_step_type *lindyn_step_rk1imp(void) { return gsl_odeiv2_step_rk1imp; }
static inline const gsl_odeiv2_step_type *lindyn_step_rk2imp(void) { return gsl_odeiv2_step_rk2imp; }
static inline const gsl_odeiv2_step_type *lindyn_step_rk4imp(void) { return gsl_odeiv2_step_rk4imp; }
static inline const gsl_odeiv2_step_type *lindyn_step_bsimp(void) { return gsl_odeiv2_step_bsimp; }
static inline const gsl_odeiv2_step_type *lindyn_step_msadams(void) { return gsl_odeiv2_step_msadams; }
static inline const gsl_odeiv2_step_type *lindyn_step_msbdf(void) { return gsl_odeiv2_step_msbdf; }
static inline const gsl_rng_type *lindyn_rng_mt19937(void) { return gsl_rng_mt19937; }

/* The driver's internals: the evolve/control/step objects and the current step size,
   so the integrator can loop gsl_odeiv2_evolve_apply itself and read GSL's counters. */
static inline gsl_odeiv2_evolve *lindyn_driver_evolve(gsl_odeiv2_driver *d) { return d->e; }
static inline gsl_odeiv2_control *lindyn_driver_control(gsl_odeiv2_driver *d) { return d->c; }
static inline gsl_odeiv2_step *lindyn_driver_step(gsl_odeiv2_driver *d) { return d->s; }
static inline double *lindyn_driver_h(gsl_odeiv2_driver *d) { return &d->h; }

#endif
