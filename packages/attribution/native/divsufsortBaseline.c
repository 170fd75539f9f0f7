/*
 * The benchmark's second native baseline: Debian's libdivsufsort (apt-get install -y
 * libdivsufsort-dev) on a byte view of the tokens (each 16-bit token as two big-endian bytes, so
 * byte order is token order); the suffixes at even byte offsets, halved, are the token suffix
 * array. Compiled with gcc -O3 at benchmark time; nothing of the library is in this repository.
 *
 *   divsufsortBaseline <tokens.u16> <out.sa>
 * Prints {"tokens", "seconds", "cpuSeconds", "peakRssBytes"} for the sort and the filtering.
 */
#include <divsufsort.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

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
    fprintf(stderr, "usage: divsufsortBaseline <tokens.u16> <out.sa>\n");
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  if (!in) return perror(argv[1]), 1;
  fseek(in, 0, SEEK_END);
  long bytes = ftell(in);
  fseek(in, 0, SEEK_SET);
  long n = bytes / 2;
  uint16_t *T = malloc(bytes);
  if (fread(T, 1, bytes, in) != (size_t)bytes) return perror("read"), 1;
  fclose(in);
  unsigned char *text = malloc(bytes);
  for (long i = 0; i < n; i++) {
    text[2 * i] = (unsigned char)(T[i] >> 8);
    text[2 * i + 1] = (unsigned char)(T[i] & 0xff);
  }
  free(T);
  saidx_t *sa = malloc(sizeof(saidx_t) * (size_t)bytes);
  struct timespec start, end;
  struct rusage before, after;
  clock_gettime(CLOCK_MONOTONIC, &start);
  getrusage(RUSAGE_SELF, &before);
  if (divsufsort(text, sa, (saidx_t)bytes) != 0) return fprintf(stderr, "divsufsort failed\n"), 1;
  long k = 0;
  for (long i = 0; i < bytes; i++)
    if ((sa[i] & 1) == 0) sa[k++] = sa[i] >> 1;
  getrusage(RUSAGE_SELF, &after);
  clock_gettime(CLOCK_MONOTONIC, &end);
  FILE *out = fopen(argv[2], "wb");
  if (!out || fwrite(sa, sizeof(saidx_t), n, out) != (size_t)n) return perror(argv[2]), 1;
  fclose(out);
  double cpu = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) + (after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
               (after.ru_stime.tv_sec - before.ru_stime.tv_sec) + (after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
  printf("{\"tokens\":%ld,\"seconds\":%.4f,\"cpuSeconds\":%.4f,\"peakRssBytes\":%ld}\n", n,
         (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9, cpu, peak_resident_bytes(&after));
  return 0;
}
