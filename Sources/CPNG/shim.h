#ifndef VITKIT_CPNG_SHIM_H
#define VITKIT_CPNG_SHIM_H
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/*
 * Decoding a PNG held in memory, with libpng's setjmp/longjmp error handling kept on
 * the C side (Swift cannot call setjmp). Usage:
 *
 *   vitkit_png_reader *r = vitkit_png_new(bytes, count);
 *   vitkit_png_read_header(r)      -> 0, or -1 with vitkit_png_message(r)
 *   (check r->width, r->height, r->color_type, r->bit_depth; allocate)
 *   vitkit_png_read_pixels(r, out, out_size)  -> 0, or -1
 *   vitkit_png_free(r)
 *
 * Pixels come out without colour conversion: grey, grey+alpha, RGB, RGBA or palette
 * indices, one byte per sample (sub-byte grey scaled to 0..255, sub-byte indices
 * unpacked). 16-bit grey keeps both bytes (big-endian); other 16-bit types keep the
 * high byte of each sample. tRNS, gamma and sBIT are not applied.
 */

typedef struct vitkit_png_reader {
    png_structp png;
    png_infop info;
    const unsigned char *data;
    size_t size;
    size_t pos;
    int truncated;
    char message[256];
    /* Filled by vitkit_png_read_header. */
    png_uint_32 width;
    png_uint_32 height;
    int bit_depth;
    int color_type;
    int interlaced;
    int palette_count;
    unsigned char palette[256 * 3];
    /* Filled by vitkit_png_read_pixels: bytes per output row. */
    size_t row_bytes;
} vitkit_png_reader;

static inline void vitkit_png_error_fn(png_structp png, png_const_charp msg) {
    vitkit_png_reader *r = (vitkit_png_reader *)png_get_error_ptr(png);
    if (r != NULL && r->message[0] == 0) {
        strncpy(r->message, msg != NULL ? msg : "libpng error", sizeof(r->message) - 1);
    }
    png_longjmp(png, 1);
}

static inline void vitkit_png_warning_fn(png_structp png, png_const_charp msg) {
    (void)png;
    (void)msg;
}

static inline void vitkit_png_read_fn(png_structp png, png_bytep out, size_t count) {
    vitkit_png_reader *r = (vitkit_png_reader *)png_get_io_ptr(png);
    if (count > r->size - r->pos) {
        r->truncated = 1;
        png_error(png, "file is truncated");
    }
    memcpy(out, r->data + r->pos, count);
    r->pos += count;
}

/// A reader over `size` bytes at `data` (not copied: keep them alive). NULL when out of memory.
static inline vitkit_png_reader *vitkit_png_new(const void *data, size_t size) {
    vitkit_png_reader *r = (vitkit_png_reader *)calloc(1, sizeof(vitkit_png_reader));
    if (r == NULL) return NULL;
    r->data = (const unsigned char *)data;
    r->size = size;
    r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, r, vitkit_png_error_fn, vitkit_png_warning_fn);
    if (r->png == NULL) {
        free(r);
        return NULL;
    }
    r->info = png_create_info_struct(r->png);
    if (r->info == NULL) {
        png_destroy_read_struct(&r->png, NULL, NULL);
        free(r);
        return NULL;
    }
    png_set_read_fn(r->png, r, vitkit_png_read_fn);
    return r;
}

static inline void vitkit_png_free(vitkit_png_reader *r) {
    if (r == NULL) return;
    png_destroy_read_struct(&r->png, &r->info, NULL);
    free(r);
}

static inline const char *vitkit_png_message(const vitkit_png_reader *r) { return r->message; }

/// Reads the signature and every chunk up to the image data. 0 on success, -1 on error.
static inline int vitkit_png_read_header(vitkit_png_reader *r) {
    if (setjmp(png_jmpbuf(r->png))) return -1;
    /* Dimensions are checked by the caller (against its own, smaller limits). */
    png_set_user_limits(r->png, 0x7fffffff, 0x7fffffff);
    png_set_benign_errors(r->png, 1);
    png_read_info(r->png, r->info);
    int interlace = 0;
    png_get_IHDR(r->png, r->info, &r->width, &r->height, &r->bit_depth, &r->color_type, &interlace, NULL, NULL);
    r->interlaced = interlace != PNG_INTERLACE_NONE;
    r->palette_count = 0;
    if (r->color_type == PNG_COLOR_TYPE_PALETTE) {
        png_colorp colors = NULL;
        int count = 0;
        if (png_get_PLTE(r->png, r->info, &colors, &count) == PNG_INFO_PLTE && colors != NULL) {
            if (count > 256) count = 256;
            for (int i = 0; i < count; i++) {
                r->palette[3 * i + 0] = colors[i].red;
                r->palette[3 * i + 1] = colors[i].green;
                r->palette[3 * i + 2] = colors[i].blue;
            }
            r->palette_count = count;
        }
    }
    return 0;
}

