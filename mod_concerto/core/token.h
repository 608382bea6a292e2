/* Session tokens: signed, expiring, bound to one test session.
 *
 * A token is  base64url(payload) "." base64url(mac)  without padding, where
 * mac = HMAC-SHA256(key, the payload's base64url text) and key is derived
 * from the secret `concertoctl setup` stores (store/secret.h):
 * key = HMAC-SHA256(secret bytes, "concerto token v1"), so the raw secret
 * signs nothing itself. The payload (version 1, integers big-endian):
 *
 *   version (1 byte) | flags (1) | issued-at, Unix seconds (8) |
 *   lifetime, seconds (4) | hash length (1) | hash | purpose length (1) | purpose
 *
 * Verification is strict: one encoding per token (canonical base64url), the
 * MAC is compared in constant time before the payload is read, and any
 * change to any byte of a token makes it fail. Crypto is OpenSSL's libcrypto;
 * nothing here writes its own. Times are apr_time_t (microseconds) passed in
 * by the caller; tokens carry whole seconds. */
#ifndef CC_TOKEN_H
#define CC_TOKEN_H

#include <apr_pools.h>
#include <apr_time.h>

#define CC_TOKEN_VERSION 1
/* The key's domain label: change it (and the version) to retire every token. */
#define CC_TOKEN_KEY_LABEL "concerto token v1"
#define CC_TOKEN_KEY_BYTES 32
#define CC_TOKEN_MAC_BYTES 32
/* The stored secret: hex, 16 to 64 bytes (setup makes 32). */
#define CC_TOKEN_SECRET_MIN_BYTES 16
#define CC_TOKEN_SECRET_MAX_BYTES 64
/* A session hash: 1 to 64 characters (the width of test_session.hash), a
 * purpose 0 to 64, both from [A-Za-z0-9._~-]. */
#define CC_TOKEN_HASH_MAX 64
#define CC_TOKEN_PURPOSE_MAX 64
/* No token is longer; longer input is refused before it is decoded. */
#define CC_TOKEN_MAX_LEN 256
/* Clock skew allowed between the server that signed and the one that
 * verifies: a token is still accepted up to this long after it expired, and
 * one issued up to this long "in the future" is accepted too. */
#define CC_TOKEN_CLOCK_SKEW apr_time_from_sec(60)
/* Concerto's session_token_expiry_time default, in seconds. */
#define CC_TOKEN_DEFAULT_LIFETIME 7200

/* Flags, as the claims of Concerto's runner JWT. */
#define CC_TOKEN_SESSION_FILES 0x01   /* sessionFilesAccess: /upload, /files/session */
#define CC_TOKEN_PROTECTED_FILES 0x02 /* protectedFilesAccess: /files/protected */
#define CC_TOKEN_KNOWN_FLAGS 0x03

/* The signing key. Only cc_token_key_derive and cc_token_key_from_hex make a
 * usable one: a zeroed key signs and verifies nothing. */
typedef struct cc_token_key {
    unsigned char bytes[CC_TOKEN_KEY_BYTES];
    int ready;
} cc_token_key;

typedef struct cc_token_claims {
    const char *session_hash;
    const char *purpose; /* NULL or "" for none */
    unsigned flags;      /* CC_TOKEN_* flags */
    apr_time_t issued_at;
    apr_time_t expires_at; /* after issued_at by 1 s to 2^32-1 s */
} cc_token_claims;

typedef enum {
    CC_TOKEN_VALID = 0,
    CC_TOKEN_MALFORMED,     /* not a token of ours: syntax, encoding, length, version */
    CC_TOKEN_BAD_SIGNATURE, /* altered, or signed with another secret */
    CC_TOKEN_WRONG_SESSION, /* genuine, for another session hash */
    CC_TOKEN_WRONG_PURPOSE, /* genuine, for this session but another purpose */
    CC_TOKEN_EXPIRED,       /* genuine, expired more than CC_TOKEN_CLOCK_SKEW ago */
    CC_TOKEN_NOT_YET_VALID  /* genuine, issued more than CC_TOKEN_CLOCK_SKEW from now */
} cc_token_result;

typedef struct cc_token_check {
    cc_token_result result;
    /* Set from the token whenever its signature is good (every result but
     * MALFORMED and BAD_SIGNATURE), strings in the pool; zeroed otherwise. */
    cc_token_claims claims;
    /* EXPIRED: now - expires_at (more than CC_TOKEN_CLOCK_SKEW).
     * NOT_YET_VALID: issued_at - now. 0 otherwise. */
    apr_interval_time_t off_by;
    /* For the log, never for the participant; never quotes the token.
     * "token valid" for CC_TOKEN_VALID. */
    const char *message;
} cc_token_check;

/* key = HMAC-SHA256(secret, CC_TOKEN_KEY_LABEL). APR_EINVAL (and *errmsg)
 * for a secret outside CC_TOKEN_SECRET_MIN_BYTES..MAX_BYTES. */
apr_status_t cc_token_key_derive(const unsigned char *secret, apr_size_t len, cc_token_key *key,
                                 const char **errmsg);
/* The same from the hex text setup stores; APR_EINVAL for text that is not
 * an even number of hex digits or has the wrong length. */
apr_status_t cc_token_key_from_hex(const char *hex, cc_token_key *key, const char **errmsg);

/* A token in pool for claims. APR_EINVAL with *errmsg for an unready key, a
 * hash or purpose outside the rules above, unknown flags, issued_at before
 * 1970 or after 9999, or a lifetime (whole seconds) outside 1..2^32-1. */
apr_status_t cc_token_sign(apr_pool_t *pool, const cc_token_key *key, const cc_token_claims *claims,
                           const char **token, const char **errmsg);

/* Checks token (NUL-terminated, may be NULL) against the session hash and
 * purpose (NULL means "no purpose"; purposes must match exactly) at time
 * now. Fills *check and returns check->result. Checks run in this order:
 * malformed, signature, session, purpose, time. Never reads more than
 * CC_TOKEN_MAX_LEN + 1 bytes of token. */
cc_token_result cc_token_verify(apr_pool_t *pool, const cc_token_key *key, const char *token,
                                const char *session_hash, const char *purpose, apr_time_t now,
                                cc_token_check *check);

/* "valid", "malformed", "bad signature", "wrong session", "wrong purpose",
 * "expired", "not yet valid": short names for logs and metrics labels. */
const char *cc_token_result_name(cc_token_result result);

/* HMAC-SHA256 through libcrypto. APR_EGENERAL when libcrypto fails. */
apr_status_t cc_hmac_sha256(const void *key, apr_size_t key_len, const void *data,
                            apr_size_t data_len, unsigned char out[CC_TOKEN_MAC_BYTES]);

/* base64url (RFC 4648 §5) without padding. */
char *cc_base64url_encode(apr_pool_t *pool, const unsigned char *data, apr_size_t len);
/* Strict decoding: only the url alphabet, no padding, no length of 1 mod 4
 * and zero unused bits, so every byte string has exactly one encoding.
 * APR_EINVAL otherwise. *out gets a NUL after *out_len bytes. */
apr_status_t cc_base64url_decode(apr_pool_t *pool, const char *text, apr_size_t len,
                                 unsigned char **out, apr_size_t *out_len);

#endif
