/* Resampling kernels: nearest and linear for 2-D and 3-D images, every sn.read dtype, multi-component.
 *
 * The contract (shared with the numpy fallback in _kernels/fallback.py, bit for bit):
 *   the continuous input index of global output voxel (g0, [g1,] j) is
 *       row[a] = b[a] + m[a][0] * g0 [+ m[a][1] * g1]      (in that order)
 *       x[a]   = row[a] + m[a][last] * j                     (global j, no running sum)
 *   inside  <=>  -0.5 <= x[a] < n[a] - 0.5 on every axis of the FULL input (SimpleITK's rule);
 *   linear follows ITK's LinearInterpolateImageFunction: lerps a + (b - a) * d in double, along the last numpy
 *   axis first; a non-positive distance or an edge uses the base voxel; nearest rounds as ITK's
 *   RoundHalfIntegerUp (rint(2x + 0.5) >> 1).
 * Integer outputs: rint (ties to even), NaN -> 0, clamped to the type's range. Offsets are 64-bit bytes.
 * Built with -ffp-contract=off: a fused multiply-add would change the last bit.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#ifndef NPY_NO_DEPRECATED_API
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#endif
#include <numpy/arrayobject.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { T_U8, T_I8, T_U16, T_I16, T_U32, T_I32, T_I64, T_F32, T_F64, T_COUNT };
enum { NEAREST = 0, LINEAR = 1 };

typedef struct {
    int nd;                        /* 2 or 3 */
    const char *in;
    int64_t in_stride[3], in_cstride, crop_n[3], full_n[3], in_start[3];
    double high[3];                /* full_n - 0.5 */
    char *out;
    int64_t out_stride[3], out_cstride, out_n[3], out_start[3];
    int64_t ncomp;
    double m[3][3], b[3];
    int in_type, out_type, same_type, interp, out_size;
    char dflt[8];
    int crop_error, use_avx2;
} Job;

static int type_code(int npy) {
    switch (npy) {
    case NPY_UINT8: return T_U8; case NPY_INT8: return T_I8; case NPY_UINT16: return T_U16; case NPY_INT16: return T_I16;
    case NPY_UINT32: return T_U32; case NPY_INT32: return T_I32; case NPY_FLOAT32: return T_F32; case NPY_FLOAT64: return T_F64;
    default:
        if (npy == NPY_INT64 || (npy == NPY_LONGLONG && sizeof(long long) == 8) || (npy == NPY_LONG && sizeof(long) == 8)) return T_I64;
        if (npy == NPY_INT && sizeof(int) == 4) return T_I32;
        if (npy == NPY_UINT && sizeof(unsigned int) == 4) return T_U32;
        return -1;
    }
}

static inline double load(const char *p, int t) {
    switch (t) {
    case T_U8: return (double)*(const uint8_t *)p;   case T_I8: return (double)*(const int8_t *)p;
    case T_U16: return (double)*(const uint16_t *)p; case T_I16: return (double)*(const int16_t *)p;
    case T_U32: return (double)*(const uint32_t *)p; case T_I32: return (double)*(const int32_t *)p;
    case T_I64: return (double)*(const int64_t *)p;  case T_F32: return (double)*(const float *)p;
    default: return *(const double *)p;
    }
}

static inline double clamp_round(double v, double lo, double hi) {
    v = rint(v);
    if (v != v) return 0.0;
    return v < lo ? lo : (v > hi ? hi : v);
}

static inline void store(char *p, int t, double v) {
    switch (t) {
    case T_U8: *(uint8_t *)p = (uint8_t)clamp_round(v, 0.0, 255.0); break;
    case T_I8: *(int8_t *)p = (int8_t)clamp_round(v, -128.0, 127.0); break;
    case T_U16: *(uint16_t *)p = (uint16_t)clamp_round(v, 0.0, 65535.0); break;
    case T_I16: *(int16_t *)p = (int16_t)clamp_round(v, -32768.0, 32767.0); break;
    case T_U32: *(uint32_t *)p = (uint32_t)clamp_round(v, 0.0, 4294967295.0); break;
    case T_I32: *(int32_t *)p = (int32_t)clamp_round(v, -2147483648.0, 2147483647.0); break;
    case T_I64: *(int64_t *)p = (int64_t)clamp_round(v, -9223372036854775808.0, 9223372036854774784.0); break;
    case T_F32: *(float *)p = (float)v; break;
    default: *(double *)p = v;
    }
}

