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
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

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

/* A step-size control with a choice of error norm and controller, installed in place of the
   driver's standard control (GSL accepts user control types). With norm = max and controller =
   standard it makes the same decisions as gsl_odeiv2_control_standard.
   norm: 0 max_i r_i, 1 sqrt(mean_i r_i^2), where r_i = |err_i| / (eps_abs + eps_rel (a_y |y_i| +
   a_dydt |h y'_i|)). controller: 0 GSL's standard rule, 1 proportional-integral (Gustafsson's
   coefficients 0.7/k and 0.4/k, k = order + 1, safety 0.9, factor in [0.2, 5]), 2 integral
   (exponent 1/order, safety 0.9, an accepted step's factor in [1, 10], as diffrax's default
   PIDController). */
typedef struct {
    double eps_abs, eps_rel, a_y, a_dydt;
    int norm, controller;
    double previous_error; /* PI: error of the last accepted step, at least 1e-4 */
    int rejected;          /* PI: the last attempt was rejected */
    /* PI coefficients: on acceptance h *= safety E^(-alpha / k) E_prev^(beta / k), k = order + k_shift,
       clamped to [grow_min, grow_max]; set by lindyn_driver_use_control from the controller. */
    double alpha, beta, k_shift, grow_min, grow_max;
    int hold_after_reject; /* no growth on the step after a rejection */
} lindyn_control_state;

static inline void *lindyn_control_alloc(void) {
    lindyn_control_state *s = (lindyn_control_state *)calloc(1, sizeof(lindyn_control_state));
    if (s != NULL) s->previous_error = 1e-4;
    return s;
}

static inline int lindyn_control_init(void *state, double eps_abs, double eps_rel, double a_y, double a_dydt) {
    lindyn_control_state *s = (lindyn_control_state *)state;
    if (eps_abs < 0 || eps_rel < 0 || a_y < 0 || a_dydt < 0) return GSL_EINVAL;
    s->eps_abs = eps_abs;
    s->eps_rel = eps_rel;
    s->a_y = a_y;
    s->a_dydt = a_dydt;
    s->previous_error = 1e-4;
    s->rejected = 0;
    return GSL_SUCCESS;
}

static inline int lindyn_control_hadjust(void *state, size_t dim, unsigned int ord, const double y[],
                                         const double yerr[], const double yp[], double *h) {
    lindyn_control_state *s = (lindyn_control_state *)state;
    const double h_old = *h;
    double e = 0.0;
    if (s->norm == 0) {
        e = DBL_MIN;
        for (size_t i = 0; i < dim; i++) {
            const double d = s->eps_rel * (s->a_y * fabs(y[i]) + s->a_dydt * fabs(h_old * yp[i])) + s->eps_abs;
            const double r = fabs(yerr[i]) / fabs(d);
            if (r > e) e = r;
        }
    } else {
        for (size_t i = 0; i < dim; i++) {
            const double d = s->eps_rel * (s->a_y * fabs(y[i]) + s->a_dydt * fabs(h_old * yp[i])) + s->eps_abs;
            const double r = fabs(yerr[i]) / fabs(d);
            e += r * r;
        }
        e = sqrt(e / (double)(dim > 0 ? dim : 1));
        if (!(e > DBL_MIN)) e = e != e ? e : DBL_MIN;
    }
    if (s->controller == 0) {
        if (e > 1.1) {
            double r = 0.9 / pow(e, 1.0 / ord);
            if (r < 0.2) r = 0.2;
            *h = r * h_old;
            return GSL_ODEIV_HADJ_DEC;
        } else if (e < 0.5) {
            double r = 0.9 / pow(e, 1.0 / (ord + 1.0));
            if (r > 5.0) r = 5.0;
            if (r < 1.0) r = 1.0;
            *h = r * h_old;
            return GSL_ODEIV_HADJ_INC;
        }
        return GSL_ODEIV_HADJ_NIL;
    }
    const double k = ord + s->k_shift;
    if (!(e <= 1.0)) { /* also NaN */
        double r = e == e ? 0.9 / pow(e, 1.0 / k) : 0.2;
        if (r < 0.2) r = 0.2;
        *h = r * h_old;
        s->rejected = 1;
        return GSL_ODEIV_HADJ_DEC;
    }
    double r = 0.9 * pow(e, -s->alpha / k) * (s->beta != 0.0 ? pow(s->previous_error, s->beta / k) : 1.0);
    if (r > s->grow_max) r = s->grow_max;
    if (r < s->grow_min) r = s->grow_min;
    if (s->hold_after_reject && s->rejected && r > 1.0) r = 1.0; /* no growth right after a rejection */
    s->rejected = 0;
    s->previous_error = e > 1e-4 ? e : 1e-4;
    *h = r * h_old;
    return r > 1.0 ? GSL_ODEIV_HADJ_INC : GSL_ODEIV_HADJ_NIL;
}

