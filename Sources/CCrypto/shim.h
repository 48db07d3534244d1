#ifndef SETTLE_CCRYPTO_SHIM_H
#define SETTLE_CCRYPTO_SHIM_H
#include <openssl/sha.h>

// OpenSSL 3 marks the SHA256_* calls deprecated in favour of EVP, whose context is a heap object; these
// run the same code (the CPU's SHA instructions when it has them) on a context that is a plain value,
// so a hasher copies like any Swift value.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline void settle_sha256_init(SHA256_CTX *context) { SHA256_Init(context); }
static inline void settle_sha256_update(SHA256_CTX *context, const void *bytes, size_t count) { SHA256_Update(context, bytes, count); }
static inline void settle_sha256_final(SHA256_CTX *context, unsigned char *digest) { SHA256_Final(digest, context); }
#pragma GCC diagnostic pop
#endif