static inline int inside_at(const Job *k, const double *row, int64_t j) {
    const int last = k->nd - 1;
    for (int a = 0; a < k->nd; ++a) {
        double x = row[a] + k->m[a][last] * (double)j;
        if (!(x >= -0.5 && x < k->high[a])) return 0;
    }
    return 1;
}

/* The columns [*lo, *hi) of [j0, j1) whose positions are inside: an estimate by division, then fixed with the
 * per-voxel predicate (positions are monotone in j, so the inside columns are one interval). */
static void inside_columns(const Job *k, const double *row, int64_t j0, int64_t j1, int64_t *lo, int64_t *hi) {
    const int last = k->nd - 1;
    double flo = (double)j0, fhi = (double)j1;
    for (int a = 0; a < k->nd; ++a) {
        double s = k->m[a][last], low = -0.5 - row[a], high = k->high[a] - row[a];
        if (s > 0) { flo = fmax(flo, ceil(low / s)); fhi = fmin(fhi, ceil(high / s)); }
        else if (s < 0) { flo = fmax(flo, floor(high / s) + 1); fhi = fmin(fhi, floor(low / s) + 1); }
        else if (!(low <= 0 && high > 0)) { *lo = *hi = j0; return; }
    }
    if (!(flo <= fhi)) fhi = flo;     /* also catches NaN */
    if (!(flo >= (double)j0)) flo = (double)j0;
    if (flo > (double)j1) flo = (double)j1;
    if (fhi > (double)j1) fhi = (double)j1;
    if (fhi < flo) fhi = flo;
    int64_t l = (int64_t)flo, h = (int64_t)fhi;
    while (l < h && !inside_at(k, row, l)) ++l;
    while (l > j0 && inside_at(k, row, l - 1)) --l;
    if (h < l) h = l;
    while (h > l && !inside_at(k, row, h - 1)) --h;
    while (h < j1 && inside_at(k, row, h)) ++h;
    *lo = l; *hi = h;
}

/* base index (crop coordinates) and distance along one axis, ITK's way */
static inline void axis_linear(const Job *k, int a, double x, int64_t *i0, int64_t *i1, double *d) {
    /* floor without a libm call (positions inside the image are small: the conversion is exact) */
    int64_t i = (int64_t)x;
    i -= (double)i > x;
    double dist = x - (double)i;
    if (i < 0) { i = 0; dist = 0.0; }
    int64_t n = i + 1;
    if (n > k->full_n[a] - 1 || !(dist > 0.0)) n = i;
    *i0 = i - k->in_start[a]; *i1 = n - k->in_start[a]; *d = dist;
}

static inline int64_t axis_nearest(const Job *k, int a, double x) {
    int64_t i = (int64_t)llrint(x + x + 0.5) >> 1;
    if (i < 0) i = 0;
    if (i > k->full_n[a] - 1) i = k->full_n[a] - 1;
    return i - k->in_start[a];
}

static inline int out_of_crop(const Job *k, int a, int64_t i) { return i < 0 || i >= k->crop_n[a]; }

static void fill_default(const Job *k, char *o, int64_t from, int64_t to) {
    for (int64_t j = from; j < to; ++j)
        for (int64_t c = 0; c < k->ncomp; ++c) memcpy(o + j * k->out_stride[k->nd - 1] + c * k->out_cstride, k->dflt, (size_t)k->out_size);
}

/* Same input and output type, one component: the commonest case, with the load and store known at compile
 * time (the generic loops below switch on the types per element). Arithmetic identical to the generic path. */
