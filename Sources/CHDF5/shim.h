#ifndef VITKIT_CHDF5_SHIM_H
#define VITKIT_CHDF5_SHIM_H
#include <hdf5.h>
#include <string.h>
#include <stdint.h>
#include <stdlib.h>

// Macros and versioned aliases Swift cannot import become static inline functions here,
// all prefixed `chdf5_`. The `H5T_*_g` globals behind the type macros are only valid after
// H5open(), which the Swift wrapper calls once before anything else.

// H5dont_atexit() first: libhdf5 1.10 frees a file whose H5Fclose failed (a flush hitting a
// full disk) but keeps its identifier, and its atexit handler then closes that freed file again
// and crashes (CVE-2020-10812, HDFGroup/hdf5#2257, fixed in 1.14.1). vitkit closes every file it
// opens itself; at exit the kernel releases the rest.
static inline int chdf5_open(void) {
    H5dont_atexit();
    return (int)H5open();
}

// Property lists, dataspaces, error stacks.
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
static inline hid_t chdf5_p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t chdf5_p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t chdf5_p_link_create(void) { return H5P_LINK_CREATE; }

// File access flags.
static inline unsigned chdf5_f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned chdf5_f_acc_rdwr(void) { return H5F_ACC_RDWR; }

// Little-endian standard types (what h5py writes on little-endian machines).
static inline hid_t chdf5_t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t chdf5_t_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t chdf5_t_std_i16le(void) { return H5T_STD_I16LE; }
static inline hid_t chdf5_t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t chdf5_t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t chdf5_t_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t chdf5_t_std_u16le(void) { return H5T_STD_U16LE; }
static inline hid_t chdf5_t_std_u32le(void) { return H5T_STD_U32LE; }
static inline hid_t chdf5_t_std_u64le(void) { return H5T_STD_U64LE; }
static inline hid_t chdf5_t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_t_c_s1(void) { return H5T_C_S1; }
static inline size_t chdf5_t_variable(void) { return H5T_VARIABLE; }

// Link type of `name` in `loc` (H5L_TYPE_HARD, _SOFT, _EXTERNAL, ...); negative on failure.
// H5Lget_info became H5Lget_info2 with a different info struct in 1.12.
static inline int chdf5_link_type(hid_t loc, const char *name) {
#if H5_VERSION_GE(1, 12, 0)
    H5L_info2_t info;
    if (H5Lget_info2(loc, name, &info, H5P_DEFAULT) < 0) return -1;
#else
    H5L_info_t info;
    if (H5Lget_info(loc, name, &info, H5P_DEFAULT) < 0) return -1;
#endif
    return (int)info.type;
}

// The file address (relative to the base address) of the object header a hard link `name`
// in `loc` points to, read from the link itself so that the object need not be opened (vitkit
// checks the header before libhdf5 decodes it). 1.12 replaced the address with a VOL token,
// which the native VOL converts back. Returns -1 on failure, -2 when the link is not hard.
static inline int chdf5_link_address(hid_t loc, const char *name, uint64_t *address) {
#if H5_VERSION_GE(1, 12, 0)
    H5L_info2_t info;
    haddr_t addr = HADDR_UNDEF;
    if (H5Lget_info2(loc, name, &info, H5P_DEFAULT) < 0) return -1;
    if (info.type != H5L_TYPE_HARD) return -2;
    if (H5VLnative_token_to_addr(loc, info.u.token, &addr) < 0) return -1;
    *address = (uint64_t)addr;
#else
    H5L_info_t info;
    if (H5Lget_info(loc, name, &info, H5P_DEFAULT) < 0) return -1;
    if (info.type != H5L_TYPE_HARD) return -2;
    *address = (uint64_t)info.u.address;
#endif
    return 0;
}

// A 64-bit key identifying an open object within its file (the object header address in
// the native format), used to detect hard-link cycles. Returns negative on failure.
static inline int chdf5_object_key(hid_t obj, uint64_t *key) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info3(obj, &info, H5O_INFO_BASIC) < 0) return -1;
    uint64_t k = 0;
    memcpy(&k, &info.token, sizeof(k) < sizeof(info.token) ? sizeof(k) : sizeof(info.token));
    *key = k;
#else
    H5O_info_t info;
    if (H5Oget_info2(obj, &info, H5O_INFO_BASIC) < 0) return -1;
    *key = (uint64_t)info.addr;
#endif
    return 0;
}

// The file address of an open object's header (relative to the file's base address, as in
// the file format), for vitkit's own reading of that header. 1.12 replaced the address with
// a VOL token, which the native VOL converts back. Returns negative on failure.
static inline int chdf5_object_address(hid_t obj, uint64_t *address) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    haddr_t addr = HADDR_UNDEF;
    if (H5Oget_info3(obj, &info, H5O_INFO_BASIC) < 0) return -1;
    if (H5VLnative_token_to_addr(obj, info.token, &addr) < 0) return -1;
    *address = (uint64_t)addr;
#else
    H5O_info_t info;
    if (H5Oget_info2(obj, &info, H5O_INFO_BASIC) < 0) return -1;
    *address = (uint64_t)info.addr;
#endif
    return 0;
}