static inline int lindyn_control_errlevel(void *state, const double y, const double dydt, const double h,
                                          const size_t ind, double *errlev) {
    (void)ind;
    lindyn_control_state *s = (lindyn_control_state *)state;
    *errlev = s->eps_rel * (s->a_y * fabs(y) + s->a_dydt * fabs(h * dydt)) + s->eps_abs;
    return GSL_SUCCESS;
}

static inline int lindyn_control_set_driver(void *state, const gsl_odeiv2_driver *d) {
    (void)state;
    (void)d;
    return GSL_SUCCESS;
}

static inline void lindyn_control_free(void *state) { free(state); }

static inline const gsl_odeiv2_control_type *lindyn_control_type(void) {
    static const gsl_odeiv2_control_type type = {
        "lindyn", lindyn_control_alloc, lindyn_control_init, lindyn_control_hadjust,
        lindyn_control_errlevel, lindyn_control_set_driver, lindyn_control_free};
    return &type;
}

/* Replaces the driver's control with the one above (norm, controller as described there).
   Returns GSL_SUCCESS, or GSL_ENOMEM leaving the driver's control as it was. */
static inline int lindyn_driver_use_control(gsl_odeiv2_driver *d, double eps_abs, double eps_rel, double a_y,
                                            double a_dydt, int norm, int controller) {
    gsl_odeiv2_control *c = gsl_odeiv2_control_alloc(lindyn_control_type());
    if (c == NULL) return GSL_ENOMEM;
    if (gsl_odeiv2_control_init(c, eps_abs, eps_rel, a_y, a_dydt) != GSL_SUCCESS) {
        gsl_odeiv2_control_free(c);
        return GSL_EINVAL;
    }
    lindyn_control_state *s = (lindyn_control_state *)c->state;
    s->norm = norm;
    s->controller = controller;
    /* alpha, beta, k_shift, grow_min, grow_max, hold_after_reject of controllers 1 and 2 */
    static const double coefficients[2][6] = {
        /* pi: Gustafsson's 0.7 and 0.4 over k = order + 1, factor in [0.2, 5], held after a rejection */
        {0.7, 0.4, 1.0, 0.2, 5.0, 1.0},
        /* integral: h *= 0.9 E^(-1/order); an accepted step never shrinks and grows at most 10x */
        {1.0, 0.0, 0.0, 1.0, 10.0, 0.0}};
    const double *k = coefficients[controller == 2 ? 1 : 0];
    s->alpha = k[0];
    s->beta = k[1];
    s->k_shift = k[2];
    s->grow_min = k[3];
    s->grow_max = k[4];
    s->hold_after_reject = k[5] != 0.0;
    gsl_odeiv2_control_set_driver(c, d);
    gsl_odeiv2_control_free(d->c);
    d->c = c;
    return GSL_SUCCESS;
}