#define STORE_FLOAT(T, v) ((T)(v))
#define STORE_INT(T, v, lo, hi) ((T)clamp_round((v), (lo), (hi)))
#define DEFINE_FAST(NAME, T, STORE)                                                                             \
static void linear3_##NAME(const Job *k, const double *row, char *o, int64_t lo, int64_t hi) {                  \
    const int64_t sz = k->in_stride[0], sy = k->in_stride[1], sx = k->in_stride[2], j0 = k->out_start[2];        \
    const int64_t ostep = k->out_stride[2];                                                                    \
    const char *p = k->in;                                                                                     \
    for (int64_t j = lo; j < hi; ++j) {                                                                        \
        int64_t z0, z1, y0, y1, x0, x1; double dz, dy, dx;                                                     \
        axis_linear(k, 0, row[0] + k->m[0][2] * (double)j, &z0, &z1, &dz);                                     \
        axis_linear(k, 1, row[1] + k->m[1][2] * (double)j, &y0, &y1, &dy);                                     \
        axis_linear(k, 2, row[2] + k->m[2][2] * (double)j, &x0, &x1, &dx);                                     \
        const char *q00 = p + z0 * sz + y0 * sy, *q01 = p + z0 * sz + y1 * sy;                                 \
        const char *q10 = p + z1 * sz + y0 * sy, *q11 = p + z1 * sz + y1 * sy;                                 \
        const int64_t ox0 = x0 * sx, ox1 = x1 * sx;                                                            \
        double v000 = *(const T *)(q00 + ox0), v001 = *(const T *)(q00 + ox1);                                 \
        double v010 = *(const T *)(q01 + ox0), v011 = *(const T *)(q01 + ox1);                                 \
        double v100 = *(const T *)(q10 + ox0), v101 = *(const T *)(q10 + ox1);                                 \
        double v110 = *(const T *)(q11 + ox0), v111 = *(const T *)(q11 + ox1);                                 \
        double a00 = v000 + (v001 - v000) * dx, a10 = v010 + (v011 - v010) * dx;                               \
        double b0 = a00 + (a10 - a00) * dy;                                                                    \
        double a01 = v100 + (v101 - v100) * dx, a11 = v110 + (v111 - v110) * dx;                               \
        double b1 = a01 + (a11 - a01) * dy;                                                                    \
        double v = b0 + (b1 - b0) * dz;                                                                        \
        *(T *)(o + (j - j0) * ostep) = STORE;                                                                  \
    }                                                                                                          \
}                                                                                                              \
static void linear2_##NAME(const Job *k, const double *row, char *o, int64_t lo, int64_t hi) {                  \
    const int64_t sy = k->in_stride[0], sx = k->in_stride[1], j0 = k->out_start[1], ostep = k->out_stride[1];   \
    const char *p = k->in;                                                                                     \
    for (int64_t j = lo; j < hi; ++j) {                                                                        \
        int64_t y0, y1, x0, x1; double dy, dx;                                                                 \
        axis_linear(k, 0, row[0] + k->m[0][1] * (double)j, &y0, &y1, &dy);                                     \
        axis_linear(k, 1, row[1] + k->m[1][1] * (double)j, &x0, &x1, &dx);                                     \
        const char *q0 = p + y0 * sy, *q1 = p + y1 * sy;                                                       \
        double v00 = *(const T *)(q0 + x0 * sx), v01 = *(const T *)(q0 + x1 * sx);                             \
        double v10 = *(const T *)(q1 + x0 * sx), v11 = *(const T *)(q1 + x1 * sx);                             \
        double a0 = v00 + (v01 - v00) * dx, a1 = v10 + (v11 - v10) * dx;                                      \
        double v = a0 + (a1 - a0) * dy;                                                                        \
        *(T *)(o + (j - j0) * ostep) = STORE;                                                                  \
    }                                                                                                          \
}                                                                                                              \
static void nearest_##NAME(const Job *k, const double *row, char *o, int64_t lo, int64_t hi) {                  \
    const int nd = k->nd, last = nd - 1;                                                                       \
    const int64_t j0 = k->out_start[last], ostep = k->out_stride[last];                                        \
    for (int64_t j = lo; j < hi; ++j) {                                                                        \
        int64_t off = 0;                                                                                       \
        for (int a = 0; a < nd; ++a) off += axis_nearest(k, a, row[a] + k->m[a][last] * (double)j) * k->in_stride[a]; \
        *(T *)(o + (j - j0) * ostep) = *(const T *)(k->in + off);                                              \
    }                                                                                                          \
}

DEFINE_FAST(u8, uint8_t, STORE_INT(uint8_t, v, 0.0, 255.0))
DEFINE_FAST(i8, int8_t, STORE_INT(int8_t, v, -128.0, 127.0))
DEFINE_FAST(u16, uint16_t, STORE_INT(uint16_t, v, 0.0, 65535.0))
DEFINE_FAST(i16, int16_t, STORE_INT(int16_t, v, -32768.0, 32767.0))
DEFINE_FAST(u32, uint32_t, STORE_INT(uint32_t, v, 0.0, 4294967295.0))
DEFINE_FAST(i32, int32_t, STORE_INT(int32_t, v, -2147483648.0, 2147483647.0))
DEFINE_FAST(i64, int64_t, STORE_INT(int64_t, v, -9223372036854775808.0, 9223372036854774784.0))
DEFINE_FAST(f32, float, STORE_FLOAT(float, v))
DEFINE_FAST(f64, double, STORE_FLOAT(double, v))


