// Floor for cash application's scaling: N invoice numbers in an open-addressing table (16-byte slots, as
// Matching's NumberTable), then N look-ups in receipt order (random with respect to the table), plus an
// N-element array of 150-byte records written at random positions (as decisions are put back in input
// order). Times 100,000 and 1,000,000 side by side: what the memory of this machine alone does to the ratio.
//   cc -O2 -o /tmp/lookups scripts/floor/lookups.c && /tmp/lookups
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { uint64_t key; int32_t value; int32_t pad; } slot;
typedef struct { char bytes[150]; } record;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static uint64_t mix(uint64_t x) { x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL; x ^= x >> 27; x *= 0x94d049bb133111ebULL; return x ^ (x >> 31); }

static double run(size_t n) {
    size_t size = 16; int bits = 4;
    while (size < n * 2) { size <<= 1; bits++; }
    slot *table = calloc(size, sizeof(slot));
    for (size_t i = 0; i < size; i++) table[i].value = INT32_MIN;
    uint64_t *keys = malloc(n * sizeof(uint64_t));
    uint32_t *order = malloc(n * sizeof(uint32_t));
    record *out = malloc(n * sizeof(record));
    for (size_t i = 0; i < n; i++) { keys[i] = 100000000 + mix(i) % 900000000; order[i] = (uint32_t)i; }
    for (size_t i = n - 1; i > 0; i--) { size_t j = mix(i + 7) % (i + 1); uint32_t t = order[i]; order[i] = order[j]; order[j] = t; }
    double start = now();
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)((keys[i] * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
        while (table[h].value != INT32_MIN && table[h].key != keys[i]) h = (h + 1) & (size - 1);
        table[h].key = keys[i]; table[h].value = (int32_t)i;
    }
    int64_t found = 0;
    for (size_t r = 0; r < n; r++) {
        uint64_t k = keys[order[r]];
        size_t h = (size_t)((k * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
        while (table[h].key != k) h = (h + 1) & (size - 1);
        found += table[h].value;
        memset(out[order[r]].bytes, (int)(r & 0xff), sizeof(record));
    }
    double elapsed = now() - start;
    if (found < 0) printf("impossible\n");
    free(table); free(keys); free(order); free(out);
    return elapsed;
}

int main(void) {
    double best_small = 1e9, best_large = 1e9;
    for (int i = 0; i < 5; i++) {
        double s = run(100000), l = run(1000000);
        if (s < best_small) best_small = s;
        if (l < best_large) best_large = l;
    }
    printf("100,000: %.4f s  1,000,000: %.4f s  ratio %.1fx (best of 5 each)\n", best_small, best_large, best_large / best_small);
    return 0;
}
