/* Secrets and passwords from the system's random source. */
#ifndef CC_RANDOM_H
#define CC_RANDOM_H

#include <apr_pools.h>

/* nbytes of randomness as lowercase hex (2 * nbytes characters). */
apr_status_t cc_random_hex(apr_pool_t *pool, apr_size_t nbytes, const char **out);
/* A password of length characters, letters and digits without the easily
 * confused ones (0/O, 1/l/I). */
apr_status_t cc_random_password(apr_pool_t *pool, apr_size_t length, const char **out);

#endif
