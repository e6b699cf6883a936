/*
 * CAllocationCounter: counts heap allocations made by the calling thread, for the tests that
 * assert that right-hand sides, Jacobians and descent steps allocate nothing.
 *
 * Linked into the test executable, this target defines malloc, calloc, realloc, free,
 * posix_memalign, aligned_alloc and memalign, so every allocation in the process (Swift's
 * runtime, Foundation, GSL, OpenBLAS) comes here first; each forwards at once to glibc's own
 * allocator (__libc_malloc, ...), so behaviour is unchanged. While counting is switched on for a
 * thread, its allocations (not frees) are counted. The state is `static __thread` in the
 * executable (initial-exec TLS), so counting itself never allocates.
 */
#ifndef LINDYN_ALLOCATION_COUNTER_H
#define LINDYN_ALLOCATION_COUNTER_H

#ifdef __cplusplus
extern "C" {
#endif

/* Starts counting this thread's allocations from zero. */
void lindyn_allocation_counting_start(void);
/* Stops counting and returns the number of allocations since the start. */
long lindyn_allocation_counting_stop(void);
/* 1 when the interposed allocator is the one the process uses (a sanity check for the tests). */
int lindyn_allocation_counter_active(void);

#ifdef __cplusplus
}
#endif

#endif
