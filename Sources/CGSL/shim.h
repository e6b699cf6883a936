#ifndef LINDYN_CGSL_SHIM_H
#define LINDYN_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_version.h>

/* Two BLAS libraries, each where it is fastest:
   - GSL's own reference CBLAS (libgslcblas, linked) serves GSL's internal calls: the tiny LU
     solves of the implicit steppers, where OpenBLAS's per-call overhead and the lock around its
     buffer pool serialise parallel solves;
   - OpenBLAS serves the large matrix products of the network models through its Fortran
     interface dgemm_, via lindyn_dgemm below.
   OpenBLAS is opened on first use (dlopen, RTLD_LOCAL), not linked: loading it, libgfortran and
   its thread pool cost about a millisecond at every process start, most of a small solve's
   whole-process time. Where it cannot be opened, the products fall back to GSL's CBLAS
   (correct, slower); lindyn_blas_library() says which one serves them. */
#include <dlfcn.h>
#include <stddef.h>

typedef void (*lindyn_dgemm_fn)(const char *, const char *, const int *, const int *, const int *,
                                const double *, const double *, const int *, const double *,
                                const int *, const double *, double *, const int *);

struct lindyn_blas_table {
    lindyn_dgemm_fn dgemm;               /* NULL: use GSL's cblas_dgemm */
    void (*set_threads)(int);
    int (*get_threads)(void);
    char *(*config)(void);
    const char *path;                    /* the name it was opened by (NULL with GSL's) */
};

/* Storage as function-local statics: Swift's importer emits functions, not file-scope statics.
   Each object file that calls these holds its own copy and loads once. */
static inline struct lindyn_blas_table *lindyn_blas_storage(void) {
    static struct lindyn_blas_table table;
    return &table;
}
static inline int *lindyn_blas_ready(void) {
    static int ready;
    return &ready;
}

static inline void lindyn_blas_load(void) {
    static const char *const names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib",
                                        "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
                                        "/usr/local/opt/openblas/lib/libopenblas.dylib"};
    struct lindyn_blas_table t = {NULL, NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        void *handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!handle) continue;
        t.dgemm = (lindyn_dgemm_fn)dlsym(handle, "dgemm_");
        t.set_threads = (void (*)(int))dlsym(handle, "openblas_set_num_threads");
        t.get_threads = (int (*)(void))dlsym(handle, "openblas_get_num_threads");
        t.config = (char *(*)(void))dlsym(handle, "openblas_get_config");
        if (t.dgemm) {
            t.path = names[i];
            break;
        }
        t = (struct lindyn_blas_table){NULL, NULL, NULL, NULL, NULL};
    }
    *lindyn_blas_storage() = t;
}

/* Thread-safe: the first caller loads under a lock; later calls read one acquire flag. */
#include <pthread.h>
static inline const struct lindyn_blas_table *lindyn_blas(void) {
    int *ready = lindyn_blas_ready();
    if (__builtin_expect(!__atomic_load_n(ready, __ATOMIC_ACQUIRE), 0)) {
        static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&lock);
        if (!__atomic_load_n(ready, __ATOMIC_RELAXED)) {
            lindyn_blas_load();
            __atomic_store_n(ready, 1, __ATOMIC_RELEASE);
        }
        pthread_mutex_unlock(&lock);
    }
    return lindyn_blas_storage();
}

static inline void lindyn_blas_set_threads(int n) {
    const struct lindyn_blas_table *t = lindyn_blas();
    if (t->set_threads) t->set_threads(n);
}
static inline int lindyn_blas_threads(void) {
    const struct lindyn_blas_table *t = lindyn_blas();
    return t->get_threads ? t->get_threads() : 1;
}
static inline const char *lindyn_blas_config(void) {
    const struct lindyn_blas_table *t = lindyn_blas();
    return t->config ? t->config() : "GSL CBLAS (OpenBLAS could not be opened)";
}
static inline const void *lindyn_blas_dgemm_address(void) {
    return (const void *)lindyn_blas()->dgemm;
}
static inline const char *lindyn_blas_library(void) {
    const struct lindyn_blas_table *t = lindyn_blas();
    return t->path ? t->path : "libgslcblas";
}

/* Row-major C = alpha op(A) op(B) + beta C. With OpenBLAS the same product is computed
   column-major as C^T = alpha op(B)^T op(A)^T, so no copy or transpose is made. op(A) is m x k,
   op(B) k x n. */
static inline void lindyn_dgemm(int transpose_a, int transpose_b, int m, int n, int k, double alpha,
                                const double *a, int lda, const double *b, int ldb, double beta,
                                double *c, int ldc) {
    const struct lindyn_blas_table *t = lindyn_blas();
    if (__builtin_expect(t->dgemm != NULL, 1)) {
        const char ta = transpose_b ? 'T' : 'N';
        const char tb = transpose_a ? 'T' : 'N';
        t->dgemm(&ta, &tb, &n, &m, &k, &alpha, b, &ldb, a, &lda, &beta, c, &ldc);
    } else {
        cblas_dgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans,
                    transpose_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta,
                    c, ldc);
    }
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
