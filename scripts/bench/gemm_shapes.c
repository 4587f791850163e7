// GEMM throughput of BLIS and oneDNN on the ViT-B/16 shapes (docs/BENCHMARKS.md).
// cc -O2 scripts/bench/gemm_shapes.c -o /tmp/gemm_shapes -ldnnl -lblis && /tmp/gemm_shapes [threads]
// Weights are PyTorch's [out, in]; oneDNN's are reordered once into the layout the primitive
// picks (format_tag_any), as vitkit's backend does. f32 and bf16 (f32 accumulation).
#include <dnnl.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
void cblas_sgemm(int, int, int, int32_t, int32_t, int32_t, float, const float *, int32_t, const float *, int32_t,
                 float, float *, int32_t);
void bli_thread_set_num_threads(int64_t);

#define CHECK(x) do { dnnl_status_t s_ = (x); if (s_ != dnnl_success) { fprintf(stderr, "%s: %d\n", #x, s_); exit(1); } } while (0)

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
#define RUNS 9

static double onednn(dnnl_engine_t eng, dnnl_stream_t st, int M, int K, int N, dnnl_data_type_t dt,
                     const float *a, const float *w, float *c, const char **impl) {
    dnnl_memory_desc_t src, wany, dst, wsrc, srcf;
    dnnl_dims_t sd = {M, K}, wd = {K, N}, dd = {M, N};
    CHECK(dnnl_memory_desc_init_by_tag(&src, 2, sd, dt, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&srcf, 2, sd, dnnl_f32, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&wany, 2, wd, dt, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_tag(&wsrc, 2, wd, dnnl_f32, dnnl_ba));
    CHECK(dnnl_memory_desc_init_by_tag(&dst, 2, dd, dnnl_f32, dnnl_ab));
    dnnl_matmul_desc_t desc;
    CHECK(dnnl_matmul_desc_init(&desc, &src, &wany, NULL, &dst));
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_primitive_desc_create(&pd, &desc, NULL, eng, NULL));
    CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, impl));
    const dnnl_memory_desc_t *wmd = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_primitive_t mm;
    CHECK(dnnl_primitive_create(&mm, pd));
    dnnl_memory_t ws, wp, am, ac, cm;
    CHECK(dnnl_memory_create(&ws, &wsrc, eng, (void *)w));
    CHECK(dnnl_memory_create(&wp, wmd, eng, DNNL_MEMORY_ALLOCATE));
    CHECK(dnnl_memory_create(&am, &srcf, eng, (void *)a));
    CHECK(dnnl_memory_create(&ac, &src, eng, DNNL_MEMORY_ALLOCATE));
    CHECK(dnnl_memory_create(&cm, &dst, eng, c));
    dnnl_primitive_desc_t rpd; dnnl_primitive_t r;
    CHECK(dnnl_reorder_primitive_desc_create(&rpd, &wsrc, eng, wmd, eng, NULL));
    CHECK(dnnl_primitive_create(&r, rpd));
    dnnl_exec_arg_t ra[2] = {{DNNL_ARG_FROM, ws}, {DNNL_ARG_TO, wp}};
    CHECK(dnnl_primitive_execute(r, st, 2, ra));
    dnnl_primitive_desc_t apd; dnnl_primitive_t ar;   // activations f32 -> dt
    CHECK(dnnl_reorder_primitive_desc_create(&apd, &srcf, eng, &src, eng, NULL));
    CHECK(dnnl_primitive_create(&ar, apd));
    dnnl_exec_arg_t aa[2] = {{DNNL_ARG_FROM, am}, {DNNL_ARG_TO, ac}};
    CHECK(dnnl_primitive_execute(ar, st, 2, aa));
    CHECK(dnnl_stream_wait(st));
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, ac}, {DNNL_ARG_WEIGHTS, wp}, {DNNL_ARG_DST, cm}};
    double t[RUNS];
    CHECK(dnnl_primitive_execute(mm, st, 3, args)); CHECK(dnnl_stream_wait(st));
    for (int i = 0; i < RUNS; i++) {
        double s = now();
        CHECK(dnnl_primitive_execute(mm, st, 3, args)); CHECK(dnnl_stream_wait(st));
        t[i] = now() - s;
    }
    qsort(t, RUNS, sizeof(double), cmp);
    return 2.0 * M * N * K / t[RUNS / 2] / 1e9;
}

static double blis(int M, int K, int N, const float *a, const float *w, float *c) {
    double t[RUNS];
    cblas_sgemm(RowMajor, NoTrans, Trans, M, N, K, 1, a, K, w, K, 0, c, N);
    for (int i = 0; i < RUNS; i++) {
        double s = now();
        cblas_sgemm(RowMajor, NoTrans, Trans, M, N, K, 1, a, K, w, K, 0, c, N);
        t[i] = now() - s;
    }
    qsort(t, RUNS, sizeof(double), cmp);
    return 2.0 * M * N * K / t[RUNS / 2] / 1e9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    void (*omp_set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (omp_set) omp_set(threads);
    bli_thread_set_num_threads(threads);
    dnnl_engine_t eng; dnnl_stream_t st;
    CHECK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&st, eng, dnnl_stream_default_flags));
    printf("threads %d, oneDNN effective ISA 0x%x, BLIS_ARCH_TYPE=%s\n", threads, dnnl_get_effective_cpu_isa(),
           getenv("BLIS_ARCH_TYPE") ? getenv("BLIS_ARCH_TYPE") : "auto");
    int shapes[][2] = {{768, 768}, {768, 3072}, {3072, 768}};   // K, N: q/k/v/o, fc1, fc2
    int ms[] = {197, 1576};
    for (int mi = 0; mi < 2; mi++)
        for (int s = 0; s < 3; s++) {
            int M = ms[mi], K = shapes[s][0], N = shapes[s][1];
            float *a = malloc(sizeof(float) * M * K), *w = malloc(sizeof(float) * N * K), *c = malloc(sizeof(float) * M * N);
            for (long i = 0; i < (long)M * K; i++) a[i] = (float)((i * 7919) % 1000) / 1000 - 0.5f;
            for (long i = 0; i < (long)N * K; i++) w[i] = (float)((i * 104729) % 1000) / 1000 - 0.5f;
            const char *i32, *i16;
            double g0 = blis(M, K, N, a, w, c);
            double g1 = onednn(eng, st, M, K, N, dnnl_f32, a, w, c, &i32);
            double g2 = onednn(eng, st, M, K, N, dnnl_bf16, a, w, c, &i16);
            printf("M=%4d K=%4d N=%4d  BLIS %6.1f  oneDNN f32 %6.1f (%s)  bf16 %6.1f (%s) GFLOP/s\n", M, K, N, g0, g1, i32, g2, i16);
            free(a); free(w); free(c);
        }
    return 0;
}