/// Decodes the whole image into `out` (`height` rows of `row_bytes`). 0 on success, -1 on
/// error (including when `out_size` is too small).
static inline int vitkit_png_read_pixels(vitkit_png_reader *r, unsigned char *out, size_t out_size) {
    if (setjmp(png_jmpbuf(r->png))) return -1;
    if (r->bit_depth < 8) {
        if (r->color_type == PNG_COLOR_TYPE_GRAY) {
            png_set_expand_gray_1_2_4_to_8(r->png);
        } else {
            png_set_packing(r->png);
        }
    }
    if (r->bit_depth == 16 && r->color_type != PNG_COLOR_TYPE_GRAY) {
        png_set_strip_16(r->png);
    }
    int passes = png_set_interlace_handling(r->png);
    png_read_update_info(r->png, r->info);
    size_t row_bytes = png_get_rowbytes(r->png, r->info);
    r->row_bytes = row_bytes;
    if (row_bytes == 0 || r->height == 0 || out_size / row_bytes < (size_t)r->height) {
        png_error(r->png, "output buffer too small for the decoded image");
    }
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < r->height; y++) {
            png_read_row(r->png, out + (size_t)y * row_bytes, NULL);
        }
    }
    return 0;
}

/*
 * Encoding an 8-bit RGB image to PNG bytes in memory (libpng's writer, zlib level 6):
 *
 *   vitkit_png_buffer out = {0};
 *   vitkit_png_encode_rgb(pixels, width, height, &out)  -> 0, or -1 with out.message
 *   (use out.data[0..<out.size]) ; vitkit_png_buffer_free(&out)
 */

typedef struct vitkit_png_buffer {
    unsigned char *data;
    size_t size;
    size_t capacity;
    int failed;
    char message[256];
} vitkit_png_buffer;

static inline void vitkit_png_write_error_fn(png_structp png, png_const_charp msg) {
    vitkit_png_buffer *b = (vitkit_png_buffer *)png_get_error_ptr(png);
    if (b != NULL && b->message[0] == 0) {
        strncpy(b->message, msg != NULL ? msg : "libpng error", sizeof(b->message) - 1);
    }
    png_longjmp(png, 1);
}

static inline void vitkit_png_write_fn(png_structp png, png_bytep bytes, size_t count) {
    vitkit_png_buffer *b = (vitkit_png_buffer *)png_get_io_ptr(png);
    if (count > b->capacity - b->size) {
        size_t capacity = b->capacity < 65536 ? 65536 : b->capacity;
        while (count > capacity - b->size) {
            if (capacity > ((size_t)-1) / 2) png_error(png, "PNG output too large");
            capacity *= 2;
        }
        unsigned char *grown = (unsigned char *)realloc(b->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->size, bytes, count);
    b->size += count;
}

static inline void vitkit_png_flush_fn(png_structp png) { (void)png; }

static inline void vitkit_png_buffer_free(vitkit_png_buffer *b) {
    free(b->data);
    b->data = NULL;
    b->size = b->capacity = 0;
}

/// Encodes `height` rows of `width` RGB pixels (3 bytes each, no padding) into `out`.
/// 0 on success, -1 with `out->message` set (and `out->data` freed).
static inline int vitkit_png_encode_rgb(const unsigned char *pixels, png_uint_32 width, png_uint_32 height,
                                        vitkit_png_buffer *out) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, out, vitkit_png_write_error_fn, vitkit_png_warning_fn);
    if (png == NULL) {
        strncpy(out->message, "cannot create a PNG encoder (out of memory)", sizeof(out->message) - 1);
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info != NULL ? &info : NULL);
        vitkit_png_buffer_free(out);
        out->failed = 1;
        if (out->message[0] == 0) strncpy(out->message, "cannot create a PNG encoder (out of memory)", sizeof(out->message) - 1);
        return -1;
    }
    png_set_write_fn(png, out, vitkit_png_write_fn, vitkit_png_flush_fn);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    for (png_uint_32 y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * width * 3));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

#endif