/* AVX2 linear rows for float32 and float64, four voxels at a time in double: each lane does exactly the scalar
 * operations (IEEE add/sub/mul, no fused multiply-add), so the results are the same bit for bit. Chosen at run
 * time (__builtin_cpu_supports), compiled with a target attribute so the rest of the module stays portable. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1

/* per-axis constants, loaded once per row (stores through char pointers would force reloads from the Job) */
typedef struct { __m256d top, start; __m256i stride; } Axis4;

__attribute__((target("avx2"))) static inline Axis4 axis4_constants(const Job *k, int a) {
    Axis4 c;
    c.top = _mm256_set1_pd((double)(k->full_n[a] - 1));
    c.start = _mm256_set1_pd((double)k->in_start[a]);
    c.stride = _mm256_set1_epi64x(k->in_stride[a]);
    return c;
}

__attribute__((target("avx2"))) static inline void axis_linear4(Axis4 c, __m256d x, __m256i *o0, __m256i *o1, __m256d *d) {
    const __m256d f = _mm256_floor_pd(x);
    __m256d dist = _mm256_sub_pd(x, f);
    const __m256d zero = _mm256_setzero_pd();
    const __m256d negative = _mm256_cmp_pd(f, zero, _CMP_LT_OQ);
    const __m256d base = _mm256_blendv_pd(f, zero, negative);
    dist = _mm256_blendv_pd(dist, zero, negative);
    const __m256d next = _mm256_add_pd(base, _mm256_set1_pd(1.0));
    const __m256d step = _mm256_and_pd(_mm256_cmp_pd(next, c.top, _CMP_LE_OQ), _mm256_cmp_pd(dist, zero, _CMP_GT_OQ));
    const __m256d upper = _mm256_blendv_pd(base, next, step);
    /* indices (crop coordinates) fit 32 bits; _mm256_mul_epi32 gives the 64-bit byte offsets */
    *o0 = _mm256_mul_epi32(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(_mm256_sub_pd(base, c.start))), c.stride);
    *o1 = _mm256_mul_epi32(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(_mm256_sub_pd(upper, c.start))), c.stride);
    *d = dist;
}

#define GATHER_F32(p, off) _mm256_cvtps_pd(_mm256_i64gather_ps((const float *)(p), (off), 1))
#define GATHER_F64(p, off) _mm256_i64gather_pd((const double *)(p), (off), 1)
#define LERP(a, b, t) _mm256_add_pd((a), _mm256_mul_pd(_mm256_sub_pd((b), (a)), (t)))

