/* lindyn_baseline_solve: GSL's driver looped exactly as the Swift integrator loops it. */
#include "baseline.h"
#include "problems.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void switch_error_handler_off(void) { gsl_set_error_handler_off(); }

void lindyn_bl_init(void) { pthread_once(&init_once, switch_error_handler_off); }

typedef struct {
    const char *name;
    int uses_jacobian;
} stepper_entry;

static const stepper_entry steppers[] = {
    {"rk2", 0},    {"rk4", 0},    {"rkf45", 0},  {"rkck", 0},  {"rk8pd", 0},   {"rk1imp", 1},
    {"rk2imp", 1}, {"rk4imp", 1}, {"bsimp", 1},  {"msadams", 0}, {"msbdf", 1},
};

static const gsl_odeiv2_step_type *stepper_type(const char *name) {
    if (name == NULL) return NULL;
    if (strcmp(name, "rk2") == 0) return gsl_odeiv2_step_rk2;
    if (strcmp(name, "rk4") == 0) return gsl_odeiv2_step_rk4;
    if (strcmp(name, "rkf45") == 0) return gsl_odeiv2_step_rkf45;
    if (strcmp(name, "rkck") == 0) return gsl_odeiv2_step_rkck;
    if (strcmp(name, "rk8pd") == 0) return gsl_odeiv2_step_rk8pd;
    if (strcmp(name, "rk1imp") == 0) return gsl_odeiv2_step_rk1imp;
    if (strcmp(name, "rk2imp") == 0) return gsl_odeiv2_step_rk2imp;
    if (strcmp(name, "rk4imp") == 0) return gsl_odeiv2_step_rk4imp;
    if (strcmp(name, "bsimp") == 0) return gsl_odeiv2_step_bsimp;
    if (strcmp(name, "msadams") == 0) return gsl_odeiv2_step_msadams;
    if (strcmp(name, "msbdf") == 0) return gsl_odeiv2_step_msbdf;
    return NULL;
}

int lindyn_baseline_stepper_uses_jacobian(const char *stepper) {
    if (stepper == NULL) return -1;
    for (size_t i = 0; i < sizeof steppers / sizeof steppers[0]; i++) {
        if (strcmp(stepper, steppers[i].name) == 0) return steppers[i].uses_jacobian;
    }
    return -1;
}

/* The network width n with 2 n^2 == dim, or 0. */
static int network_width(int dim) {
    if (dim < 2 || dim % 2 != 0) return 0;
    int n = (int)lround(sqrt((double)(dim / 2)));
    return (n >= 1 && 2 * n * n == dim) ? n : 0;
}

/* Checks dim and nparams against the problem; sets the callbacks. */
static int problem_setup(lindyn_baseline_problem problem, int nparams, int dim,
                         lindyn_bl_rhs *f, lindyn_bl_jac *j, int *width) {
    *width = 0;
    switch (problem) {
    case LINDYN_BASELINE_SCALAR:
        *f = lindyn_bl_scalar_f;
        *j = lindyn_bl_scalar_j;
        return (dim == 2 && nparams == 3) ? GSL_SUCCESS : GSL_EINVAL;
    case LINDYN_BASELINE_MODE:
        *f = lindyn_bl_mode_f;
        *j = lindyn_bl_mode_j;
        return (dim == 1 && nparams == 2) ? GSL_SUCCESS : GSL_EINVAL;
    case LINDYN_BASELINE_ROBERTSON:
        *f = lindyn_bl_robertson_f;
        *j = lindyn_bl_robertson_j;
        return (dim == 3 && nparams == 3) ? GSL_SUCCESS : GSL_EINVAL;
    case LINDYN_BASELINE_VANDERPOL:
        *f = lindyn_bl_vanderpol_f;
        *j = lindyn_bl_vanderpol_j;
        return (dim == 2 && nparams == 1) ? GSL_SUCCESS : GSL_EINVAL;
    case LINDYN_BASELINE_NETWORK: {
        *f = lindyn_bl_network_f;
        *j = lindyn_bl_network_j;
        const int n = network_width(dim);
        if (n == 0 || nparams != 1 + n * n) return GSL_EINVAL;
        *width = n;
        return GSL_SUCCESS;
    }
    case LINDYN_BASELINE_CHAIN:
        *f = lindyn_bl_chain_f;
        *j = lindyn_bl_chain_j;
        return (dim >= 1 && nparams == 3) ? GSL_SUCCESS : GSL_EINVAL;
    }
    return GSL_EINVAL;
}