/* The starting step of Hairer, Norsett and Wanner (Solving ODEs I, section II.4, as in their
   DOP853): with the scale sc_i = eps_abs + eps_rel |y0_i| and the control's norm (0 max, 1 rms),
   d0 = |y0 / sc|, d1 = |f0 / sc|, h0 = 0.01 d0 / d1 (1e-6 when either is below 1e-5), one Euler
   step to y1 = y0 + h0 f0, d2 = |(f(t0 + h0, y1) - f0) / sc| / h0, and
   h = min(100 h0, (0.01 / max(d1, d2))^(1 / order)) (max(1e-6, 1e-3 h0) when both are at most
   1e-15), capped at span > 0. Two evaluations of the system's function; work holds 3 dim
   doubles. Returns h > 0, or 0 with *status set when the function failed or the result is not
   a finite positive number (*status GSL_EBADFUNC then). */
static inline double lindyn_norm_accumulate(int norm, double acc, double x) {
    return norm == 0 ? (fabs(x) > acc ? fabs(x) : acc) : acc + x * x;
}

static inline double lindyn_norm_finish(int norm, double acc, size_t dim) {
    return norm == 0 || dim == 0 ? acc : sqrt(acc / (double)dim);
}

static inline double lindyn_initial_step(const gsl_odeiv2_system *sys, double t0, const double *y0, double span,
                                         unsigned int order, double eps_abs, double eps_rel, int norm, double *work,
                                         int *status) {
    const size_t dim = sys->dimension;
    double *f0 = work, *y1 = work + dim, *f1 = work + 2 * dim;
    *status = sys->function(t0, y0, f0, sys->params);
    if (*status != GSL_SUCCESS) return 0.0;
    double d0 = 0.0, d1 = 0.0;
    for (size_t i = 0; i < dim; i++) {
        const double sc = eps_abs + eps_rel * fabs(y0[i]);
        d0 = lindyn_norm_accumulate(norm, d0, y0[i] / sc);
        d1 = lindyn_norm_accumulate(norm, d1, f0[i] / sc);
    }
    d0 = lindyn_norm_finish(norm, d0, dim);
    d1 = lindyn_norm_finish(norm, d1, dim);
    double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    if (h0 > span) h0 = span;
    for (size_t i = 0; i < dim; i++) y1[i] = y0[i] + h0 * f0[i];
    *status = sys->function(t0 + h0, y1, f1, sys->params);
    if (*status != GSL_SUCCESS) return 0.0;
    double d2 = 0.0;
    for (size_t i = 0; i < dim; i++) {
        const double sc = eps_abs + eps_rel * fabs(y0[i]);
        d2 = lindyn_norm_accumulate(norm, d2, (f1[i] - f0[i]) / sc);
    }
    d2 = lindyn_norm_finish(norm, d2, dim) / h0;
    const double m = d1 > d2 ? d1 : d2;
    double h = m <= 1e-15 ? fmax(1e-6, 1e-3 * h0) : pow(0.01 / m, 1.0 / (double)order);
    if (h > 100 * h0) h = 100 * h0;
    if (h > span) h = span;
    if (!(h > 0.0) || !isfinite(h)) {
        *status = GSL_EBADFUNC;
        return 0.0;
    }
    return h;
}

/* Whether the stepper's dydt_out is the exact f(t + h, y(t + h)), and whether it uses dydt_in. */
static inline int lindyn_step_gives_exact_dydt_out(const gsl_odeiv2_step *s) { return s->type->gives_exact_dydt_out; }
static inline int lindyn_step_can_use_dydt_in(const gsl_odeiv2_step *s) { return s->type->can_use_dydt_in; }
static inline double *lindyn_evolve_dydt_in(gsl_odeiv2_evolve *e) { return e->dydt_in; }
static inline double *lindyn_evolve_dydt_out(gsl_odeiv2_evolve *e) { return e->dydt_out; }

