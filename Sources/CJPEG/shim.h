#ifndef VITKIT_CJPEG_SHIM_H
#define VITKIT_CJPEG_SHIM_H
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/*
 * Decoding a JPEG held in memory, with libjpeg's error_exit turned into a longjmp back
 * into these C functions (Swift cannot call setjmp). Usage:
 *
 *   vitkit_jpeg_reader *r = vitkit_jpeg_new(bytes, count);
 *   vitkit_jpeg_read_header(r)     -> 0, or -1 with vitkit_jpeg_message(r)
 *   (check r->width, r->height, r->components; allocate)
 *   vitkit_jpeg_read_pixels(r, out, out_size)  -> 0, or -1
 *   vitkit_jpeg_free(r)
 *
 * Output is what Pillow asks libjpeg for: 1 component -> grey, 3 -> RGB (libjpeg's own
 * colour-space guess and YCbCr conversion), 4 -> CMYK as stored (Adobe polarity).
 * Decoder settings are libjpeg's defaults (islow IDCT, fancy upsampling), as in Pillow.
 * Warnings are ignored except "Premature end of JPEG file", which is an error.
 */

typedef struct vitkit_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    int created;
    int truncated;
    int max_scans;
    char message[JMSG_LENGTH_MAX + 32];
    /* Filled by vitkit_jpeg_read_header. */
    unsigned int width;
    unsigned int height;
    int components;
} vitkit_jpeg_reader;

static inline void vitkit_jpeg_error_exit(j_common_ptr cinfo) {
    vitkit_jpeg_reader *r = (vitkit_jpeg_reader *)cinfo->client_data;
    if (r->message[0] == 0) (*cinfo->err->format_message)(cinfo, r->message);
    longjmp(r->jump, 1);
}

static inline void vitkit_jpeg_emit_message(j_common_ptr cinfo, int level) {
    vitkit_jpeg_reader *r = (vitkit_jpeg_reader *)cinfo->client_data;
    if (level < 0) {
        cinfo->err->num_warnings++;
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
            r->truncated = 1;
            strcpy(r->message, "file is truncated");
            longjmp(r->jump, 1);
        }
    }
}

static inline void vitkit_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

/* Bounds the work a hostile progressive file can cause (thousands of tiny scans). */
static inline void vitkit_jpeg_progress(j_common_ptr cinfo) {
    vitkit_jpeg_reader *r = (vitkit_jpeg_reader *)cinfo->client_data;
    if (cinfo->is_decompressor) {
        j_decompress_ptr d = (j_decompress_ptr)cinfo;
        if (d->input_scan_number > r->max_scans) {
            snprintf(r->message, sizeof(r->message), "more than %d progressive scans", r->max_scans);
            longjmp(r->jump, 1);
        }
    }
}

/// A reader over `size` bytes at `data` (not copied: keep them alive). NULL when out of memory.
static inline vitkit_jpeg_reader *vitkit_jpeg_new(const void *data, size_t size) {
    vitkit_jpeg_reader *r = (vitkit_jpeg_reader *)calloc(1, sizeof(vitkit_jpeg_reader));
    if (r == NULL) return NULL;
    r->max_scans = 1000;
    r->cinfo.err = jpeg_std_error(&r->err);
    r->err.error_exit = vitkit_jpeg_error_exit;
    r->err.emit_message = vitkit_jpeg_emit_message;
    r->err.output_message = vitkit_jpeg_output_message;
    r->cinfo.client_data = r;
    if (setjmp(r->jump)) {
        if (r->created) jpeg_destroy_decompress(&r->cinfo);
        free(r);
        return NULL;
    }
    jpeg_create_decompress(&r->cinfo);
    r->created = 1;
    /* Progressive files buffer every coefficient (2 bytes per sample): bound that too. */
    r->cinfo.mem->max_memory_to_use = 1L << 30;
    r->progress.progress_monitor = vitkit_jpeg_progress;
    r->cinfo.progress = &r->progress;
    jpeg_mem_src(&r->cinfo, (const unsigned char *)data, (unsigned long)size);
    return r;
}

static inline void vitkit_jpeg_free(vitkit_jpeg_reader *r) {
    if (r == NULL) return;
    if (r->created) jpeg_destroy_decompress(&r->cinfo);
    free(r);
}

static inline const char *vitkit_jpeg_message(const vitkit_jpeg_reader *r) { return r->message; }

/// Reads markers up to the first scan. 0 on success, -1 on error.
static inline int vitkit_jpeg_read_header(vitkit_jpeg_reader *r) {
    if (setjmp(r->jump)) return -1;
    jpeg_read_header(&r->cinfo, TRUE);
    r->width = r->cinfo.image_width;
    r->height = r->cinfo.image_height;
    r->components = r->cinfo.num_components;
    switch (r->components) {
    case 1: r->cinfo.out_color_space = JCS_GRAYSCALE; break;
    case 3: r->cinfo.out_color_space = JCS_RGB; break;
    case 4: r->cinfo.out_color_space = JCS_CMYK; break;
    default:
        snprintf(r->message, sizeof(r->message), "cannot handle %d-component images", r->components);
        return -1;
    }
    return 0;
}

/// Decodes every scanline into `out` (`height` rows of `width * components` bytes).
/// 0 on success, -1 on error (including when `out_size` is too small).
static inline int vitkit_jpeg_read_pixels(vitkit_jpeg_reader *r, unsigned char *out, size_t out_size) {
    if (setjmp(r->jump)) return -1;
    jpeg_start_decompress(&r->cinfo);
    size_t stride = (size_t)r->cinfo.output_width * (size_t)r->cinfo.output_components;
    if (stride == 0 || out_size / stride < (size_t)r->cinfo.output_height) {
        strcpy(r->message, "output buffer too small for the decoded image");
        return -1;
    }
    while (r->cinfo.output_scanline < r->cinfo.output_height) {
        JSAMPROW row = out + (size_t)r->cinfo.output_scanline * stride;
        if (jpeg_read_scanlines(&r->cinfo, &row, 1) != 1) {
            strcpy(r->message, "decoder stopped before the last scanline");
            return -1;
        }
    }
    return 0;
}

#endif
