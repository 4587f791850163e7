#ifndef VITKIT_CBLIS_SHIM_H
#define VITKIT_CBLIS_SHIM_H
// BLIS (Debian libblis-dev, 32-bit BLAS integers) through its CBLAS interface.
//
// The two functions vitkit calls are declared here rather than by including BLIS's
// headers: blis.h includes <omp.h> in the OpenMP build, which clang's module importer
// cannot find, and Debian puts the headers in a per-variant directory. The declarations
// are the standard CBLAS ABI and BLIS's documented threading API.
#include <stdint.h>

enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113 };

void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB,
                 int32_t m, int32_t n, int32_t k, float alpha, const float *a, int32_t lda,
                 const float *b, int32_t ldb, float beta, float *c, int32_t ldc);

/// BLIS's level-3 thread count (dim_t is 64-bit in Debian's build).
void bli_thread_set_num_threads(int64_t value);

static inline void cblis_set_num_threads(long n) { bli_thread_set_num_threads((int64_t)n); }
#endif