/* ---- Continuous extension of rk8pd ----
 * GSL's rk8pd is Prince and Dormand's RK8(7)13M (J. Comput. Appl. Math. 7, 1981). Its stages
 * k_1..k_13 stay in the stepper's private state after a step (ode-initval2/rk8pd.c, unchanged
 * since GSL 1.x: struct { double *k[13]; double *ytmp; double *y0; }), k_14 = f(t + h, y(t + h))
 * is the evolve's dydt_out, and y0 is the step's start. The interpolant
 *     u(t0 + theta h) = y0 + h sum_i b_i(theta) k_i,  b_i(theta) = theta P_i(theta), deg P_i = 5,
 * uses the weights of Bogacki and Shampine (Comput. Math. Appl. 20(3), 1990, 15-24) for this
 * tableau, in the form JAX's diffrax (0.7, `Dopri8`) tabulates them (P_i's coefficients from
 * theta^5 down to theta^0), here by power. u(t0 + h) is the step's own result, and
 * u(t0) = y0. Its error is O(h^6) against the step's O(h^9) (Notes/integrator.md); see
 * lindyn_rk8pd_defect_ratio for how it is kept within the tolerance. */

struct lindyn_rk8pd_state { double *k[13]; double *ytmp; double *y0; };

/* Whether `s` is GSL's rk8pd (whose stages the functions below read). */
static inline int lindyn_step_is_rk8pd(const gsl_odeiv2_step *s) { return s->type == gsl_odeiv2_step_rk8pd; }

/* The length of the last step the evolve took (the h the stages were computed with). */
static inline double lindyn_evolve_last_step(const gsl_odeiv2_evolve *e) { return e->last_step; }

/* Row j holds the theta^(6-j) coefficients of b_i(theta) for the 10 stages with nonzero weight
 * (k_1, k_6..k_14; k_2..k_5 have none), so that the weights are computed as vector sums. */
