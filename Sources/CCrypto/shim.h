#ifndef VITKIT_CCRYPTO_SHIM_H
#define VITKIT_CCRYPTO_SHIM_H
// OpenSSL's libcrypto, for SHA-256 only (it uses the CPU's SHA extensions where present).
#include <openssl/evp.h>

/// A SHA-256 context, or NULL when libcrypto cannot make one.
static inline EVP_MD_CTX *ccrypto_sha256_new(void) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) { EVP_MD_CTX_free(ctx); return NULL; }
    return ctx;
}
#endif
