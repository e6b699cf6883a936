/* Interposes the allocation functions and counts per thread (see include/allocation_counter.h). */
#include "allocation_counter.h"

#include <errno.h>
#include <stddef.h>

#if defined(__linux__) && defined(__GLIBC__)

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);

static __thread int counting;
static __thread long allocations;

static inline void note(void) {
    if (counting) allocations++;
}

void *malloc(size_t size) {
    note();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    note();
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    note();
    return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

void *memalign(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    note();
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}

void lindyn_allocation_counting_start(void) {
    allocations = 0;
    counting = 1;
}

long lindyn_allocation_counting_stop(void) {
    counting = 0;
    return allocations;
}

int lindyn_allocation_counter_active(void) {
    lindyn_allocation_counting_start();
    void *volatile probe = malloc(16);
    free(probe);
    return lindyn_allocation_counting_stop() == 1;
}

#else

/* Elsewhere nothing is interposed: the tests see the counter inactive and skip. */
void lindyn_allocation_counting_start(void) {}
long lindyn_allocation_counting_stop(void) { return 0; }
int lindyn_allocation_counter_active(void) { return 0; }

#endif
