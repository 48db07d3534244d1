#ifndef SETTLE_CZLIB_SHIM_H
#define SETTLE_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro over inflateInit2_ with the library version and stream size.
static inline int settle_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32); // 15 window bits, +32: detect gzip or zlib header
}
// deflateInit2 likewise; 15 + 16 window bits: write a gzip header and trailer.
static inline int settle_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