static const double lindyn_rk8pd_dense_columns[6][10] = {
    {-6.3448349392860401388, -39.6107919852202505218, 20.3761213808791436958, 7.3347098826795362023, 32.8801774352459155182, -10.1588990526426760954, -12.5401268098782561200, 29.5553001484516038033, -41.7923486424390588923, 20.3006925822100825485},
    {22.1396504998094068976, 116.4422149550342161651, -67.1451318825957197185, -16.5672243527496524646, -89.9916014847245016028, 22.6237489648532849093, 32.2362340167355370113, -82.1020315488359848644, 116.2662185791119533462, -53.9020777466385396792},
    {-30.0610568289666450593, -121.4999627731334642623, 83.1721004639847717481, 9.5724507555993664382, 87.8406057677205645007, -17.4152107770762969005, -28.5903289514790976966, 81.6630950584341412934, -114.9375291377009418170, 50.2558364226176017553},
    {19.9990069333683970610, 52.2273532792945524050, -46.8919164181093621583, -0.1890893225010595467, -35.7075975946222072821, 6.2736448083240352160, 10.3160881272450748458, -34.7650769866611817349, 47.7457971078225540396, -19.0082099341608028453},
    {-6.6910181737837595697, -7.6142658045872677172, 10.7281392630428866124, 0.5526637063753648783, 4.2186562625665153803, -0.6627209125361597559, -1.2636789001135462218, 5.4106037898590422230, -7.0321379067945741781, 2.3537586759714983486},
    {1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
};

/* u(t0 + theta h) into out and, when deriv != NULL, u'(t0 + theta h) into deriv, for the rk8pd
 * step `s` just taken (k14 = the evolve's dydt_out). */
static inline void lindyn_rk8pd_interpolate(const gsl_odeiv2_step *s, const double *k14, double h, double theta,
                                            size_t dim, double *out, double *deriv) {
    const struct lindyn_rk8pd_state *st = (const struct lindyn_rk8pd_state *)s->state;
    const double *k[10] = {st->k[0], st->k[5], st->k[6], st->k[7], st->k[8], st->k[9], st->k[10], st->k[11], st->k[12], k14};
    /* Powers of theta once; each weight is then a short dot product (no dependent chain). */
    const double t2 = theta * theta, t3 = t2 * theta, t4 = t2 * t2, t5 = t4 * theta, t6 = t3 * t3;
    const double pw[6] = {t6, t5, t4, t3, t2, theta};
    const double dpw[6] = {6 * t5, 5 * t4, 4 * t3, 3 * t2, 2 * theta, 1};
    double w[10] = {0}, dw[10] = {0};
    for (int j = 0; j < 6; j++) {
        for (int r = 0; r < 10; r++) w[r] += lindyn_rk8pd_dense_columns[j][r] * pw[j];
    }
    for (int r = 0; r < 10; r++) w[r] *= h;
    if (deriv != NULL) {
        for (int j = 0; j < 6; j++) {
            for (int r = 0; r < 10; r++) dw[r] += lindyn_rk8pd_dense_columns[j][r] * dpw[j];
        }
    }
    const double *y0 = st->y0;
    if (dim == 1) {
        double sum = 0;
        for (int r = 0; r < 10; r++) sum += w[r] * k[r][0];
        out[0] = y0[0] + sum;
    } else {
        for (size_t i = 0; i < dim; i++) {
            double sum = 0;
            for (int r = 0; r < 10; r++) sum += w[r] * k[r][i];
            out[i] = y0[i] + sum;
        }
    }
    if (deriv != NULL) {
        for (size_t i = 0; i < dim; i++) {
            double sum = 0;
            for (int r = 0; r < 10; r++) sum += dw[r] * k[r][i];
            deriv[i] = sum;
        }
    }
}

/* u at the `count` times tout[0..count-1] (all in the step [t0, t0 + h] just taken) into
 * out[k * dim + i], row after row: the stage pointers are set up once for all of them. */
static inline void lindyn_rk8pd_interpolate_many(const gsl_odeiv2_step *s, const double *k14, double t0, double h,
                                                 const double *tout, size_t count, size_t dim, double *out) {
    const struct lindyn_rk8pd_state *st = (const struct lindyn_rk8pd_state *)s->state;
    const double *const k[10] = {st->k[0], st->k[5], st->k[6], st->k[7], st->k[8], st->k[9], st->k[10], st->k[11], st->k[12], k14};
    const double *const y0 = st->y0;
    for (size_t n = 0; n < count; n++) {
        const double theta = (tout[n] - t0) / h;
        const double t2 = theta * theta, t3 = t2 * theta, t4 = t2 * t2, t5 = t4 * theta, t6 = t3 * t3;
        double w[10];
        for (int r = 0; r < 10; r++) {
            w[r] = h * (lindyn_rk8pd_dense_columns[0][r] * t6 + lindyn_rk8pd_dense_columns[1][r] * t5
                        + lindyn_rk8pd_dense_columns[2][r] * t4 + lindyn_rk8pd_dense_columns[3][r] * t3
                        + lindyn_rk8pd_dense_columns[4][r] * t2 + lindyn_rk8pd_dense_columns[5][r] * theta);
        }
        double *const row = out + n * dim;
        for (size_t i = 0; i < dim; i++) {
            double sum = 0;
            for (int r = 0; r < 10; r++) sum += w[r] * k[r][i];
            row[i] = y0[i] + sum;
        }
    }
}

/* The sample point and scale of the defect estimate (Notes/integrator.md, "Dense output"). */
#define LINDYN_RK8PD_DEFECT_THETA 0.3
#define LINDYN_RK8PD_DEFECT_SCALE 0.5

/* b_i(0.3) and b_i'(0.3) for the stages of lindyn_rk8pd_dense_columns: the sums that
 * lindyn_rk8pd_interpolate forms at theta = LINDYN_RK8PD_DEFECT_THETA, evaluated once in
 * double in its order of operations (so these are the values it computes; a test recomputes
 * them). Formed on every step they cost about 200 instructions in the copy inlined into Swift,
 * where they are not folded to constants. */
static const double lindyn_rk8pd_defect_weights[2][10] = {
    {0.04346095728957583, -0.005216767350774476, 0.22483632615513705, 0.08725982131390081, -0.06762710696286289, 0.016250192977393565, 0.0024139101346833114, 0.03180620956532826, -0.0226895867287763, -0.010493956393604786},
    {-0.05732501796169531, 0.5492142816931311, 0.336358983534649, 0.7503362721577713, -0.7883390432197235, 0.18355387169058152, 0.06211335631806447, -0.21481024773563773, 0.35827873741091754, -0.17938119388805362},
};

/* An estimate of the interpolant's error on the step just taken, relative to the tolerance:
 * max_i 0.5 h |u_i'(t*) - f_i(t*, u(t*))| / (epsabs + epsrel |u_i(t*)|) at t* = t0 + 0.3 h. The
 * defect u' - f drives the interpolant's error (e' = J e - defect), which it bounds with a margin
 * of 1.5 to 7 on the test problems. One right-hand side; `work` holds 3 dim doubles. Returns -1
 * when the right-hand side fails (its status in *status). */
static inline double lindyn_rk8pd_defect_ratio(const gsl_odeiv2_step *s, const gsl_odeiv2_system *sys, const double *k14,
                                               double t0, double h, double epsabs, double epsrel, double *work,
                                               int *status) {
    const size_t dim = sys->dimension;
    double *u = work, *du = work + dim, *g = work + 2 * dim;
    const double theta = LINDYN_RK8PD_DEFECT_THETA;
    /* lindyn_rk8pd_interpolate(s, k14, h, theta, dim, u, du) with its weights from the table. */
    const struct lindyn_rk8pd_state *st = (const struct lindyn_rk8pd_state *)s->state;
    const double *k[10] = {st->k[0], st->k[5], st->k[6], st->k[7], st->k[8], st->k[9], st->k[10], st->k[11], st->k[12], k14};
    double w[10];
    for (int r = 0; r < 10; r++) w[r] = lindyn_rk8pd_defect_weights[0][r] * h;
    for (size_t i = 0; i < dim; i++) {
        double sum = 0, slope = 0;
        for (int r = 0; r < 10; r++) {
            sum += w[r] * k[r][i];
            slope += lindyn_rk8pd_defect_weights[1][r] * k[r][i];
        }
        u[i] = st->y0[i] + sum;
        du[i] = slope;
    }
    *status = sys->function(t0 + theta * h, u, g, sys->params);
    if (*status != GSL_SUCCESS) return -1;
    double worst = 0;
    for (size_t i = 0; i < dim; i++) {
        const double e = LINDYN_RK8PD_DEFECT_SCALE * fabs(h) * fabs(du[i] - g[i]) / (epsabs + epsrel * fabs(u[i]));
        if (!(e <= worst)) worst = e;
    }
    return worst;
}

/* Puts the start of the rk8pd step `s` just took back into y, and f there into the evolve's
 * dydt_in and dydt_out (GSL's evolve starts a step with dydt_in = the previous dydt_out), so
 * that the step can be taken again from its start. */
static inline void lindyn_rk8pd_restore_start(const gsl_odeiv2_step *s, gsl_odeiv2_evolve *e, double *y) {
    const struct lindyn_rk8pd_state *st = (const struct lindyn_rk8pd_state *)s->state;
    memcpy(y, st->y0, s->dimension * sizeof(double));
    memcpy(e->dydt_in, st->k[0], s->dimension * sizeof(double));
    memcpy(e->dydt_out, st->k[0], s->dimension * sizeof(double));
}

/* The state at t0 + dt (0 < dt <= h) by a fresh rk8pd step from the start of the step `s` just
 * took, with the auxiliary stepper `aux` (same type and dimension): the output then has the
 * stepper's own local accuracy. k1 is reused (12 right-hand sides). `yerr` holds dim doubles. */
static inline int lindyn_rk8pd_restep(gsl_odeiv2_step *aux, const gsl_odeiv2_step *s, const gsl_odeiv2_system *sys,
                                      double t0, double dt, double *out, double *yerr) {
    const struct lindyn_rk8pd_state *st = (const struct lindyn_rk8pd_state *)s->state;
    memcpy(out, st->y0, sys->dimension * sizeof(double));
    return gsl_odeiv2_step_apply(aux, t0, dt, out, yerr, st->k[0], NULL, sys);
}

#endif
