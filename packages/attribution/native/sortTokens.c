/*
 * The benchmark's native baseline: the same SA-IS as src/suffixArray.ts (its orchestration, here
 * in C) over the kernels of native/suffixArray.c, compiled with gcc -O3 at benchmark time.
 *
 *   sortTokens <tokens.u16> <out.sa>   (16-bit little-endian tokens; writes the 32-bit suffix array)
 * Prints {"tokens", "seconds", "cpuSeconds", "peakRssBytes"} for the build alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef int32_t i32;
#define DECLARE(W, CH)                                                                   \
  void count_##W(const CH *, i32 *, i32, i32);                                           \
  i32 seed_##W(const CH *, i32 *, i32 *, i32 *, i32, i32);                               \
  void induce_l_##W(const CH *, i32 *, i32 *, i32, i32, i32);                            \
  void induce_s_##W(const CH *, i32 *, i32 *, i32, i32, i32);                            \
  void lengths_##W(const CH *, i32 *, i32 *, i32, i32);                                  \
  void name_##W(const CH *, const i32 *, i32 *, i32, i32 *, i32, i32);                   \
  void positions_##W(const CH *, i32 *, i32 *, i32, i32);                                \
  void place_##W(const CH *, i32 *, i32 *, i32, i32);
DECLARE(u16, uint16_t)
DECLARE(u32, uint32_t)
i32 compact(i32 *, i32, i32, i32);
i32 gather(i32 *, i32, i32, i32);
void invert(const i32 *, i32 *, i32, i32);
void map_ranks(i32 *, const i32 *, i32, i32);

static void pointers(const i32 *C, i32 *B, i32 K, int atEnd) {
  i32 sum = 0;
  for (i32 c = 0; c < K; c++) {
    if (atEnd) sum += C[c];
    B[c] = sum;
    if (!atEnd) sum += C[c];
  }
}

static void sais_u32(const uint32_t *T, i32 *SA, i32 n, i32 K, i32 *spare, i32 spareLength);

#define LEVEL(W, CH)                                                                                \
  static void induce_##W(const CH *T, i32 *SA, const i32 *C, i32 *B, i32 n, i32 K, i32 zero) {      \
    pointers(C, B, K, 0);                                                                           \
    i32 j = n - 1, c = T[j];                                                                        \
    SA[B[c]++] = (j > 0 && (i32)T[j - 1] < c) ? ~j : j;                                            \
    induce_l_##W(T, SA, B, 0, n, zero);                                                             \
    pointers(C, B, K, 1);                                                                           \
    induce_s_##W(T, SA, B, n - 1, -1, zero);                                                        \
  }                                                                                                 \
  static void sais_##W(const CH *T, i32 *SA, i32 n, i32 K, i32 *spare, i32 spareLength) {           \
    if (n == 0) return;                                                                             \
    if (n == 1) {                                                                                   \
      SA[0] = 0;                                                                                    \
      return;                                                                                       \
    }                                                                                               \
    i32 *C = spareLength >= 2 * K ? spare : malloc(sizeof(i32) * 2 * (size_t)K), *B = C + K;        \
    memset(C, 0, sizeof(i32) * K);                                                                  \
    count_##W(T, C, 0, n);                                                                          \
    memset(SA, 0, sizeof(i32) * n);                                                                 \
    pointers(C, B, K, 1);                                                                           \
    i32 st[4] = {0, (i32)T[n - 1], 0, 0};                                                           \
    i32 n1 = seed_##W(T, SA, B, st, n - 2, -1);                                                     \
    induce_##W(T, SA, C, B, n, K, 1);                                                               \
    compact(SA, 0, n, 0);                                                                           \
    if (n1 > 0) {                                                                                   \
      i32 *half = SA + n1;                                                                          \
      memset(half, 0, sizeof(i32) * (n - n1));                                                      \
      i32 lengths[4] = {0, (i32)T[n - 1], n, 0};                                                    \
      lengths_##W(T, half, lengths, n - 2, -1);                                                     \
      i32 naming[4] = {-1, 0, 0, 0};                                                                \
      name_##W(T, SA, half, n, naming, 0, n1);                                                      \
      gather(SA, n - 1, n1 - 1, n - 1);                                                             \
      i32 *reduced = SA + n - n1;                                                                   \
      if (naming[2] < n1) sais_u32((uint32_t *)reduced, SA, n1, naming[2], SA + n1, n - 2 * n1);    \
      else invert(reduced, SA, 0, n1);                                                              \
      i32 positions[4] = {0, (i32)T[n - 1], n1 - 1, 0};                                             \
      positions_##W(T, reduced, positions, n - 2, -1);                                              \
      map_ranks(SA, reduced, 0, n1);                                                                \
    }                                                                                               \
    memset(SA + n1, 0, sizeof(i32) * (n - n1));                                                     \
    pointers(C, B, K, 1);                                                                           \
    place_##W(T, SA, B, n1 - 1, -1);                                                                \
    induce_##W(T, SA, C, B, n, K, 0);                                                               \
    if (C != spare) free(C);                                                                        \
  }
LEVEL(u16, uint16_t)
LEVEL(u32, uint32_t)

/* This process's own peak resident bytes: VmHWM (Linux carries ru_maxrss across fork and exec, so a
 * child of a large parent would report the parent's size); ru_maxrss where /proc is missing. */
static long peak_resident_bytes(const struct rusage *usage) {
  FILE *status = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (status && fgets(line, sizeof line, status))
    if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  if (status) fclose(status);
  return (kb >= 0 ? kb : usage->ru_maxrss) * 1024L;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: sortTokens <tokens.u16> <out.sa>\n");
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  if (!in) return perror(argv[1]), 1;
  fseek(in, 0, SEEK_END);
  long bytes = ftell(in);
  fseek(in, 0, SEEK_SET);
  i32 n = (i32)(bytes / 2);
  uint16_t *T = malloc(bytes);
  i32 *SA = malloc(sizeof(i32) * (size_t)n);
  if (fread(T, 1, bytes, in) != (size_t)bytes) return perror("read"), 1;
  fclose(in);
  i32 K = 0;
  for (i32 i = 0; i < n; i++)
    if (T[i] > K) K = T[i];
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  sais_u16(T, SA, n, K + 1, 0, 0);
  getrusage(RUSAGE_SELF, &after);
  clock_gettime(CLOCK_MONOTONIC, &end);
  FILE *out = fopen(argv[2], "wb");
  if (!out || fwrite(SA, sizeof(i32), n, out) != (size_t)n) return perror(argv[2]), 1;
  fclose(out);
  double cpu = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) + (after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
               (after.ru_stime.tv_sec - before.ru_stime.tv_sec) + (after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
  printf("{\"tokens\":%d,\"seconds\":%.4f,\"cpuSeconds\":%.4f,\"peakRssBytes\":%ld}\n", n,
         (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9, cpu, peak_resident_bytes(&after));
  return 0;
}
