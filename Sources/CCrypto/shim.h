#ifndef SETTLE_CCRYPTO_SHIM_H
#define SETTLE_CCRYPTO_SHIM_H
#include <openssl/sha.h>
#include <openssl/evp.h>

// OpenSSL 3 marks the SHA256_* calls deprecated in favour of EVP, whose context is a heap object; these
// run the same code (the CPU's SHA instructions when it has them) on a context that is a plain value,
// so a hasher copies like any Swift value.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline void settle_sha256_init(SHA256_CTX *context) { SHA256_Init(context); }
static inline void settle_sha256_update(SHA256_CTX *context, const void *bytes, size_t count) { SHA256_Update(context, bytes, count); }
static inline void settle_sha256_final(SHA256_CTX *context, unsigned char *digest) { SHA256_Final(digest, context); }
#pragma GCC diagnostic pop

// AES-256-GCM in one call each way (EVP; the context lives only inside the call). `sealed` receives the ciphertext
// (as long as the plaintext) then the 16-byte tag; open returns 1 when the tag is right, 0 when it is not.
static inline int settle_aes256gcm_seal(const unsigned char *key, const unsigned char *nonce,
                                        const unsigned char *aad, int aadLength,
                                        const unsigned char *plain, int plainLength, unsigned char *sealed) {
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    if (!context) return 0;
    int ok = EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), NULL, NULL, NULL)
        && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, 12, NULL)
        && EVP_EncryptInit_ex(context, NULL, NULL, key, nonce);
    int length = 0;
    if (ok && aadLength > 0) ok = EVP_EncryptUpdate(context, NULL, &length, aad, aadLength);
    if (ok && plainLength > 0) ok = EVP_EncryptUpdate(context, sealed, &length, plain, plainLength);
    if (ok) ok = EVP_EncryptFinal_ex(context, sealed + plainLength, &length);
    if (ok) ok = EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, sealed + plainLength);
    EVP_CIPHER_CTX_free(context);
    return ok;
}

static inline int settle_aes256gcm_open(const unsigned char *key, const unsigned char *nonce,
                                        const unsigned char *aad, int aadLength,
                                        const unsigned char *sealed, int sealedLength, unsigned char *plain) {
    if (sealedLength < 16) return 0;
    int plainLength = sealedLength - 16;
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    if (!context) return 0;
    int ok = EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), NULL, NULL, NULL)
        && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, 12, NULL)
        && EVP_DecryptInit_ex(context, NULL, NULL, key, nonce);
    int length = 0;
    if (ok && aadLength > 0) ok = EVP_DecryptUpdate(context, NULL, &length, aad, aadLength);
    if (ok && plainLength > 0) ok = EVP_DecryptUpdate(context, plain, &length, sealed, plainLength);
    if (ok) ok = EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, (void *)(sealed + plainLength));
    if (ok) ok = EVP_DecryptFinal_ex(context, plain + plainLength, &length) > 0;
    EVP_CIPHER_CTX_free(context);
    return ok;
}
#endif
