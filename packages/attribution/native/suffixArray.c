/*
 * Kernels of the SA-IS suffix-array builder (src/suffixArray.ts), compiled to WebAssembly
 * (native/build.sh). The TypeScript orchestrator runs the algorithm in steps and calls these for
 * the long loops, each over a range of at most a few hundred thousand entries, so that a build can
 * yield to the event loop between calls. src/suffixArrayKernels.ts holds the same kernels in
 * TypeScript (used when the arrays are not in WebAssembly memory); the two must stay identical.
 *
 * Conventions: T is the text (16- or 32-bit symbols), SA the suffix array (32-bit), C bucket
 * sizes, B bucket pointers, st a small block of state carried from one call to the next. A virtual
 * sentinel, smaller than every symbol, follows the text. In the induction passes an entry p >= 0
 * is suffix p whose predecessor must be induced by the L pass (or p = 0 / empty), ~p is suffix p
 * whose predecessor is S-type (induced by the S pass).
 */
#include <stdint.h>

typedef int32_t i32;

#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(#name)))
#else
#define EXPORT(name)
#endif

#define KERNELS(W, CH)                                                                             \
  /* C[T[i]]++ for i in [from, to). */                                                             \
  EXPORT(count_##W) void count_##W(const CH *T, i32 *C, i32 from, i32 to) {                        \
    for (i32 i = from; i < to; i++) C[T[i]]++;                                                     \
  }                                                                                                \
                                                                                                   \
  /* Type scan from `from` down to to + 1 (st: next is S, next symbol): every LMS position i + 1   \
     goes to the end of its bucket. Returns how many were placed. */                               \
  EXPORT(seed_##W) i32 seed_##W(const CH *T, i32 *SA, i32 *B, i32 *st, i32 from, i32 to) {         \
    i32 nextS = st[0], next = st[1], placed = 0;                                                   \
    for (i32 i = from; i > to; i--) {                                                              \
      i32 c = T[i];                                                                                \
      i32 s = c < next || (c == next && nextS);                                                    \
      if (!s && nextS) {                                                                           \
        SA[--B[next]] = i + 1;                                                                     \
        placed++;                                                                                  \
      }                                                                                            \
      nextS = s;                                                                                   \
      next = c;                                                                                    \
    }                                                                                              \
    st[0] = nextS;                                                                                 \
    st[1] = next;                                                                                  \
    return placed;                                                                                 \
  }                                                                                                \
                                                                                                   \
  /* L pass over SA[from, to): induce the predecessor of every entry p > 0 at its bucket start. */ \
  EXPORT(induce_l_##W) void induce_l_##W(const CH *T, i32 *SA, i32 *B, i32 from, i32 to, i32 zero) { \
    for (i32 i = from; i < to; i++) {                                                              \
      i32 v = SA[i];                                                                               \
      if (v > 0) {                                                                                 \
        if (zero) SA[i] = 0;                                                                       \
        i32 j = v - 1;                                                                             \
        i32 c = T[j];                                                                              \
        SA[B[c]++] = (j > 0 && (i32)T[j - 1] < c) ? ~j : j;                                        \
      }                                                                                            \
    }                                                                                              \
  }                                                                                                \
                                                                                                   \
  /* S pass over SA from `from` down to to + 1: induce the predecessor of every entry ~p. */       \
  EXPORT(induce_s_##W) void induce_s_##W(const CH *T, i32 *SA, i32 *B, i32 from, i32 to, i32 zero) { \
    for (i32 i = from; i > to; i--) {                                                              \
      i32 v = SA[i];                                                                               \
      if (v < 0) {                                                                                 \
        i32 p = ~v;                                                                                \
        SA[i] = zero ? 0 : p;                                                                      \
        i32 j = p - 1;                                                                             \
        i32 c = T[j];                                                                              \
        SA[--B[c]] = (j > 0 && (i32)T[j - 1] <= c) ? ~j : j;                                       \
      }                                                                                            \
    }                                                                                              \
  }                                                                                                \
                                                                                                   \
  /* Type scan from `from` down to to + 1 (st: next is S, next symbol, next LMS position): the     \
     length of each LMS substring (through the next LMS position) goes to half[p >> 1]. */         \
  EXPORT(lengths_##W) void lengths_##W(const CH *T, i32 *half, i32 *st, i32 from, i32 to) {        \
    i32 nextS = st[0], next = st[1], nextLms = st[2];                                              \
    for (i32 i = from; i > to; i--) {                                                              \
      i32 c = T[i];                                                                                \
      i32 s = c < next || (c == next && nextS);                                                    \
      if (!s && nextS) {                                                                           \
        i32 p = i + 1;                                                                             \
        half[p >> 1] = nextLms - p + 1;                                                            \
        nextLms = p;                                                                               \
      }                                                                                            \
      nextS = s;                                                                                   \
      next = c;                                                                                    \
    }                                                                                              \
    st[0] = nextS;                                                                                 \
    st[1] = next;                                                                                  \
    st[2] = nextLms;                                                                               \
  }                                                                                                \
                                                                                                   \
  /* Names the sorted LMS substrings SA[from, to) (st: previous position, its length, names so     \
     far): equal substrings share a name; ~name replaces the length at half[p >> 1]. */            \
  EXPORT(name_##W) void name_##W(const CH *T, const i32 *SA, i32 *half, i32 n, i32 *st, i32 from, i32 to) { \
    i32 prev = st[0], prevLength = st[1], names = st[2];                                           \
    for (i32 k = from; k < to; k++) {                                                              \
      i32 p = SA[k];                                                                               \
      i32 length = half[p >> 1];                                                                   \
      i32 differs = 1;                                                                             \
      /* A substring that reaches the sentinel (p + length > n) is unique. */                      \
      if (prev >= 0 && length == prevLength && p + length <= n && prev + length <= n) {            \
        differs = 0;                                                                               \
        for (i32 d = 0; d < length; d++) {                                                         \
          if (T[p + d] != T[prev + d]) {                                                           \
            differs = 1;                                                                           \
            break;                                                                                 \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
      names += differs;                                                                            \
      half[p >> 1] = ~(names - 1);                                                                 \
      prev = p;                                                                                    \
      prevLength = length;                                                                         \
    }                                                                                              \
    st[0] = prev;                                                                                  \
    st[1] = prevLength;                                                                            \
    st[2] = names;                                                                                 \
  }                                                                                                \
                                                                                                   \
  /* Type scan from `from` down to to + 1 (st: next is S, next symbol, next slot): writes the LMS  \
     positions, last first, to out[slot--]. */                                                     \
  EXPORT(positions_##W) void positions_##W(const CH *T, i32 *out, i32 *st, i32 from, i32 to) {     \
    i32 nextS = st[0], next = st[1], slot = st[2];                                                 \
    for (i32 i = from; i > to; i--) {                                                              \
      i32 c = T[i];                                                                                \
      i32 s = c < next || (c == next && nextS);                                                    \
      if (!s && nextS) out[slot--] = i + 1;                                                        \
      nextS = s;                                                                                   \
      next = c;                                                                                    \
    }                                                                                              \
    st[0] = nextS;                                                                                 \
    st[1] = next;                                                                                  \
    st[2] = slot;                                                                                  \
  }                                                                                                \
                                                                                                   \
  /* Moves the sorted LMS suffixes SA[to + 1, from] (walking down) to the ends of their buckets. */ \
  EXPORT(place_##W) void place_##W(const CH *T, i32 *SA, i32 *B, i32 from, i32 to) {               \
    for (i32 i = from; i > to; i--) {                                                              \
      i32 p = SA[i];                                                                               \
      SA[i] = 0;                                                                                   \
      SA[--B[T[p]]] = p;                                                                           \
    }                                                                                              \
  }

KERNELS(u16, uint16_t)
KERNELS(u32, uint32_t)

/* Moves the positive entries of SA[from, to) to SA[k...]; returns the new k. */
EXPORT(compact) i32 compact(i32 *SA, i32 from, i32 to, i32 k) {
  for (i32 i = from; i < to; i++) {
    i32 v = SA[i];
    if (v > 0) SA[k++] = v;
  }
  return k;
}

/* Walking SA down from `from` to to + 1, moves every name (~name entries) to SA[j--]; returns j. */
EXPORT(gather) i32 gather(i32 *SA, i32 from, i32 to, i32 j) {
  for (i32 i = from; i > to; i--) {
    i32 v = SA[i];
    if (v < 0) SA[j--] = ~v;
  }
  return j;
}

/* All names distinct: the reduced suffix array is the inverse of the reduced text. */
EXPORT(invert) void invert(const i32 *T1, i32 *SA1, i32 from, i32 to) {
  for (i32 i = from; i < to; i++) SA1[T1[i]] = i;
}

/* Ranks of LMS suffixes to their positions: SA1[i] = positions[SA1[i]]. */
EXPORT(map_ranks) void map_ranks(i32 *SA1, const i32 *positions, i32 from, i32 to) {
  for (i32 i = from; i < to; i++) SA1[i] = positions[SA1[i]];
}
