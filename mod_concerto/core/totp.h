/* Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, a 30 s
 * step, 6 digits, as authenticator apps make them. The HMAC is written here
 * over APR's SHA-1 (RFC 2104). Secrets travel as base32 (RFC 4648). */
#ifndef CC_TOTP_H
#define CC_TOTP_H

#include <apr_pools.h>

#define CC_TOTP_STEP 30
#define CC_TOTP_DIGITS 6
#define CC_TOTP_SECRET_BYTES 20
/* Codes of the step before and after now are accepted too (clock drift). */
#define CC_TOTP_WINDOW 1

#define CC_SHA1_BYTES 20

/* HMAC-SHA-1 of data under key (RFC 2104). */
void cc_hmac_sha1(const unsigned char *key, apr_size_t key_len, const unsigned char *data,
                  apr_size_t data_len, unsigned char out[CC_SHA1_BYTES]);

/* The code (0 to 10^digits - 1) for a counter (RFC 4226: HOTP). */
unsigned long cc_hotp(const unsigned char *secret, apr_size_t len, apr_uint64_t counter,
                      int digits);
/* The time step of Unix time now. */
apr_int64_t cc_totp_step(apr_int64_t now);

/* Checks a 6-digit code (text; blanks are ignored) at time now against the
 * steps now-1, now, now+1. *step gets the step it matched; the caller must
 * refuse a step not after the last one used, so a code works once.
 * 1 when it matches, 0 otherwise. */
int cc_totp_verify(const unsigned char *secret, apr_size_t len, const char *code, apr_int64_t now,
                   apr_int64_t *step);

/* RFC 4648 base32, upper case, without padding. */
char *cc_base32_encode(apr_pool_t *pool, const unsigned char *data, apr_size_t len);
/* Case-insensitive, blanks and '=' padding ignored; APR_EINVAL for any other
 * character. */
apr_status_t cc_base32_decode(apr_pool_t *pool, const char *text, unsigned char **out,
                              apr_size_t *out_len);

/* A new random secret, base32. */
apr_status_t cc_totp_new_secret(apr_pool_t *pool, const char **base32);
/* The otpauth:// URI an authenticator app scans (as a QR code) or takes. */
const char *cc_totp_uri(apr_pool_t *pool, const char *issuer, const char *account,
                        const char *base32);

#endif
