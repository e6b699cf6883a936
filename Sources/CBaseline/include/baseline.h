/*
 * CBaseline: the benchmark baseline for Lindyn's Swift integrator.
 *
 * Hand-written C right-hand sides and Jacobians for the benchmark problems, driven by GSL's
 * odeiv2 with exactly the stepping protocol of the Swift integrator, so that both report
 * identical step counts on the same problem, stepper and tolerances. Also a C full-batch
 * gradient-descent loop for the two-layer network, and builders for the deterministic
 * benchmark cases defined in Validation/bench/cases.md.
 *
 * Conventions (see Validation/bench/cases.md): the loss carries a factor 1/2, tau = 1/learning
 * rate, whitened input (Sigma11 = I). Matrices are row-major. Jacobians are row-major,
 * dfdy[i*dim + j] = df_i/dy_j.
 *
 * Status codes are GSL's (gsl/gsl_errno.h): 0 success, GSL_EINVAL (4) bad arguments,
 * GSL_ENOMEM (8) allocation failure (for example an implicit stepper on a very large system),
 * GSL_EMAXITER (11) more than max_steps accepted steps, or whatever gsl_odeiv2_evolve_apply
 * returned (GSL_FAILURE -1 when the step size underflows, ...).
 *
 * Thread safety: every call allocates its own GSL objects; calls may run concurrently.
 * GSL's error handler is switched off (process-wide) on the first call.
 */
#ifndef LINDYN_BASELINE_H
#define LINDYN_BASELINE_H

