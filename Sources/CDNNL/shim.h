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
#endif