#define DEFINE_AVX2(NAME, T, GATHER, STORE4)                                                                     \
__attribute__((target("avx2"))) static int64_t linear3_avx2_##NAME(const Job *k, const double *row, char *o, int64_t lo, int64_t hi) { \
    const int64_t j0 = k->out_start[2], ostep = k->out_stride[2];                                              \
    const __m256d r0 = _mm256_set1_pd(row[0]), r1 = _mm256_set1_pd(row[1]), r2 = _mm256_set1_pd(row[2]);       \
    const __m256d m0 = _mm256_set1_pd(k->m[0][2]), m1 = _mm256_set1_pd(k->m[1][2]), m2 = _mm256_set1_pd(k->m[2][2]); \
    const __m256d lanes = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);                                                   \
    const Axis4 c0 = axis4_constants(k, 0), c1 = axis4_constants(k, 1), c2 = axis4_constants(k, 2);          \
    const char *p = k->in;                                                                                     \
    int64_t j = lo;                                                                                            \
    for (; j + 4 <= hi; j += 4) {                                                                              \
        const __m256d jj = _mm256_add_pd(_mm256_set1_pd((double)j), lanes);                                    \
        __m256i z0, z1, y0, y1, x0, x1; __m256d dz, dy, dx;                                                    \
        axis_linear4(c0, _mm256_add_pd(r0, _mm256_mul_pd(m0, jj)), &z0, &z1, &dz);                          \
        axis_linear4(c1, _mm256_add_pd(r1, _mm256_mul_pd(m1, jj)), &y0, &y1, &dy);                          \
        axis_linear4(c2, _mm256_add_pd(r2, _mm256_mul_pd(m2, jj)), &x0, &x1, &dx);                          \
        const __m256i q00 = _mm256_add_epi64(z0, y0), q01 = _mm256_add_epi64(z0, y1);                          \
        const __m256i q10 = _mm256_add_epi64(z1, y0), q11 = _mm256_add_epi64(z1, y1);                          \
        __m256d v000 = GATHER(p, _mm256_add_epi64(q00, x0)), v001 = GATHER(p, _mm256_add_epi64(q00, x1));      \
        __m256d v010 = GATHER(p, _mm256_add_epi64(q01, x0)), v011 = GATHER(p, _mm256_add_epi64(q01, x1));      \
        __m256d v100 = GATHER(p, _mm256_add_epi64(q10, x0)), v101 = GATHER(p, _mm256_add_epi64(q10, x1));      \
        __m256d v110 = GATHER(p, _mm256_add_epi64(q11, x0)), v111 = GATHER(p, _mm256_add_epi64(q11, x1));      \
        __m256d b0 = LERP(LERP(v000, v001, dx), LERP(v010, v011, dx), dy);                                     \
        __m256d b1 = LERP(LERP(v100, v101, dx), LERP(v110, v111, dx), dy);                                     \
        __m256d v = LERP(b0, b1, dz);                                                                          \
        STORE4(T, o + (j - j0) * ostep, ostep, v);                                                             \
    }                                                                                                          \
    return j;                                                                                                  \
}                                                                                                              \
__attribute__((target("avx2"))) static int64_t linear2_avx2_##NAME(const Job *k, const double *row, char *o, int64_t lo, int64_t hi) { \
    const int64_t j0 = k->out_start[1], ostep = k->out_stride[1];                                              \
    const __m256d r0 = _mm256_set1_pd(row[0]), r1 = _mm256_set1_pd(row[1]);                                   \
    const __m256d m0 = _mm256_set1_pd(k->m[0][1]), m1 = _mm256_set1_pd(k->m[1][1]);                           \
    const __m256d lanes = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);                                                   \
    const Axis4 c0 = axis4_constants(k, 0), c1 = axis4_constants(k, 1);                                        \
    const char *p = k->in;                                                                                     \
    int64_t j = lo;                                                                                            \
    for (; j + 4 <= hi; j += 4) {                                                                              \
        const __m256d jj = _mm256_add_pd(_mm256_set1_pd((double)j), lanes);                                    \
        __m256i y0, y1, x0, x1; __m256d dy, dx;                                                                \
        axis_linear4(c0, _mm256_add_pd(r0, _mm256_mul_pd(m0, jj)), &y0, &y1, &dy);                          \
        axis_linear4(c1, _mm256_add_pd(r1, _mm256_mul_pd(m1, jj)), &x0, &x1, &dx);                          \
        __m256d v00 = GATHER(p, _mm256_add_epi64(y0, x0)), v01 = GATHER(p, _mm256_add_epi64(y0, x1));          \
        __m256d v10 = GATHER(p, _mm256_add_epi64(y1, x0)), v11 = GATHER(p, _mm256_add_epi64(y1, x1));          \
        __m256d v = LERP(LERP(v00, v01, dx), LERP(v10, v11, dx), dy);                                          \
        STORE4(T, o + (j - j0) * ostep, ostep, v);                                                             \
    }                                                                                                          \
    return j;                                                                                                  \
}

#define STORE4_F32(T, dst, step, v) do { float tmp[4]; _mm_storeu_ps(tmp, _mm256_cvtpd_ps(v));                  \
    if ((step) == 4) memcpy((dst), tmp, 16); else for (int l = 0; l < 4; ++l) *(float *)((dst) + l * (step)) = tmp[l]; } while (0)
#define STORE4_F64(T, dst, step, v) do { double tmp[4]; _mm256_storeu_pd(tmp, (v));                            \
    if ((step) == 8) memcpy((dst), tmp, 32); else for (int l = 0; l < 4; ++l) *(double *)((dst) + l * (step)) = tmp[l]; } while (0)

DEFINE_AVX2(f32, float, GATHER_F32, STORE4_F32)
DEFINE_AVX2(f64, double, GATHER_F64, STORE4_F64)

static int avx2_ok = -1;
static int use_avx2(const Job *k) {
    if (avx2_ok < 0) {
        __builtin_cpu_init();
        avx2_ok = __builtin_cpu_supports("avx2") ? 1 : 0;
        const char *off = getenv("SPATIAL_NDARRAY_NO_AVX2");
        if (off && off[0] == '1') avx2_ok = 0;
    }
    if (!avx2_ok || k->interp != LINEAR || !k->same_type || k->ncomp != 1) return 0;
    if (k->in_type != T_F32 && k->in_type != T_F64) return 0;
    for (int a = 0; a < k->nd; ++a)  /* _mm256_mul_epi32: 32-bit strides and indices */
        if (k->in_stride[a] > INT32_MAX || k->in_stride[a] < INT32_MIN || k->full_n[a] > INT32_MAX) return 0;
    return 1;
}
#else
#define HAVE_AVX2_PATH 0
#endif

