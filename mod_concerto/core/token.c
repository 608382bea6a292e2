#include "token.h"

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

/* Fixed part of the payload: version, flags, issued-at, lifetime. */
#define FIXED_BYTES (1 + 1 + 8 + 4)
#define PAYLOAD_MAX (FIXED_BYTES + 1 + CC_TOKEN_HASH_MAX + 1 + CC_TOKEN_PURPOSE_MAX)
#define B64_LEN(n) (((n)*4 + 2) / 3)
#define MAC_TEXT_LEN B64_LEN(CC_TOKEN_MAC_BYTES)
/* 9999-12-31T23:59:59Z: keeps every time far from apr_time_t's limits. */
#define MAX_SECONDS 253402300799LL
#define HEX_MIN ((apr_size_t)2 * CC_TOKEN_SECRET_MIN_BYTES)
#define HEX_MAX ((apr_size_t)2 * CC_TOKEN_SECRET_MAX_BYTES)

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

apr_status_t cc_hmac_sha256(const void *key, apr_size_t key_len, const void *data,
                            apr_size_t data_len, unsigned char out[CC_TOKEN_MAC_BYTES])
{
    static const unsigned char empty = 0;
    unsigned int out_len = 0;

    if (key_len > 0x7fffffff)
        return APR_EINVAL;
    /* libcrypto wants non-NULL pointers even for empty input. */
    if (HMAC(EVP_sha256(), key_len ? key : &empty, (int)key_len,
             data_len ? data : (const void *)&empty, data_len, out, &out_len) == NULL ||
        out_len != CC_TOKEN_MAC_BYTES)
        return APR_EGENERAL;
    return APR_SUCCESS;
}

