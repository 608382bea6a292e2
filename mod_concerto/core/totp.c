#include "totp.h"

#include <apr_general.h>
#include <apr_lib.h>
#include <apr_sha1.h>
#include <apr_strings.h>
#include <string.h>

#define SHA1_BLOCK 64

void cc_hmac_sha1(const unsigned char *key, apr_size_t key_len, const unsigned char *data,
                  apr_size_t data_len, unsigned char out[CC_SHA1_BYTES])
{
    unsigned char block[SHA1_BLOCK], inner[CC_SHA1_BYTES];
    apr_sha1_ctx_t ctx;
    apr_size_t i;

    memset(block, 0, sizeof(block));
    if (key_len > SHA1_BLOCK) {
        apr_sha1_init(&ctx);
        apr_sha1_update_binary(&ctx, key, (unsigned int)key_len);
        apr_sha1_final(block, &ctx);
    } else if (key_len > 0) {
        memcpy(block, key, key_len);
    }
    for (i = 0; i < SHA1_BLOCK; i++)
        block[i] ^= 0x36;
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, block, SHA1_BLOCK);
    apr_sha1_update_binary(&ctx, data, (unsigned int)data_len);
    apr_sha1_final(inner, &ctx);
    /* 0x36 ^ 0x5c turns the inner pad into the outer one. */
    for (i = 0; i < SHA1_BLOCK; i++)
        block[i] ^= 0x36 ^ 0x5c;
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, block, SHA1_BLOCK);
    apr_sha1_update_binary(&ctx, inner, CC_SHA1_BYTES);
    apr_sha1_final(out, &ctx);
}

unsigned long cc_hotp(const unsigned char *secret, apr_size_t len, apr_uint64_t counter, int digits)
{
    unsigned char msg[8], mac[CC_SHA1_BYTES];
    unsigned long binary, modulus = 1;
    int i, offset;

    for (i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(counter & 0xff);
        counter >>= 8;
    }
    cc_hmac_sha1(secret, len, msg, sizeof(msg), mac);
    /* Dynamic truncation (RFC 4226 5.3). */
    offset = mac[CC_SHA1_BYTES - 1] & 0x0f;
    binary = ((unsigned long)(mac[offset] & 0x7f) << 24) | ((unsigned long)mac[offset + 1] << 16) |
             ((unsigned long)mac[offset + 2] << 8) | (unsigned long)mac[offset + 3];
    for (i = 0; i < digits; i++)
        modulus *= 10;
    return binary % modulus;
}

apr_int64_t cc_totp_step(apr_int64_t now)
{
    return now / CC_TOTP_STEP;
}

int cc_totp_verify(const unsigned char *secret, apr_size_t len, const char *code, apr_int64_t now,
                   apr_int64_t *step)
{
    unsigned long wanted = 0;
    int digits = 0, matched = 0;
    apr_int64_t s, here = cc_totp_step(now);
    const char *p;

    if (code == NULL)
        return 0;
    for (p = code; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '-')
            continue;
        if (!apr_isdigit(*p) || ++digits > CC_TOTP_DIGITS)
            return 0;
        wanted = wanted * 10 + (unsigned long)(*p - '0');
    }
    if (digits != CC_TOTP_DIGITS)
        return 0;
    /* Every candidate is computed, so timing does not tell which matched. */
    for (s = here - CC_TOTP_WINDOW; s <= here + CC_TOTP_WINDOW; s++)
        if (s >= 0 && cc_hotp(secret, len, (apr_uint64_t)s, CC_TOTP_DIGITS) == wanted && !matched) {
            matched = 1;
            *step = s;
        }
    return matched;
}

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

char *cc_base32_encode(apr_pool_t *pool, const unsigned char *data, apr_size_t len)
{
    char *out = apr_palloc(pool, (len * 8 + 4) / 5 + 1);
    apr_size_t i, o = 0;
    unsigned long acc = 0;
    int bits = 0;

    for (i = 0; i < len; i++) {
        acc = ((acc << 8) | data[i]) & 0xffff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = base32_alphabet[(acc >> bits) & 31];
        }
    }
    if (bits > 0)
        out[o++] = base32_alphabet[(acc << (5 - bits)) & 31];
    out[o] = '\0';
    return out;
}

apr_status_t cc_base32_decode(apr_pool_t *pool, const char *text, unsigned char **out,
                              apr_size_t *out_len)
{
    unsigned char *buf = apr_palloc(pool, strlen(text) * 5 / 8 + 1);
    apr_size_t o = 0;
    unsigned long acc = 0;
    int bits = 0;
    const char *p;

    for (p = text; *p; p++) {
        const char *at;
        if (*p == ' ' || *p == '=' || *p == '-')
            continue;
        at = strchr(base32_alphabet, apr_toupper(*p));
        if (at == NULL || *at == '\0')
            return APR_EINVAL;
        acc = ((acc << 5) | (unsigned long)(at - base32_alphabet)) & 0xffff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (unsigned char)(acc >> bits);
        }
    }
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return APR_SUCCESS;
}

apr_status_t cc_totp_new_secret(apr_pool_t *pool, const char **base32)
{
    unsigned char secret[CC_TOTP_SECRET_BYTES];
    apr_status_t rv = apr_generate_random_bytes(secret, sizeof(secret));

    if (rv == APR_SUCCESS)
        *base32 = cc_base32_encode(pool, secret, sizeof(secret));
    return rv;
}

/* Percent-encoding of everything but unreserved characters (RFC 3986). */
static const char *uri_escape(apr_pool_t *pool, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(pool, strlen(text) * 3 + 1), *o = out;
    const unsigned char *p;

    for (p = (const unsigned char *)text; *p; p++) {
        if (apr_isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

const char *cc_totp_uri(apr_pool_t *pool, const char *issuer, const char *account,
                        const char *base32)
{
    return apr_psprintf(pool,
                        "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&"
                        "period=%d",
                        uri_escape(pool, issuer), uri_escape(pool, account), base32,
                        uri_escape(pool, issuer), CC_TOTP_DIGITS, CC_TOTP_STEP);
}
