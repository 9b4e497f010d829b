/*
 * Reference C AVX-512 popcount GEMM, the yardstick of the packed binary convolution's speed target ("no less than
 * 80% of a C AVX-512 popcount GEMM kernel on this machine"). Not part of rbnn4j: built and run only to measure.
 *
 *   C[m][n] = bias[n] - 2 * sum_k popcount(A[m][k] XOR B[k][n])      (as float)
 *
 * A: M rows of K 32-bit words (an im2col'd activation matrix, contiguous rows: easier than rbnn4j's windows).
 * B: panels of 64 filters, [panel][K][64] 32-bit words, 4 zmm per K step. Register tiles of MR rows x 4 zmm
 * (MR = 1, 2, 3, 4, 6), the same XOR / VPOPCNTD / add per 512 bits as rbnn4j's kernel.
 *
 *   gcc -O3 -march=native -o popcount_gemm popcount_gemm.c
 *   ./popcount_gemm M N K SECONDS [VARIANT]     prints the median Gbit-MAC/s (M*N*K*32 / s) of one variant
 *   ./popcount_gemm M N K SECONDS all           prints "MR Gbit-MAC/s" for every variant
 *
 * org.rbnn4j.bench.ReferenceKernelRatio alternates it with rbnn4j's convolution of the same shape.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define TILES(MR)                                                                                              \
    static void tiles##MR(const uint32_t *A, const uint32_t *B, const int32_t *bias, float *C, int M, int N,   \
                          int K) {                                                                             \
        for (int p = 0; p < N / 64; p++) {                                                                     \
            const uint32_t *Bp = B + (size_t)p * K * 64;                                                       \
            for (int m = 0; m + MR <= M; m += MR) {                                                            \
                __m512i acc[MR][4];                                                                            \
                for (int i = 0; i < MR; i++)                                                                   \
                    for (int j = 0; j < 4; j++) acc[i][j] = _mm512_setzero_si512();                            \
                for (int k = 0; k < K; k++) {                                                                  \
                    __m512i w0 = _mm512_loadu_si512(Bp + k * 64), w1 = _mm512_loadu_si512(Bp + k * 64 + 16);   \
                    __m512i w2 = _mm512_loadu_si512(Bp + k * 64 + 32), w3 = _mm512_loadu_si512(Bp + k * 64 + 48); \
                    for (int i = 0; i < MR; i++) {                                                             \
                        __m512i x = _mm512_set1_epi32((int)A[(size_t)(m + i) * K + k]);                        \
                        acc[i][0] = _mm512_add_epi32(acc[i][0], _mm512_popcnt_epi32(_mm512_xor_si512(x, w0))); \
                        acc[i][1] = _mm512_add_epi32(acc[i][1], _mm512_popcnt_epi32(_mm512_xor_si512(x, w1))); \
                        acc[i][2] = _mm512_add_epi32(acc[i][2], _mm512_popcnt_epi32(_mm512_xor_si512(x, w2))); \
                        acc[i][3] = _mm512_add_epi32(acc[i][3], _mm512_popcnt_epi32(_mm512_xor_si512(x, w3))); \
                    }                                                                                          \
                }                                                                                              \
                for (int i = 0; i < MR; i++)                                                                   \
                    for (int j = 0; j < 4; j++) {                                                              \
                        __m512i b = _mm512_loadu_si512(bias + p * 64 + j * 16);                                \
                        __m512i r = _mm512_sub_epi32(_mm512_sub_epi32(b, acc[i][j]), acc[i][j]);               \
                        _mm512_storeu_ps(C + (size_t)(m + i) * N + p * 64 + j * 16, _mm512_cvtepi32_ps(r));    \
                    }                                                                                          \
            }                                                                                                  \
        }                                                                                                      \
    }
TILES(1)
TILES(2)
TILES(3)
TILES(4)
TILES(6)

typedef void (*tiles_fn)(const uint32_t *, const uint32_t *, const int32_t *, float *, int, int, int);
static const tiles_fn VARIANTS[] = {tiles1, tiles2, tiles3, tiles4, tiles6};
static const int ROWS[] = {1, 2, 3, 4, 6};

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median Gbit-MAC/s of variant v over about secs seconds (after one untimed call). */
static double measure(int v, const uint32_t *A, const uint32_t *B, const int32_t *bias, float *C, int M, int N, int K,
                      double secs) {
    enum { MAX_REPS = 100000 };
    static double t[MAX_REPS];
    int reps = 0;
    VARIANTS[v](A, B, bias, C, M, N, K);
    double start = now();
    while ((now() - start < secs || reps < 3) && reps < MAX_REPS) {
        double s = now();
        VARIANTS[v](A, B, bias, C, M, N, K);
        t[reps++] = now() - s;
    }
    qsort(t, reps, sizeof t[0], cmp);
    return (double)M * N * K * 32 / t[reps / 2] / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s M N K SECONDS [VARIANT 0-4 | all]\n", argv[0]);
        return 2;
    }
    int M = atoi(argv[1]), N = atoi(argv[2]), K = atoi(argv[3]);
    double secs = atof(argv[4]);
    if (M < 6 || N < 64 || N % 64 != 0 || K < 1) {
        fprintf(stderr, "need M >= 6, N a multiple of 64, K >= 1\n");
        return 2;
    }
    uint32_t *A = aligned_alloc(64, ((size_t)M * K * 4 + 63) / 64 * 64);
    uint32_t *B = aligned_alloc(64, ((size_t)N * K * 4 + 63) / 64 * 64);
    int32_t *bias = aligned_alloc(64, ((size_t)N * 4 + 63) / 64 * 64);
    float *C = aligned_alloc(64, ((size_t)M * N * 4 + 63) / 64 * 64);
    if (!A || !B || !bias || !C) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    srand(1);
    for (size_t i = 0; i < (size_t)M * K; i++) A[i] = (uint32_t)rand() ^ ((uint32_t)rand() << 16);
    for (size_t i = 0; i < (size_t)N * K; i++) B[i] = (uint32_t)rand() ^ ((uint32_t)rand() << 16);
    for (int i = 0; i < N; i++) bias[i] = K * 32;
    if (argc > 5 && strcmp(argv[5], "all") == 0) {
        for (int v = 0; v < 5; v++) printf("%d %.1f\n", ROWS[v], measure(v, A, B, bias, C, M, N, K, secs));
    } else {
        int v = argc > 5 ? atoi(argv[5]) : 0;
        if (v < 0 || v > 4) {
            fprintf(stderr, "variant must be 0-4\n");
            return 2;
        }
        printf("%.1f\n", measure(v, A, B, bias, C, M, N, K, secs));
    }
    return 0;
}