// Number of attributes on an open object; negative on failure.
static inline long long chdf5_attribute_count(hid_t obj) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info3(obj, &info, H5O_INFO_NUM_ATTRS) < 0) return -1;
#else
    H5O_info_t info;
    if (H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) < 0) return -1;
#endif
    return (long long)info.num_attrs;
}

// Turns off file locking on a file access property list where the library supports it
// (1.10.7+, 1.12.1+); readers never need it, and it fails on some network file systems.
static inline void chdf5_disable_file_locking(hid_t fapl) {
#if (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10 && H5_VERS_RELEASE >= 7) || H5_VERSION_GE(1, 12, 1)
    H5Pset_file_locking(fapl, 0, 1);
#else
    (void)fapl;
#endif
}

// The links of a group in name order, collected in one pass (H5Literate became H5Literate2
// with a different info struct in 1.12). `data` holds, per link, one byte of H5L_type_t
// followed by the NUL-terminated name; free it with free(). Collection stops (and
// `truncated` is set) after `max` links.
typedef struct { char *data; size_t used; size_t capacity; size_t count; size_t max; int truncated; } chdf5_links;

static inline herr_t chdf5_links_append(chdf5_links *out, int type, const char *name) {
    if (out->count >= out->max) { out->truncated = 1; return 1; }
    size_t n = strlen(name) + 2;
    if (out->used + n > out->capacity) {
        size_t cap = out->capacity ? out->capacity * 2 : 4096;
        while (cap < out->used + n) cap *= 2;
        char *p = (char *)realloc(out->data, cap);
        if (p == NULL) return -1;
        out->data = p;
        out->capacity = cap;
    }
    out->data[out->used] = (char)type;
    memcpy(out->data + out->used + 1, name, n - 1);
    out->used += n;
    out->count += 1;
    return 0;
}

#if H5_VERSION_GE(1, 12, 0)
static inline herr_t chdf5_links_cb(hid_t g, const char *name, const H5L_info2_t *info, void *op) {
#else
static inline herr_t chdf5_links_cb(hid_t g, const char *name, const H5L_info_t *info, void *op) {
#endif
    (void)g;
    return chdf5_links_append((chdf5_links *)op, (int)info->type, name);
}

static inline int chdf5_list_links(hid_t group, chdf5_links *out) {
#if H5_VERSION_GE(1, 12, 0)
    herr_t status = H5Literate2(group, H5_INDEX_NAME, H5_ITER_INC, NULL, chdf5_links_cb, out);
#else
    herr_t status = H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, NULL, chdf5_links_cb, out);
#endif
    return status < 0 ? -1 : 0;
}

// The attribute names of `obj` in the name index's native order, collected like links (the
// type byte is 0). Only for attributes in dense storage: there H5_ITER_NATIVE walks the name
// B-tree directly. For compact attributes every H5Aiterate builds libhdf5 1.10's attribute
// table, which frees uninitialised entries when a message fails to decode.
static inline herr_t chdf5_attribute_names_cb(hid_t obj, const char *name, const H5A_info_t *info, void *op) {
    (void)obj; (void)info;
    return chdf5_links_append((chdf5_links *)op, 0, name);
}

static inline int chdf5_dense_attribute_names(hid_t obj, chdf5_links *out) {
    hsize_t index = 0;
    return H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_NATIVE, &index, chdf5_attribute_names_cb, out) < 0 ? -1 : 0;
}

// Frees the variable-length data libhdf5 allocated while reading into `buf`.
static inline herr_t chdf5_reclaim(hid_t type, hid_t space, void *buf) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
    return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

// 1 if `path` is an HDF5 file, 0 if not, negative on failure (H5Fis_hdf5 is deprecated in 1.12).
static inline int chdf5_is_hdf5(const char *path) {
#if H5_VERSION_GE(1, 12, 0)
    return (int)H5Fis_accessible(path, H5P_DEFAULT);
#else
    return (int)H5Fis_hdf5(path);
#endif
}

// The most specific message on the current thread's error stack, copied into `buf`.
typedef struct { char *buf; size_t size; int count; } chdf5_error_text;

static inline herr_t chdf5_error_walker(unsigned n, const H5E_error2_t *err, void *data) {
    chdf5_error_text *t = (chdf5_error_text *)data;
    if (err == NULL || err->desc == NULL || err->desc[0] == 0) return 0;
    size_t used = strlen(t->buf);
    if (t->count >= 3 || used + 3 >= t->size) return 0;
    if (t->count > 0) { strncat(t->buf, "; ", t->size - used - 1); used += 2; }
    strncat(t->buf, err->desc, t->size - used - 1);
    t->count += 1;
    return 0;
}

// Writes up to three messages, innermost first, into `buf` and clears the stack.
static inline void chdf5_take_error_text(char *buf, size_t size) {
    if (size == 0) return;
    buf[0] = 0;
    chdf5_error_text t = { buf, size, 0 };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, chdf5_error_walker, &t);
    H5Eclear2(H5E_DEFAULT);
}

// Silences the automatic error printing for the calling thread (the error stack and its
// auto-print setting are per thread in thread-safe builds).
static inline void chdf5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/// HADDR_UNDEF: the address of storage never allocated.
static inline haddr_t chdf5_haddr_undef(void) { return HADDR_UNDEF; }

#endif
