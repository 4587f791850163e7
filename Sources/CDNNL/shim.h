#ifndef VITKIT_CDNNL_SHIM_H
#define VITKIT_CDNNL_SHIM_H
// oneDNN 2.6 (Debian libdnnl-dev, OpenMP runtime) through its C API. Debian ships no
// pkg-config file for it: the header is in /usr/include and the library is linked as "dnnl".
#include <oneapi/dnnl/dnnl.h>
#include <dlfcn.h>

/// DNNL_MEMORY_ALLOCATE is a macro Swift cannot import.
static inline void *cdnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }

/// Sets the OpenMP thread count of the calling thread (the thread that runs the primitives).
/// libdnnl links libgomp; its `omp_set_num_threads` is looked up at run time so that vitkit
/// needs no OpenMP headers or link flags (Debian puts libgomp.so in GCC's private directory).
/// Returns 0 when no OpenMP runtime is loaded.
static inline int cdnnl_set_omp_threads(int n) {
    void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (!set) return 0;
    set(n);
    return 1;
}

/// Runs `fn(data)` on every thread of an OpenMP team of `threads` (the calling thread is one of
/// them), the team oneDNN's primitives run on: libgomp's `GOMP_parallel`, which a
/// `#pragma omp parallel` compiles to, looked up at run time like `omp_set_num_threads`.
/// Returns 0 (and runs nothing) when no OpenMP runtime is loaded.
static inline int cdnnl_omp_parallel(void (*fn)(void *), void *data, unsigned threads) {
    static void (*parallel)(void (*)(void *), void *, unsigned, unsigned);
    if (!parallel) parallel = (void (*)(void (*)(void *), void *, unsigned, unsigned))dlsym(RTLD_DEFAULT, "GOMP_parallel");
    if (!parallel) return 0;
    parallel(fn, data, threads, 0);
    return 1;
}

/// The calling thread's number in its OpenMP team (0 outside a team or without OpenMP).
static inline int cdnnl_omp_thread_num(void) {
    static int (*get)(void);
    if (!get) get = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_thread_num");
    return get ? get() : 0;
}

/// The size of the calling thread's OpenMP team (1 outside a team or without OpenMP).
static inline int cdnnl_omp_num_threads(void) {
    static int (*get)(void);
    if (!get) get = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_num_threads");
    return get ? get() : 1;
}
#endif