typedef void (*RowFn)(const Job *, const double *, char *, int64_t, int64_t);
static const RowFn FAST_LINEAR3[T_COUNT] = {linear3_u8, linear3_i8, linear3_u16, linear3_i16, linear3_u32, linear3_i32, linear3_i64, linear3_f32, linear3_f64};
static const RowFn FAST_LINEAR2[T_COUNT] = {linear2_u8, linear2_i8, linear2_u16, linear2_i16, linear2_u32, linear2_i32, linear2_i64, linear2_f32, linear2_f64};
static const RowFn FAST_NEAREST[T_COUNT] = {nearest_u8, nearest_i8, nearest_u16, nearest_i16, nearest_u32, nearest_i32, nearest_i64, nearest_f32, nearest_f64};

/* one output row: row[] its start position, o its first output element */
static void do_row(Job *k, const double *row, char *o) {
    const int nd = k->nd, last = nd - 1;
    const int64_t j0 = k->out_start[last], ncols = k->out_n[last];
    int64_t lo, hi;
    inside_columns(k, row, j0, j0 + ncols, &lo, &hi);
    fill_default(k, o, 0, lo - j0);
    fill_default(k, o, hi - j0, ncols);
    if (lo >= hi) return;
    const int64_t ostep = k->out_stride[last];
    /* the crop must hold every voxel read: positions are monotone, so check the row's two ends */
    for (int e = 0; e < 2; ++e) {
        int64_t j = e ? hi - 1 : lo;
        for (int a = 0; a < nd; ++a) {
            double x = row[a] + k->m[a][last] * (double)j;
            if (k->interp == NEAREST) { if (out_of_crop(k, a, axis_nearest(k, a, x))) { k->crop_error = 1; return; } }
            else { int64_t i0, i1; double d; axis_linear(k, a, x, &i0, &i1, &d);
                   if (out_of_crop(k, a, i0) || out_of_crop(k, a, i1)) { k->crop_error = 1; return; } }
        }
    }
    const int it = k->in_type, ot = k->out_type;
#if HAVE_AVX2_PATH
    if (k->use_avx2) {
        if (it == T_F32) lo = nd == 3 ? linear3_avx2_f32(k, row, o, lo, hi) : linear2_avx2_f32(k, row, o, lo, hi);
        else lo = nd == 3 ? linear3_avx2_f64(k, row, o, lo, hi) : linear2_avx2_f64(k, row, o, lo, hi);
    }
#endif
    if (k->same_type && k->ncomp == 1) {
        const RowFn fn = k->interp == NEAREST ? FAST_NEAREST[it] : (nd == 3 ? FAST_LINEAR3[it] : FAST_LINEAR2[it]);
        fn(k, row, o, lo, hi);
        return;
    }
    if (k->interp == NEAREST) {
        for (int64_t j = lo; j < hi; ++j) {
            int64_t off = 0;
            for (int a = 0; a < nd; ++a) off += axis_nearest(k, a, row[a] + k->m[a][last] * (double)j) * k->in_stride[a];
            char *dst = o + (j - j0) * ostep;
            for (int64_t c = 0; c < k->ncomp; ++c) {
                const char *src = k->in + off + c * k->in_cstride;
                if (k->same_type) memcpy(dst + c * k->out_cstride, src, (size_t)k->out_size);
                else store(dst + c * k->out_cstride, ot, load(src, it));
            }
        }
        return;
    }
    if (nd == 2) {
        for (int64_t j = lo; j < hi; ++j) {
            int64_t y0, y1, x0, x1; double dy, dx;
            axis_linear(k, 0, row[0] + k->m[0][1] * (double)j, &y0, &y1, &dy);
            axis_linear(k, 1, row[1] + k->m[1][1] * (double)j, &x0, &x1, &dx);
            const int64_t a00 = y0 * k->in_stride[0] + x0 * k->in_stride[1], a01 = y0 * k->in_stride[0] + x1 * k->in_stride[1];
            const int64_t a10 = y1 * k->in_stride[0] + x0 * k->in_stride[1], a11 = y1 * k->in_stride[0] + x1 * k->in_stride[1];
            char *dst = o + (j - j0) * ostep;
            for (int64_t c = 0; c < k->ncomp; ++c) {
                const char *p = k->in + c * k->in_cstride;
                double v00 = load(p + a00, it), v01 = load(p + a01, it), v10 = load(p + a10, it), v11 = load(p + a11, it);
                double vx0 = v00 + (v01 - v00) * dx;
                double vx1 = v10 + (v11 - v10) * dx;
                store(dst + c * k->out_cstride, ot, vx0 + (vx1 - vx0) * dy);
            }
        }
        return;
    }
    for (int64_t j = lo; j < hi; ++j) {
        int64_t z0, z1, y0, y1, x0, x1; double dz, dy, dx;
        axis_linear(k, 0, row[0] + k->m[0][2] * (double)j, &z0, &z1, &dz);
        axis_linear(k, 1, row[1] + k->m[1][2] * (double)j, &y0, &y1, &dy);
        axis_linear(k, 2, row[2] + k->m[2][2] * (double)j, &x0, &x1, &dx);
        const int64_t sz = k->in_stride[0], sy = k->in_stride[1], sx = k->in_stride[2];
        const int64_t zy00 = z0 * sz + y0 * sy, zy01 = z0 * sz + y1 * sy, zy10 = z1 * sz + y0 * sy, zy11 = z1 * sz + y1 * sy;
        const int64_t ox0 = x0 * sx, ox1 = x1 * sx;
        char *dst = o + (j - j0) * ostep;
        for (int64_t c = 0; c < k->ncomp; ++c) {
            const char *p = k->in + c * k->in_cstride;
            double v000 = load(p + zy00 + ox0, it), v001 = load(p + zy00 + ox1, it);
            double v010 = load(p + zy01 + ox0, it), v011 = load(p + zy01 + ox1, it);
            double v100 = load(p + zy10 + ox0, it), v101 = load(p + zy10 + ox1, it);
            double v110 = load(p + zy11 + ox0, it), v111 = load(p + zy11 + ox1, it);
            double a00 = v000 + (v001 - v000) * dx;   /* ITK: valx00 */
            double a10 = v010 + (v011 - v010) * dx;   /* valx10 */
            double b0 = a00 + (a10 - a00) * dy;       /* valxx0 */
            double a01 = v100 + (v101 - v100) * dx;   /* valx01 */
            double a11 = v110 + (v111 - v110) * dx;   /* valx11 */
            double b1 = a01 + (a11 - a01) * dy;       /* valxx1 */
            store(dst + c * k->out_cstride, ot, b0 + (b1 - b0) * dz);
        }
    }
}

