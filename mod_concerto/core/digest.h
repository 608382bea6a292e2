/* Digests of secrets that are stored: a token is kept as its SHA-256, so the
 * database never holds anything that opens a session. */
#ifndef CC_DIGEST_H
#define CC_DIGEST_H

#include <apr_pools.h>

/* Lowercase hex SHA-256 of text (64 characters), in pool. */
const char *cc_sha256_hex(apr_pool_t *pool, const char *text);

/* 1 when a and b are equal strings; time depends only on their lengths,
 * never on where they differ. NULL equals nothing. */
int cc_secret_equals(const char *a, const char *b);

#endif