/* Encodes into out (room for B64_LEN(len) + 1); returns the text's length. */
static apr_size_t b64_encode_into(char *out, const unsigned char *in, apr_size_t len)
{
    apr_size_t i, o = 0;

    for (i = 0; i + 2 < len; i += 3) {
        unsigned long v =
            ((unsigned long)in[i] << 16) | ((unsigned long)in[i + 1] << 8) | in[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = b64_alphabet[v & 63];
    }
    if (len - i == 1) {
        out[o++] = b64_alphabet[in[i] >> 2];
        out[o++] = b64_alphabet[(in[i] & 3) << 4];
    } else if (len - i == 2) {
        unsigned long v = ((unsigned long)in[i] << 8) | in[i + 1];
        out[o++] = b64_alphabet[(v >> 10) & 63];
        out[o++] = b64_alphabet[(v >> 4) & 63];
        out[o++] = b64_alphabet[(v << 2) & 63];
    }
    out[o] = '\0';
    return o;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Strict decoding into out (capacity cap); 0 on success. */
static int b64_decode_into(unsigned char *out, apr_size_t cap, const char *text, apr_size_t len,
                           apr_size_t *out_len)
{
    apr_size_t i, o = 0, need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
    unsigned long acc = 0;
    int bits = 0;

    if (len % 4 == 1 || need > cap)
        return -1;
    for (i = 0; i < len; i++) {
        int v = b64_value((unsigned char)text[i]);
        if (v < 0)
            return -1;
        acc = ((acc << 6) | (unsigned long)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    /* The bits left over must be zero, or two texts would mean one string. */
    if (bits > 0 && (acc & ((1UL << bits) - 1)) != 0)
        return -1;
    *out_len = o;
    return 0;
}

char *cc_base64url_encode(apr_pool_t *pool, const unsigned char *data, apr_size_t len)
{
    char *out = apr_palloc(pool, B64_LEN(len) + 1);

    b64_encode_into(out, data, len);
    return out;
}

apr_status_t cc_base64url_decode(apr_pool_t *pool, const char *text, apr_size_t len,
                                 unsigned char **out, apr_size_t *out_len)
{
    apr_size_t cap = len / 4 * 3 + 3;
    unsigned char *buf = apr_palloc(pool, cap + 1);
    apr_size_t n = 0;

    if (b64_decode_into(buf, cap, text, len, &n) != 0)
        return APR_EINVAL;
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return APR_SUCCESS;
}

apr_status_t cc_token_key_derive(const unsigned char *secret, apr_size_t len, cc_token_key *key,
                                 const char **errmsg)
{
    static const char label[] = CC_TOKEN_KEY_LABEL;

    memset(key, 0, sizeof(*key));
    if (secret == NULL || len < CC_TOKEN_SECRET_MIN_BYTES || len > CC_TOKEN_SECRET_MAX_BYTES) {
        *errmsg = "the signing secret must be 16 to 64 bytes long";
        return APR_EINVAL;
    }
    if (cc_hmac_sha256(secret, len, label, sizeof(label) - 1, key->bytes) != APR_SUCCESS) {
        OPENSSL_cleanse(key->bytes, sizeof(key->bytes));
        *errmsg = "libcrypto could not compute HMAC-SHA256";
        return APR_EGENERAL;
    }
    key->ready = 1;
    return APR_SUCCESS;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

apr_status_t cc_token_key_from_hex(const char *hex, cc_token_key *key, const char **errmsg)
{
    unsigned char secret[CC_TOKEN_SECRET_MAX_BYTES];
    apr_size_t len, i;
    apr_status_t rv;

    memset(key, 0, sizeof(*key));
    len = hex ? strnlen(hex, HEX_MAX + 1) : 0;
    if (len % 2 != 0 || len < HEX_MIN || len > HEX_MAX) {
        *errmsg = "the signing secret must be 32 to 128 hex digits";
        return APR_EINVAL;
    }
    for (i = 0; i < len / 2; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(secret, sizeof(secret));
            *errmsg = "the signing secret must be 32 to 128 hex digits";
            return APR_EINVAL;
        }
        secret[i] = (unsigned char)(hi << 4 | lo);
    }
    rv = cc_token_key_derive(secret, len / 2, key, errmsg);
    OPENSSL_cleanse(secret, sizeof(secret));
    return rv;
}

/* 1 when s (length len) uses only [A-Za-z0-9._~-]. */
static int safe_chars(const char *s, apr_size_t len)
{
    apr_size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '~' || c == '-'))
            return 0;
    }
    return 1;
}

apr_status_t cc_token_sign(apr_pool_t *pool, const cc_token_key *key, const cc_token_claims *claims,
                           const char **token, const char **errmsg)
{
    unsigned char payload[PAYLOAD_MAX], mac[CC_TOKEN_MAC_BYTES];
    const char *purpose = claims->purpose ? claims->purpose : "";
    apr_size_t hash_len, purpose_len, n = 0, text_len;
    apr_int64_t issued, lifetime;
    char *text;
    int i;

    *token = NULL;
    if (key == NULL || !key->ready) {
        *errmsg = "no signing key";
        return APR_EINVAL;
    }
    hash_len = claims->session_hash ? strnlen(claims->session_hash, CC_TOKEN_HASH_MAX + 1) : 0;
    if (hash_len == 0 || hash_len > CC_TOKEN_HASH_MAX ||
        !safe_chars(claims->session_hash, hash_len)) {
        *errmsg = "the session hash must be 1 to 64 characters from A-Z a-z 0-9 . _ ~ -";
        return APR_EINVAL;
    }
    purpose_len = strnlen(purpose, CC_TOKEN_PURPOSE_MAX + 1);
    if (purpose_len > CC_TOKEN_PURPOSE_MAX || !safe_chars(purpose, purpose_len)) {
        *errmsg = "the purpose must be 0 to 64 characters from A-Z a-z 0-9 . _ ~ -";
        return APR_EINVAL;
    }
    if (claims->flags & ~(unsigned)CC_TOKEN_KNOWN_FLAGS) {
        *errmsg = "unknown token flags";
        return APR_EINVAL;
    }
    if (claims->issued_at < 0 || apr_time_sec(claims->issued_at) > MAX_SECONDS) {
        *errmsg = "the issue time must be between 1970 and 9999";
        return APR_EINVAL;
    }
    issued = apr_time_sec(claims->issued_at);
    lifetime = apr_time_sec(claims->expires_at) - issued;
    if (lifetime < 1 || lifetime > 0xffffffffLL) {
        *errmsg = "the lifetime must be 1 to 4294967295 seconds";
        return APR_EINVAL;
    }

    payload[n++] = CC_TOKEN_VERSION;
    payload[n++] = (unsigned char)claims->flags;
    for (i = 7; i >= 0; i--)
        payload[n++] = (unsigned char)((apr_uint64_t)issued >> (8 * i));
    for (i = 3; i >= 0; i--)
        payload[n++] = (unsigned char)((apr_uint64_t)lifetime >> (8 * i));
    payload[n++] = (unsigned char)hash_len;
    memcpy(payload + n, claims->session_hash, hash_len);
    n += hash_len;
    payload[n++] = (unsigned char)purpose_len;
    memcpy(payload + n, purpose, purpose_len);
    n += purpose_len;

    text = apr_palloc(pool, B64_LEN(n) + 1 + MAC_TEXT_LEN + 1);
    text_len = b64_encode_into(text, payload, n);
    if (cc_hmac_sha256(key->bytes, sizeof(key->bytes), text, text_len, mac) != APR_SUCCESS) {
        *errmsg = "libcrypto could not compute HMAC-SHA256";
        return APR_EGENERAL;
    }
    text[text_len] = '.';
    b64_encode_into(text + text_len + 1, mac, sizeof(mac));
    *token = text;
    return APR_SUCCESS;
}

static cc_token_result fail(cc_token_check *check, cc_token_result result, const char *message)
{
    check->result = result;
    check->message = message;
    return result;
}

/* "3 h 5 min 2 s" (whole seconds, at least "0 s"). */
static const char *duration_text(apr_pool_t *pool, apr_interval_time_t t)
{
    apr_int64_t s = apr_time_sec(t), h = s / 3600, m = s % 3600 / 60;

    s %= 60;
    if (h > 0)
        return apr_psprintf(
            pool, "%" APR_INT64_T_FMT " h %" APR_INT64_T_FMT " min %" APR_INT64_T_FMT " s", h, m,
            s);
    if (m > 0)
        return apr_psprintf(pool, "%" APR_INT64_T_FMT " min %" APR_INT64_T_FMT " s", m, s);
    return apr_psprintf(pool, "%" APR_INT64_T_FMT " s", s);
}

cc_token_result cc_token_verify(apr_pool_t *pool, const cc_token_key *key, const char *token,
                                const char *session_hash, const char *purpose, apr_time_t now,
                                cc_token_check *check)
{
    unsigned char payload[PAYLOAD_MAX + 3], mac[CC_TOKEN_MAC_BYTES + 3];
    unsigned char expected[CC_TOKEN_MAC_BYTES];
    apr_size_t len, dot, payload_len = 0, mac_len = 0, p, hash_len, purpose_len;
    const char *sep;
    apr_uint64_t issued = 0, lifetime = 0;
    apr_time_t issued_at, expires_at;
    int i;

    memset(check, 0, sizeof(*check));
    if (key == NULL || !key->ready)
        return fail(check, CC_TOKEN_BAD_SIGNATURE, "no signing key to check the token with");
    len = token ? strnlen(token, CC_TOKEN_MAX_LEN + 1) : 0;
    if (len == 0)
        return fail(check, CC_TOKEN_MALFORMED, "no token");
    if (len > CC_TOKEN_MAX_LEN)
        return fail(check, CC_TOKEN_MALFORMED, "the token is too long");
    sep = memchr(token, '.', len);
    if (sep == NULL)
        return fail(check, CC_TOKEN_MALFORMED, "the token has no '.'");
    dot = (apr_size_t)(sep - token);
    if (dot == 0 || len - dot - 1 != MAC_TEXT_LEN ||
        b64_decode_into(mac, sizeof(mac), sep + 1, MAC_TEXT_LEN, &mac_len) != 0 ||
        mac_len != CC_TOKEN_MAC_BYTES ||
        b64_decode_into(payload, sizeof(payload), token, dot, &payload_len) != 0)
        return fail(check, CC_TOKEN_MALFORMED, "the token is not two base64url parts of our sizes");

    if (cc_hmac_sha256(key->bytes, sizeof(key->bytes), token, dot, expected) != APR_SUCCESS)
        return fail(check, CC_TOKEN_BAD_SIGNATURE, "libcrypto could not compute HMAC-SHA256");
    if (CRYPTO_memcmp(expected, mac, sizeof(expected)) != 0)
        return fail(check, CC_TOKEN_BAD_SIGNATURE,
                    "the token's signature does not match (altered, or signed with another "
                    "secret)");

    /* Signed by us: what follows only guards against our own bugs and
     * tokens of a future version. */
    if (payload_len < FIXED_BYTES + 2 || payload[0] != CC_TOKEN_VERSION)
        return fail(check, CC_TOKEN_MALFORMED, "the token is of an unknown version, or cut short");
    for (i = 2; i < 10; i++)
        issued = issued << 8 | payload[i];
    for (i = 10; i < 14; i++)
        lifetime = lifetime << 8 | payload[i];
    p = FIXED_BYTES;
    hash_len = payload[p++];
    if (hash_len == 0 || hash_len > CC_TOKEN_HASH_MAX || p + hash_len + 1 > payload_len)
        return fail(check, CC_TOKEN_MALFORMED, "the token's session hash is malformed");
    purpose_len = payload[p + hash_len];
    if (purpose_len > CC_TOKEN_PURPOSE_MAX || p + hash_len + 1 + purpose_len != payload_len ||
        issued > (apr_uint64_t)MAX_SECONDS || lifetime == 0 ||
        (payload[1] & ~CC_TOKEN_KNOWN_FLAGS) != 0)
        return fail(check, CC_TOKEN_MALFORMED, "the token's claims are malformed");

    issued_at = apr_time_from_sec((apr_time_t)issued);
    expires_at = apr_time_from_sec((apr_time_t)(issued + lifetime));
    check->claims.flags = payload[1];
    check->claims.issued_at = issued_at;
    check->claims.expires_at = expires_at;
    check->claims.session_hash = apr_pstrmemdup(pool, (const char *)payload + p, hash_len);
    check->claims.purpose =
        apr_pstrmemdup(pool, (const char *)payload + p + hash_len + 1, purpose_len);

    if (session_hash == NULL || strcmp(session_hash, check->claims.session_hash) != 0)
        return fail(check, CC_TOKEN_WRONG_SESSION, "the token belongs to another session");
    if (purpose == NULL)
        purpose = "";
    if (strcmp(purpose, check->claims.purpose) != 0)
        return fail(check, CC_TOKEN_WRONG_PURPOSE,
                    apr_psprintf(pool, "the token is for %s%s%s, not for %s%s%s",
                                 *check->claims.purpose ? "\"" : "",
                                 *check->claims.purpose ? check->claims.purpose : "no purpose",
                                 *check->claims.purpose ? "\"" : "", *purpose ? "\"" : "",
                                 *purpose ? purpose : "no purpose", *purpose ? "\"" : ""));
    if (now > expires_at + CC_TOKEN_CLOCK_SKEW) {
        check->off_by = now - expires_at;
        return fail(check, CC_TOKEN_EXPIRED,
                    apr_pstrcat(pool, "the token expired ", duration_text(pool, check->off_by),
                                " ago", NULL));
    }
    if (issued_at > now + CC_TOKEN_CLOCK_SKEW) {
        check->off_by = issued_at - now;
        return fail(check, CC_TOKEN_NOT_YET_VALID,
                    apr_pstrcat(pool, "the token was issued ", duration_text(pool, check->off_by),
                                " in the future (do the servers' clocks agree?)", NULL));
    }
    return fail(check, CC_TOKEN_VALID, "token valid");
}

const char *cc_token_result_name(cc_token_result result)
{
    switch (result) {
    case CC_TOKEN_VALID:
        return "valid";
    case CC_TOKEN_MALFORMED:
        return "malformed";
    case CC_TOKEN_BAD_SIGNATURE:
        return "bad signature";
    case CC_TOKEN_WRONG_SESSION:
        return "wrong session";
    case CC_TOKEN_WRONG_PURPOSE:
        return "wrong purpose";
    case CC_TOKEN_EXPIRED:
        return "expired";
    case CC_TOKEN_NOT_YET_VALID:
        return "not yet valid";
    }
    return "unknown";
}
