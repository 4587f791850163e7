#ifndef VITKIT_CDEFLATE_SHIM_H
#define VITKIT_CDEFLATE_SHIM_H
#include <zlib.h>
/// Raw deflate (no zlib header), as ZIP members use: inflateInit2 is a macro.
static inline int cdeflate_inflate_init_raw(z_stream *s) { return inflateInit2(s, -MAX_WBITS); }
/// zlib-wrapped deflate (RFC 1950), as HDF5's deflate filter writes: inflateInit is a macro.
static inline int cdeflate_inflate_init_zlib(z_stream *s) { return inflateInit(s); }
/// Raw deflate compressor at the given level (Z_DEFAULT_COMPRESSION = -1).
static inline int cdeflate_deflate_init_raw(z_stream *s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
#endif