/* tau (the parameter that divides the flow) must be positive and finite. */
static int parameters_valid(lindyn_baseline_problem problem, const double *params, int nparams) {
    for (int i = 0; i < nparams; i++) {
        if (!isfinite(params[i])) return 0;
    }
    switch (problem) {
    case LINDYN_BASELINE_SCALAR: return params[2] > 0.0;
    case LINDYN_BASELINE_MODE: return params[1] > 0.0;
    case LINDYN_BASELINE_NETWORK: return params[0] > 0.0;
    case LINDYN_BASELINE_CHAIN: return params[1] > 0.0;
    case LINDYN_BASELINE_ROBERTSON:
    case LINDYN_BASELINE_VANDERPOL: return 1;
    }
    return 0;
}

static int finish(lindyn_baseline_stats *stats, int status, double t_reached, int rows) {
    if (stats != NULL) {
        stats->status = status;
        stats->t_reached = t_reached;
        stats->rows_written = rows;
    }
    return status;
}

int lindyn_baseline_solve(lindyn_baseline_problem problem, const double *params, int nparams,
                          int dim, const char *stepper, double epsabs, double epsrel,
                          double hstart, long max_steps, double t0, const double *y0,
                          const double *tout, int nout, double *yout,
                          lindyn_baseline_stats *stats) {
    return lindyn_baseline_solve_controlled(problem, params, nparams, dim, stepper, epsabs, epsrel,
                                            hstart, max_steps, t0, y0, tout, nout, yout, 0, 0, stats);
}

static int solve_impl(lindyn_baseline_problem problem, const double *params, int nparams, int dim,
                      const char *stepper, double epsabs, double epsrel, double hstart, long max_steps,
                      double t0, const double *y0, const double *tout, int nout, double *yout, int norm,
                      int controller, int output, lindyn_baseline_stats *stats);

int lindyn_baseline_solve_controlled(lindyn_baseline_problem problem, const double *params, int nparams,
                                     int dim, const char *stepper, double epsabs, double epsrel,
                                     double hstart, long max_steps, double t0, const double *y0,
                                     const double *tout, int nout, double *yout, int norm,
                                     int controller, lindyn_baseline_stats *stats) {
    return solve_impl(problem, params, nparams, dim, stepper, epsabs, epsrel, hstart, max_steps, t0, y0, tout,
                      nout, yout, norm, controller, 0, stats);
}

int lindyn_baseline_solve_dense(lindyn_baseline_problem problem, const double *params, int nparams, int dim,
                                double epsabs, double epsrel, double hstart, double t0, const double *y0,
                                const double *tout, int nout, double *yout, int controlled,
                                lindyn_baseline_stats *stats) {
    return solve_impl(problem, params, nparams, dim, "rk8pd", epsabs, epsrel, hstart, 0, t0, y0, tout, nout,
                      yout, 0, 0, controlled ? 1 : 2, stats);
}

/* The spacing of doubles above |x| (Swift's x.ulp). */
static double ulp(double x) {
    x = fabs(x);
    return nextafter(x, INFINITY) - x;
}

/* The free run with rk8pd's dense output, step for step as ODESolver.solve does it with
 * solver.output dense (controlled) or interpolate. */