static void run_planes(Job *k, int64_t plane_lo, int64_t plane_hi) {
    double row[3];
    const int nd = k->nd;
    for (int64_t p = plane_lo; p < plane_hi && !k->crop_error; ++p) {
        const double g0 = (double)(k->out_start[0] + p);
        if (nd == 2) {
            for (int a = 0; a < 2; ++a) row[a] = k->b[a] + k->m[a][0] * g0;
            do_row(k, row, k->out + p * k->out_stride[0]);
            continue;
        }
        for (int64_t q = 0; q < k->out_n[1]; ++q) {
            const double g1 = (double)(k->out_start[1] + q);
            for (int a = 0; a < 3; ++a) row[a] = k->b[a] + k->m[a][0] * g0 + k->m[a][1] * g1;
            do_row(k, row, k->out + p * k->out_stride[0] + q * k->out_stride[1]);
        }
    }
}

static int read_vector(PyObject *obj, int n, double *dv, int64_t *iv, const char *name) {
    PyObject *seq = PySequence_Fast(obj, name);
    if (!seq) return -1;
    if (PySequence_Fast_GET_SIZE(seq) != n) { Py_DECREF(seq); PyErr_Format(PyExc_ValueError, "%s must have %d entries", name, n); return -1; }
    for (int i = 0; i < n; ++i) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        if (dv) dv[i] = PyFloat_AsDouble(item); else iv[i] = PyLong_AsLongLong(item);
    }
    Py_DECREF(seq);
    return PyErr_Occurred() ? -1 : 0;
}

PyDoc_STRVAR(resample_doc,
"resample(values, out, matrix, offset, out_start, in_start, full_shape, interp, default, plane_lo, plane_hi)\n\n"
"Fill output planes [plane_lo, plane_hi) of ``out`` (N spatial axes + 1 component axis) from ``values`` (same\n"
"layout, N = 2 or 3); ``matrix`` (N*N, row-major) and ``offset`` map global output indices to global input\n"
"indices; ``default`` is the default value's bytes in ``out``'s dtype. Releases the GIL. Returns None, or\n"
"raises ValueError when the crop does not hold a voxel the block reads.");