#ifdef __cplusplus
extern "C" {
#endif

/* The benchmark problems. State layout and parameters (params[] in this order):
 *
 * SCALAR     dim 2, state (w1, w2), params (x, y, tau).
 *            L = 1/2 (y - w2 w1 x)^2;  tau w1' = w2 x r,  tau w2' = w1 x r,  r = y - w2 w1 x.
 * MODE       dim 1, state u, params (s, tau).  tau u' = 2 u (s - u).
 * ROBERTSON  dim 3, params (k1, k2, k3) (classically 0.04, 3e7, 1e4).
 *            y1' = -k1 y1 + k3 y2 y3,  y2' = k1 y1 - k3 y2 y3 - k2 y2^2,  y3' = k2 y2^2.
 * VANDERPOL  dim 2, params (mu).  y1' = y2,  y2' = mu (1 - y1^2) y2 - y1.
 * NETWORK    dim 2 n^2 (n = hidden = input = output width), state W1 (n x n) then W2 (n x n),
 *            params (tau, Sigma31 as n x n): nparams = 1 + n^2.
 *            E = Sigma31 - W2 W1;  tau W1' = W2^T E,  tau W2' = E W1^T.
 *            The dense Jacobian has (2 n^2)^2 entries: implicit steppers are practical only for
 *            small n (n = 16: 512 x 512).
 * CHAIN      dim D (depth), state a_1..a_D, params (s, tau, lambda); u = prod a_i.
 *            tau a_l' = (prod_{i != l} a_i) (s - u) - lambda a_l.
 */
typedef enum {
    LINDYN_BASELINE_SCALAR,
    LINDYN_BASELINE_MODE,
    LINDYN_BASELINE_ROBERTSON,
    LINDYN_BASELINE_VANDERPOL,
    LINDYN_BASELINE_NETWORK,
    LINDYN_BASELINE_CHAIN
} lindyn_baseline_problem;

/* Counters of one solve.
 * accepted_steps        successful gsl_odeiv2_evolve_apply calls (the loop iterations).
 * attempted_steps       evolve->count: accepted plus error-rejected attempts.
 * rejected_steps        evolve->failed_steps.
 * rhs_evaluations       calls of the right-hand side (counted in the callback).
 * jacobian_evaluations  calls of the Jacobian (counted in the callback).
 * status                the return value of lindyn_baseline_solve.
 * t_reached             the time of the last good state (t0 if no step was taken).
 * rows_written          output rows filled in yout (nout on success; never padded). */
typedef struct {
    long accepted_steps, attempted_steps, rejected_steps, rhs_evaluations, jacobian_evaluations;
    int status;
    double t_reached;
    int rows_written;
} lindyn_baseline_stats;

/* Integrates one problem from t0 and writes the state at each output time.
 *
 * stepper    one of rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp msadams msbdf.
 * epsabs, epsrel  the standard control: D_i = epsabs + epsrel |y_i| (a_y = 1, a_dydt = 0).
 * hstart     first trial step (> 0); pass 0 for the default 1e-6, or any negative value for the
 *            starting-step rule of lindyn_initial_step (shim.h; Lindyn's solver.hstart "auto"),
 *            in the control's norm, two counted evaluations before the first step.
 * max_steps  limit on accepted steps over the whole solve; <= 0 means no limit. The solve stops
 *            with GSL_EMAXITER when the count exceeds max_steps.
 * tout       nout output times, nondecreasing, all >= t0 (tout[0] == t0 gives the initial row).
 * yout       nout * dim doubles, row k = state at tout[k]. On failure only rows_written rows hold
 *            data; t_reached is the time of the state the integration stopped at.
 * stats      may be NULL.
 *
 * Protocol (identical to the Swift integrator): gsl_odeiv2_driver_alloc_standard_new(sys,
 * stepper, hstart, epsabs, epsrel, 1, 0); for each output time t_out:
 *   while (t < t_out) { status = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, &sys, &t, t_out,
 *                       &d->h, y); if (status) stop; steps++; if (steps > max_steps) stop; }
 * then copy y to the output row.
 *
 * Returns 0 on success, GSL_EINVAL for an unknown stepper, a dimension or parameter-count
 * mismatch, non-finite or unordered times, negative tolerances; otherwise the GSL
 * status that stopped the integration. */
int lindyn_baseline_solve(lindyn_baseline_problem problem, const double *params, int nparams,
                          int dim, const char *stepper, double epsabs, double epsrel,
                          double hstart, long max_steps, double t0, const double *y0,
                          const double *tout, int nout, double *yout,
                          lindyn_baseline_stats *stats);

/* lindyn_baseline_solve with a choice of step control: norm 0 (max over components, GSL's) or 1
 * (root mean square), controller 0 (GSL's standard rule), 1 (proportional-integral) or 2 (integral), as the
 * Swift integrator's solver.error_norm and solver.controller (the control type of
 * Sources/CGSL/shim.h, shared by both sides). norm = controller = 0 keeps GSL's own standard
 * control, exactly as lindyn_baseline_solve. Output times are landed on. */
int lindyn_baseline_solve_controlled(lindyn_baseline_problem problem, const double *params, int nparams,
                                     int dim, const char *stepper, double epsabs, double epsrel,
                                     double hstart, long max_steps, double t0, const double *y0,
                                     const double *tout, int nout, double *yout, int norm,
                                     int controller, lindyn_baseline_stats *stats);

/* rk8pd stepping freely to the last output time, with the outputs from its continuous
 * extension exactly as the Swift integrator's solver.output dense (controlled = 1: defect
 * estimate, retried steps, step cap) or interpolate (controlled = 0) produce them; the same
 * kernels (Sources/CGSL/shim.h) so the step and evaluation counts agree. Steps taken again count
 * as rejected. */
int lindyn_baseline_solve_dense(lindyn_baseline_problem problem, const double *params, int nparams, int dim,
                                double epsabs, double epsrel, double hstart, double t0, const double *y0,
                                const double *tout, int nout, double *yout, int controlled,
                                lindyn_baseline_stats *stats);

/* Full-batch gradient descent on the two-layer network (whitened input), learning rate
 * alpha = 1/tau, for the given number of epochs. Each epoch computes E = Sigma31 - W2 W1 once
 * from the old weights, then W1 += alpha W2^T E and W2 += alpha E W1^T (old W1, old W2).
 * w1, w2 (n x n, row-major) hold the initial weights and receive the final ones.
 * Returns 0, GSL_EINVAL for bad arguments (n < 1, tau <= 0, epochs < 0), GSL_ENOMEM.
 * Divergence is not detected here: check the weights for non-finite values. */
int lindyn_baseline_descend_network(int n, double tau, const double *sigma31, double *w1,
                                    double *w2, long epochs);

/* The same descent, also recording mode strengths u_k = u_k^T W2 W1 v_k (u_k, v_k the k-th
 * columns of the n x n row-major matrices u and v) at epochs 0, every, 2 every, ..., so
 * strengths receives (epochs / every + 1) rows of n values. every >= 1. */
int lindyn_baseline_descend_network_recorded(int n, double tau, const double *sigma31,
                                             const double *u, const double *v, double *w1,
                                             double *w2, long epochs, long every,
                                             double *strengths);

/* Mode strengths u_k = u_k^T W2 W1 v_k of a network state (w1 then w2, as in the NETWORK
 * problem), k = 0..n-1, into strengths[n]. Returns 0 or GSL_EINVAL / GSL_ENOMEM. */
int lindyn_baseline_mode_strengths(int n, const double *u, const double *v, const double *w1,
                                   const double *w2, double *strengths);

/* The deterministic network case of Validation/bench/cases.md, width n >= 1:
 *   U[i][k] = c_k cos(pi (2i+1) k / (2n)),  c_0 = sqrt(1/n), c_k = sqrt(2/n)   (DCT-II basis)
 *   V[i][k] = sqrt(2/n) cos(pi (2i+1)(2k+1) / (4n))                          (DCT-IV basis)
 *   s_k = 1 + 2 (n-1-k)/(n-1) (3 down to 1; s_0 = 3 when n = 1)
 *   Sigma31 = U diag(s) V^T;  W1(0) = sqrt(u0) V^T,  W2(0) = sqrt(u0) U.
 * Any output pointer may be NULL. Returns 0 or GSL_EINVAL (n < 1, u0 < 0). */
int lindyn_baseline_network_case(int n, double u0, double *sigma31, double *u, double *v,
                                 double *s, double *w1, double *w2);

/* Whether the named stepper needs a Jacobian (rk1imp rk2imp rk4imp bsimp msbdf): 1, 0, or -1
 * for an unknown name. */
int lindyn_baseline_stepper_uses_jacobian(const char *stepper);

#ifdef __cplusplus
}
#endif

#endif
