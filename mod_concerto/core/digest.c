#include "digest.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

const char *cc_sha256_hex(apr_pool_t *pool, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    const apr_size_t len = SHA256_DIGEST_LENGTH;
    unsigned char md[SHA256_DIGEST_LENGTH];
    char *out = apr_palloc(pool, 2 * len + 1);
    apr_size_t i;

    SHA256((const unsigned char *)text, strlen(text), md);
    for (i = 0; i < len; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * len] = '\0';
    return out;
}

int cc_secret_equals(const char *a, const char *b)
{
    size_t len;

    if (a == NULL || b == NULL)
        return 0;
    len = strlen(a);
    if (len != strlen(b))
        return 0;
    return CRYPTO_memcmp(a, b, len) == 0;
}