static PyObject *py_resample(PyObject *self, PyObject *args) {
    PyArrayObject *values, *out;
    PyObject *matrix, *offset, *out_start, *in_start, *full_shape;
    int interp;
    Py_buffer dflt;
    long long plane_lo, plane_hi;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!OOOOOiy*LL", &PyArray_Type, &values, &PyArray_Type, &out, &matrix, &offset,
                          &out_start, &in_start, &full_shape, &interp, &dflt, &plane_lo, &plane_hi)) return NULL;
    Job k;
    memset(&k, 0, sizeof k);
    PyObject *result = NULL;
    int nd = PyArray_NDIM(values) - 1;
    if (nd < 2 || nd > 3 || PyArray_NDIM(out) != nd + 1) { PyErr_SetString(PyExc_ValueError, "values and out need 2 or 3 spatial axes and one component axis"); goto done; }
    if (!PyArray_ISWRITEABLE(out)) { PyErr_SetString(PyExc_ValueError, "out is read-only"); goto done; }
    if (interp != NEAREST && interp != LINEAR) { PyErr_SetString(PyExc_ValueError, "interp must be 0 (nearest) or 1 (linear)"); goto done; }
    k.nd = nd; k.interp = interp;
    k.in_type = type_code(PyArray_TYPE(values)); k.out_type = type_code(PyArray_TYPE(out));
    if (k.in_type < 0 || k.out_type < 0 || !PyArray_ISNOTSWAPPED(values) || !PyArray_ISNOTSWAPPED(out)) { PyErr_SetString(PyExc_TypeError, "unsupported dtype"); goto done; }
    k.out_size = (int)PyArray_ITEMSIZE(out);
    k.same_type = k.in_type == k.out_type;
    if ((Py_ssize_t)k.out_size != dflt.len) { PyErr_SetString(PyExc_ValueError, "default must be one element of out's dtype"); goto done; }
    memcpy(k.dflt, dflt.buf, (size_t)dflt.len);
    if (PyArray_DIM(values, nd) != PyArray_DIM(out, nd)) { PyErr_SetString(PyExc_ValueError, "values and out have different component counts"); goto done; }
    k.ncomp = PyArray_DIM(out, nd);
    double mv[9]; int64_t os[3], is[3], fs[3];
    if (read_vector(matrix, nd * nd, mv, NULL, "matrix") || read_vector(offset, nd, k.b, NULL, "offset") ||
        read_vector(out_start, nd, NULL, os, "out_start") || read_vector(in_start, nd, NULL, is, "in_start") ||
        read_vector(full_shape, nd, NULL, fs, "full_shape")) goto done;
    for (int a = 0; a < nd; ++a) {
        for (int c = 0; c < nd; ++c) k.m[a][c] = mv[a * nd + c];
        k.out_start[a] = os[a]; k.in_start[a] = is[a]; k.full_n[a] = fs[a]; k.high[a] = (double)fs[a] - 0.5;
        k.in_stride[a] = PyArray_STRIDE(values, a); k.out_stride[a] = PyArray_STRIDE(out, a);
        k.crop_n[a] = PyArray_DIM(values, a); k.out_n[a] = PyArray_DIM(out, a);
        if (k.crop_n[a] < 1 || fs[a] < 1) { PyErr_SetString(PyExc_ValueError, "empty input"); goto done; }
    }
    k.in_cstride = PyArray_STRIDE(values, nd); k.out_cstride = PyArray_STRIDE(out, nd);
    k.in = PyArray_BYTES(values); k.out = PyArray_BYTES(out);
    if (plane_lo < 0) plane_lo = 0;
    if (plane_hi > k.out_n[0]) plane_hi = k.out_n[0];
#if HAVE_AVX2_PATH
    k.use_avx2 = use_avx2(&k);
#endif
    Py_BEGIN_ALLOW_THREADS
    run_planes(&k, plane_lo, plane_hi);
    Py_END_ALLOW_THREADS
    if (k.crop_error) { PyErr_SetString(PyExc_ValueError, "the input crop does not hold every voxel this output block reads"); goto done; }
    result = Py_None; Py_INCREF(result);
done:
    PyBuffer_Release(&dflt);
    return result;
}

static PyMethodDef methods[] = {
    {"resample", py_resample, METH_VARARGS, resample_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_resample", "Compiled resampling kernels (see resample.py).", -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__resample(void) {
    import_array();
    PyObject *m = PyModule_Create(&module);
#if HAVE_AVX2_PATH
    Job probe;
    memset(&probe, 0, sizeof probe);
    probe.interp = LINEAR; probe.same_type = 1; probe.ncomp = 1; probe.in_type = T_F32; probe.nd = 2;
    if (m) PyModule_AddIntConstant(m, "AVX2", use_avx2(&probe));
#else
    if (m) PyModule_AddIntConstant(m, "AVX2", 0);
#endif
    return m;
}