static int dense_loop(gsl_odeiv2_driver *d, gsl_odeiv2_system *sys, double epsabs, double epsrel, double *t_io,
                      double *y, const double *tout, int nout, double *yout, int controlled, long *steps_out,
                      long *retries_out, int *rows_out) {
    const size_t dim = sys->dimension;
    double t = *t_io;
    const double end = tout[nout - 1];
    int next = 0, rows = 0, status = GSL_SUCCESS;
    long steps = 0, retries = 0;
    int retries_this_step = 0;
    while (next < nout && tout[next] <= t) {
        memcpy(yout + (size_t)next * dim, y, dim * sizeof(double));
        next++;
        rows++;
    }
    const int interior = next < nout && tout[next] < end;
    double cap = INFINITY;
    double *work = malloc((5 * dim) * sizeof(double));
    gsl_odeiv2_step *aux = NULL;
    if (work == NULL) return GSL_ENOMEM;
    while (t < end) {
        if (d->h > cap && next < nout && tout[next] <= t + 4 * d->h) d->h = fmax(cap, 1e4 * ulp(t));
        const double start = t;
        status = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, sys, &t, end, &d->h, y);
        if (status != GSL_SUCCESS) break;
        steps++;
        if (interior && next < nout && tout[next] <= t) {
            const double h = lindyn_evolve_last_step(d->e);
            const double r = lindyn_rk8pd_defect_ratio(d->s, sys, d->e->dydt_out, start, h, epsabs, epsrel, work, &status);
            if (r < 0) break;
            int restep = 0;
            if (controlled) {
                if (r > 0) cap = h * fmin(5, fmax(0.2, 0.9 * pow(r, -1.0 / 6)));
                restep = r > 1;
                if (restep && retries_this_step < 4 && cap > 1e4 * ulp(start)) {
                    retries_this_step++;
                    retries++;
                    lindyn_rk8pd_restore_start(d->s, d->e, y);
                    t = start;
                    d->h = cap;
                    steps--;
                    continue;
                }
            }
            retries_this_step = 0;
            if (!restep) {
                int last = next;
                while (last < nout && tout[last] < t) last++;
                lindyn_rk8pd_interpolate_many(d->s, d->e->dydt_out, start, h, tout + next, (size_t)(last - next), dim,
                                              yout + (size_t)next * dim);
                rows += last - next;
                next = last;
            }
            while (next < nout && tout[next] <= t) {
                double *out = yout + (size_t)next * dim;
                if (tout[next] == t) {
                    memcpy(out, y, dim * sizeof(double));
                } else {
                    if (aux == NULL && (aux = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rk8pd, dim)) == NULL) {
                        status = GSL_ENOMEM;
                        break;
                    }
                    status = lindyn_rk8pd_restep(aux, d->s, sys, start, tout[next] - start, out, work + 3 * dim);
                    if (status != GSL_SUCCESS) break;
                }
                next++;
                rows++;
            }
            if (status != GSL_SUCCESS) break;
        }
    }
    if (status == GSL_SUCCESS) {
        while (next < nout) {
            memcpy(yout + (size_t)next * dim, y, dim * sizeof(double));
            next++;
            rows++;
        }
    }
    if (aux != NULL) gsl_odeiv2_step_free(aux);
    free(work);
    *t_io = t;
    *steps_out = steps;
    *retries_out = retries;
    *rows_out = rows;
    return status;
}

