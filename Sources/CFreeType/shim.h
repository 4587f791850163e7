#ifndef VITKIT_CFREETYPE_SHIM_H
#define VITKIT_CFREETYPE_SHIM_H
#include <ft2build.h>
#include FT_FREETYPE_H

/*
 * FreeType's load flags are macros Swift does not import, and its face and glyph records
 * are deep C structs: these helpers render one glyph and return what a caller needs.
 * Sizes are in pixels; FreeType's 26.6 fixed-point values are rounded here.
 */

/// One rendered glyph: an 8-bit coverage bitmap (`rows` x `width`, `pitch` bytes per row)
/// placed `left` pixels right of the pen and `top` pixels above the baseline; `advance`
/// moves the pen (26.6 fixed point).
typedef struct vitkit_ft_glyph {
    int width;
    int rows;
    int pitch;
    int left;
    int top;
    long advance;
    const unsigned char *buffer;
} vitkit_ft_glyph;

/// Renders `codepoint` at the face's current size (hinted, anti-aliased). FreeType's error
/// code (0 on success). The bitmap stays valid until the next glyph is loaded.
static inline int vitkit_ft_render(FT_Face face, unsigned long codepoint, vitkit_ft_glyph *out) {
    FT_UInt index = FT_Get_Char_Index(face, codepoint);
    FT_Error error = FT_Load_Glyph(face, index, FT_LOAD_RENDER | FT_LOAD_TARGET_NORMAL);
    if (error != 0) return error;
    FT_GlyphSlot slot = face->glyph;
    if (slot->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY && slot->bitmap.rows > 0) return FT_Err_Invalid_Pixel_Size;
    out->width = (int)slot->bitmap.width;
    out->rows = (int)slot->bitmap.rows;
    out->pitch = slot->bitmap.pitch;
    out->left = slot->bitmap_left;
    out->top = slot->bitmap_top;
    out->advance = slot->advance.x;
    out->buffer = slot->bitmap.buffer;
    return 0;
}

/// Whether the face has a glyph for `codepoint`.
static inline int vitkit_ft_has_glyph(FT_Face face, unsigned long codepoint) {
    return FT_Get_Char_Index(face, codepoint) != 0;
}

/// Horizontal kerning between two characters at the current size (26.6), 0 without kerning.
static inline long vitkit_ft_kerning(FT_Face face, unsigned long left, unsigned long right) {
    if (!FT_HAS_KERNING(face)) return 0;
    FT_Vector delta = {0, 0};
    if (FT_Get_Kerning(face, FT_Get_Char_Index(face, left), FT_Get_Char_Index(face, right), FT_KERNING_DEFAULT, &delta) != 0) {
        return 0;
    }
    return delta.x;
}

/// Line metrics at the current size, in whole pixels: ascender (above the baseline) and
/// descender (below it, positive).
static inline void vitkit_ft_line_metrics(FT_Face face, int *ascender, int *descender) {
    *ascender = (int)((face->size->metrics.ascender + 63) >> 6);
    *descender = (int)((-face->size->metrics.descender + 63) >> 6);
}

/// Whether the face is scalable (an outline font, not a bitmap-only one).
static inline int vitkit_ft_is_scalable(FT_Face face) { return FT_IS_SCALABLE(face) ? 1 : 0; }

#endif
