#ifndef SETTLE_CZLIB_SHIM_H
#define SETTLE_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro over inflateInit2_ with the library version and stream size.
static inline int settle_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32); // 15 window bits, +32: detect gzip or zlib header
}
#endif