static int solve_impl(lindyn_baseline_problem problem, const double *params, int nparams, int dim,
                      const char *stepper, double epsabs, double epsrel, double hstart, long max_steps,
                      double t0, const double *y0, const double *tout, int nout, double *yout, int norm,
                      int controller, int output, lindyn_baseline_stats *stats) {
    lindyn_bl_init();
    if (stats != NULL) memset(stats, 0, sizeof *stats);

    const gsl_odeiv2_step_type *type = stepper_type(stepper);
    lindyn_bl_rhs f = NULL;
    lindyn_bl_jac j = NULL;
    int width = 0;
    if (type == NULL || params == NULL || y0 == NULL || (nout > 0 && (tout == NULL || yout == NULL))
        || nout < 0 || problem_setup(problem, nparams, dim, &f, &j, &width) != GSL_SUCCESS
        || !parameters_valid(problem, params, nparams)) {
        return finish(stats, GSL_EINVAL, t0, 0);
    }
    const int automatic_step = hstart < 0.0; /* the starting-step rule of lindyn_initial_step */
    if (hstart == 0.0 || automatic_step) hstart = 1e-6;
    if (!(isfinite(t0) && isfinite(hstart) && hstart > 0.0 && epsabs >= 0.0 && epsrel >= 0.0
          && isfinite(epsabs) && isfinite(epsrel))) {
        return finish(stats, GSL_EINVAL, t0, 0);
    }
    for (int k = 0; k < nout; k++) {
        if (!isfinite(tout[k]) || tout[k] < (k == 0 ? t0 : tout[k - 1])) {
            return finish(stats, GSL_EINVAL, t0, 0);
        }
    }
    for (int i = 0; i < dim; i++) {
        if (!isfinite(y0[i])) return finish(stats, GSL_EINVAL, t0, 0);
    }

    lindyn_bl_context ctx = {.p = params, .n = width, .dim = (size_t)dim};
    if (width > 0) {
        ctx.work = malloc(3 * (size_t)width * (size_t)width * sizeof(double));
        if (ctx.work == NULL) return finish(stats, GSL_ENOMEM, t0, 0);
    }
    double *y = malloc((size_t)dim * sizeof(double));
    if (y == NULL) {
        free(ctx.work);
        return finish(stats, GSL_ENOMEM, t0, 0);
    }
    memcpy(y, y0, (size_t)dim * sizeof(double));

    /* Every problem has an analytic Jacobian, so implicit steppers never see a NULL one. */
    gsl_odeiv2_system sys = {f, j, (size_t)dim, &ctx};
    gsl_odeiv2_driver *d =
        gsl_odeiv2_driver_alloc_standard_new(&sys, type, hstart, epsabs, epsrel, 1.0, 0.0);
    if (d == NULL) {
        free(y);
        free(ctx.work);
        return finish(stats, GSL_ENOMEM, t0, 0);
    }
    if ((norm != 0 || controller != 0)
        && lindyn_driver_use_control(d, epsabs, epsrel, 1.0, 0.0, norm != 0, controller) != GSL_SUCCESS) {
        gsl_odeiv2_driver_free(d);
        free(y);
        free(ctx.work);
        return finish(stats, GSL_ENOMEM, t0, 0);
    }

    if (automatic_step && nout > 0 && tout[nout - 1] > t0) {
        double *work = malloc(3 * (size_t)dim * sizeof(double));
        int step_status = GSL_SUCCESS;
        if (work == NULL) {
            gsl_odeiv2_driver_free(d);
            free(y);
            free(ctx.work);
            return finish(stats, GSL_ENOMEM, t0, 0);
        }
        const double h = lindyn_initial_step(&sys, t0, y, tout[nout - 1] - t0, gsl_odeiv2_step_order(d->s), epsabs,
                                             epsrel, norm != 0, work, &step_status);
        free(work);
        if (step_status == GSL_SUCCESS && h > 0) d->h = h;
    }

    double t = t0;
    long steps = 0, retries = 0;
    int status = GSL_SUCCESS, rows = 0;
    if (output != 0 && nout > 0) {
        status = dense_loop(d, &sys, epsabs, epsrel, &t, y, tout, nout, yout, output == 1, &steps, &retries, &rows);
    }
    for (int k = 0; output == 0 && k < nout && status == GSL_SUCCESS; k++) {
        const double t_out = tout[k];
        while (t < t_out) {
            status = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, &sys, &t, t_out, &d->h, y);
            if (status != GSL_SUCCESS) break;
            steps++;
            if (max_steps > 0 && steps > max_steps) {
                status = GSL_EMAXITER;
                break;
            }
        }
        if (status != GSL_SUCCESS) break;
        memcpy(yout + (size_t)k * (size_t)dim, y, (size_t)dim * sizeof(double));
        rows++;
    }

    if (stats != NULL) {
        stats->accepted_steps = steps;
        stats->attempted_steps = (long)d->e->count;
        stats->rejected_steps = (long)d->e->failed_steps + retries;
        stats->rhs_evaluations = ctx.rhs_evaluations;
        stats->jacobian_evaluations = ctx.jacobian_evaluations;
    }
    gsl_odeiv2_driver_free(d);
    free(y);
    free(ctx.work);
    return finish(stats, status, t, rows);
}
