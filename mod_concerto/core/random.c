#include "random.h"

#include <apr_general.h>

apr_status_t cc_random_hex(apr_pool_t *pool, apr_size_t nbytes, const char **out)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char *bytes = apr_palloc(pool, nbytes);
    char *hex = apr_palloc(pool, 2 * nbytes + 1);
    apr_size_t i;
    apr_status_t rv = apr_generate_random_bytes(bytes, nbytes);

    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < nbytes; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
    hex[2 * nbytes] = '\0';
    *out = hex;
    return APR_SUCCESS;
}

apr_status_t cc_random_password(apr_pool_t *pool, apr_size_t length, const char **out)
{
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const apr_size_t size = sizeof(alphabet) - 1;
    char *password = apr_palloc(pool, length + 1);
    apr_size_t i = 0;

    while (i < length) {
        unsigned char byte;
        apr_status_t rv = apr_generate_random_bytes(&byte, 1);
        if (rv != APR_SUCCESS)
            return rv;
        /* Reject the top of the range so every character is equally likely. */
        if (byte >= 256 - (256 % size))
            continue;
        password[i++] = alphabet[byte % size];
    }
    password[length] = '\0';
    *out = password;
    return APR_SUCCESS;
}
