/* core/token: HMAC-SHA256 wiring, base64url, key derivation, signed session
 * tokens and every way a token can be refused. */
#include "check_concerto.h"

#include "core/token.h"

#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 32 bytes 00..1f, as hex. */
static const char secret_hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
#define HASH32 "0123456789abcdef0123456789abcdef"
/* 2023-11-14T22:13:20Z */
#define T0 apr_time_from_sec(1700000000)

static void hex_to_bytes(const char *hex, unsigned char *out, apr_size_t *len)
{
    apr_size_t i, n = strlen(hex) / 2;

    for (i = 0; i < n; i++) {
        char pair[3] = {hex[2 * i], hex[2 * i + 1], '\0'}, *end;
        out[i] = (unsigned char)strtoul(pair, &end, 16);
        ck_assert(*end == '\0');
    }
    *len = n;
}

static const char *to_hex(apr_pool_t *pool, const unsigned char *bytes, apr_size_t len)
{
    char *out = apr_palloc(pool, 2 * len + 1);
    apr_size_t i;

    for (i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", bytes[i]);
    out[2 * len] = '\0';
    return out;
}

static cc_token_key test_key(void)
{
    cc_token_key key;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_token_key_from_hex(secret_hex, &key, &errmsg), APR_SUCCESS);
    return key;
}

static const char *sign_ok(const cc_token_key *key, const char *hash, const char *purpose,
                           unsigned flags, apr_time_t issued, apr_time_t expires)
{
    cc_token_claims claims = {hash, purpose, flags, issued, expires};
    const char *token = NULL, *errmsg = NULL;
    apr_status_t rv = cc_token_sign(cc_test_pool, key, &claims, &token, &errmsg);

    ck_assert_msg(rv == APR_SUCCESS, "sign failed: %s", errmsg ? errmsg : "?");
    ck_assert_ptr_nonnull(token);
    return token;
}

/* RFC 4231, HMAC-SHA256 test cases 1 to 7 (case 5 is truncated to 128 bits). */
START_TEST(hmac_rfc4231)
{
    static const struct {
        const char *key, *data, *mac;
    } cases[] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
         "dddddddddddddddddd",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819",
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
         "cdcdcdcdcdcdcdcdcd",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
         "a3b6167473100ee06e0c796c2955552b"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaa",
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048"
         "617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaa",
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d"
         "73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174"
         "612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e"
         "6720757365642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    unsigned char key[200], data[200], mac[CC_TOKEN_MAC_BYTES];
    apr_size_t key_len, data_len, i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *hex;
        hex_to_bytes(cases[i].key, key, &key_len);
        hex_to_bytes(cases[i].data, data, &data_len);
        ck_assert_int_eq(cc_hmac_sha256(key, key_len, data, data_len, mac), APR_SUCCESS);
        hex = to_hex(cc_test_pool, mac, strlen(cases[i].mac) / 2);
        ck_assert_msg(strcmp(hex, cases[i].mac) == 0, "RFC 4231 case %d: %s", (int)i + 1, hex);
    }
    /* Empty key and data work too (a well-known value). */
    ck_assert_int_eq(cc_hmac_sha256("", 0, "", 0, mac), APR_SUCCESS);
    ck_assert_str_eq(to_hex(cc_test_pool, mac, sizeof(mac)),
                     "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}
END_TEST

/* RFC 4648 §10 vectors, the url alphabet, and every length mod 3. */
START_TEST(base64url_vectors)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    static const unsigned char high[] = {0xfb, 0xff, 0xbf};
    unsigned char *out = NULL;
    apr_size_t out_len = 0, i;

    for (i = 0; i < 7; i++) {
        ck_assert_str_eq(
            cc_base64url_encode(cc_test_pool, (const unsigned char *)plain[i], strlen(plain[i])),
            coded[i]);
        ck_assert_int_eq(
            cc_base64url_decode(cc_test_pool, coded[i], strlen(coded[i]), &out, &out_len),
            APR_SUCCESS);
        ck_assert_uint_eq(out_len, strlen(plain[i]));
        ck_assert_str_eq((const char *)out, plain[i]);
    }
    /* '-' and '_' where standard base64 has '+' and '/'. */
    ck_assert_str_eq(cc_base64url_encode(cc_test_pool, high, 1), "-w");
    ck_assert_str_eq(cc_base64url_encode(cc_test_pool, high, 2), "-_8");
    ck_assert_str_eq(cc_base64url_encode(cc_test_pool, high, 3), "-_-_");
    ck_assert_int_eq(cc_base64url_decode(cc_test_pool, "-_-_", 4, &out, &out_len), APR_SUCCESS);
    ck_assert_uint_eq(out_len, 3);
    ck_assert_int_eq(memcmp(out, high, 3), 0);
}
END_TEST

START_TEST(base64url_round_trip_every_length)
{
    unsigned char data[200];
    apr_size_t len, i;

    srand(4231);
    for (len = 0; len <= sizeof(data); len++) {
        char *text;
        unsigned char *out = NULL;
        apr_size_t out_len = 0;
        for (i = 0; i < len; i++)
            data[i] = (unsigned char)rand();
        text = cc_base64url_encode(cc_test_pool, data, len);
        ck_assert_uint_eq(strlen(text), (len * 4 + 2) / 3);
        ck_assert_ptr_null(strpbrk(text, "+/= \n"));
        ck_assert_int_eq(cc_base64url_decode(cc_test_pool, text, strlen(text), &out, &out_len),
                         APR_SUCCESS);
        ck_assert_uint_eq(out_len, len);
        ck_assert_int_eq(memcmp(out, data, len), 0);
    }
}
END_TEST

START_TEST(base64url_strict)
{
    static const char *const bad[] = {
        "Zg==",  /* padding */
        "Zm9v=", /* padding */
        "Z",     /* length 1 mod 4 */
        "Zm9vY", /* length 1 mod 4 */
        "Zh",    /* unused bits set: another spelling of "f" */
        "Zm9",   /* unused bits set */
        "Zm+v",  /* standard alphabet */
        "Zm/v",  /* standard alphabet */
        "Zm9v ", /* space */
        "Zm\n9v", "Zm\xc3\xa9v",
    };
    unsigned char *out = NULL;
    apr_size_t out_len = 0, i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(cc_base64url_decode(cc_test_pool, bad[i], strlen(bad[i]), &out, &out_len) ==
                          APR_EINVAL,
                      "accepted %s", bad[i]);
    /* A NUL inside the given length is not a character of the alphabet. */
    ck_assert_int_eq(cc_base64url_decode(cc_test_pool, "Zm\0v", 4, &out, &out_len), APR_EINVAL);
    /* The canonical spellings next to the refused ones decode. */
    ck_assert_int_eq(cc_base64url_decode(cc_test_pool, "Zg", 2, &out, &out_len), APR_SUCCESS);
    ck_assert_int_eq(cc_base64url_decode(cc_test_pool, "Zm8", 3, &out, &out_len), APR_SUCCESS);
}
END_TEST

START_TEST(key_derivation)
{
    unsigned char secret[32];
    apr_size_t len;
    cc_token_key a, b;
    const char *errmsg = NULL;

    /* HMAC-SHA256(secret, "concerto token v1"), computed with Python's hmac. */
    ck_assert_int_eq(cc_token_key_from_hex(secret_hex, &a, &errmsg), APR_SUCCESS);
    ck_assert(a.ready);
    ck_assert_str_eq(to_hex(cc_test_pool, a.bytes, sizeof(a.bytes)),
                     "49a809a72d6485eb257fec6ade301ba37130fd221b157ce6fa51c1530311274e");
    /* The key is not the secret. */
    hex_to_bytes(secret_hex, secret, &len);
    ck_assert_int_ne(memcmp(a.bytes, secret, 32), 0);
    /* From bytes, and from upper-case hex, the same. */
    ck_assert_int_eq(cc_token_key_derive(secret, len, &b, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(memcmp(a.bytes, b.bytes, sizeof(a.bytes)), 0);
    ck_assert_int_eq(cc_token_key_from_hex(apr_pstrdup(cc_test_pool, "000102030405060708090A0B0C0D"
                                                                     "0E0F101112131415161718191A1B"
                                                                     "1C1D1E1F"),
                                           &b, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(memcmp(a.bytes, b.bytes, sizeof(a.bytes)), 0);
    /* One bit of secret changes the key. */
    secret[31] ^= 1;
    ck_assert_int_eq(cc_token_key_derive(secret, len, &b, &errmsg), APR_SUCCESS);
    ck_assert_int_ne(memcmp(a.bytes, b.bytes, sizeof(a.bytes)), 0);
    /* 16 and 64 bytes are the limits. */
    ck_assert_int_eq(cc_token_key_derive(secret, 16, &b, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_token_key_from_hex("00112233445566778899aabbccddeeff", &b, &errmsg),
                     APR_SUCCESS);
}
END_TEST

START_TEST(key_refused)
{
    static const char *const bad[] = {
        "",
        "00112233445566778899aabbccddeeff0",  /* odd */
        "00112233445566778899aabbccddee",     /* 15 bytes */
        "00112233445566778899aabbccddeefg",   /* not hex */
        " 00112233445566778899aabbccddeeff",  /* space */
        "00112233445566778899aabbccddeeff\n", /* newline */
        "0x112233445566778899aabbccddeeff",
    };
    unsigned char secret[65] = {0};
    cc_token_key key;
    const char *errmsg, *long_hex;
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errmsg = NULL;
        key.ready = 1;
        ck_assert_msg(cc_token_key_from_hex(bad[i], &key, &errmsg) == APR_EINVAL, "accepted %s",
                      bad[i]);
        ck_assert(!key.ready);
        ck_assert_ptr_nonnull(strstr(errmsg, "hex digits"));
    }
    ck_assert_int_eq(cc_token_key_from_hex(NULL, &key, &errmsg), APR_EINVAL);
    long_hex = apr_pstrcat(cc_test_pool, secret_hex, secret_hex, "00", NULL); /* 65 bytes */
    ck_assert_int_eq(cc_token_key_from_hex(long_hex, &key, &errmsg), APR_EINVAL);
    ck_assert_int_eq(cc_token_key_derive(secret, 15, &key, &errmsg), APR_EINVAL);
    ck_assert_int_eq(cc_token_key_derive(secret, 65, &key, &errmsg), APR_EINVAL);
    ck_assert_int_eq(cc_token_key_derive(NULL, 32, &key, &errmsg), APR_EINVAL);
    ck_assert(!key.ready);
}
END_TEST

/* The format is the documented one: a token made by an independent
 * implementation (Python's hmac and base64) of token.h's description. */
START_TEST(golden_token)
{
    static const char golden[] =
        "AQEAAAAAZVPxAAAAHCAgMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYGcnVubmVy."
        "-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oY";
    cc_token_key key = test_key();
    cc_token_check check;

    ck_assert_str_eq(
        sign_ok(&key, HASH32, "runner", CC_TOKEN_SESSION_FILES, T0, T0 + apr_time_from_sec(7200)),
        golden);
    /* Sub-second parts are dropped, not rounded. */
    ck_assert_str_eq(sign_ok(&key, HASH32, "runner", CC_TOKEN_SESSION_FILES, T0 + 999999,
                             T0 + apr_time_from_sec(7200) + 999999),
                     golden);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, golden, HASH32, "runner", T0, &check),
                     CC_TOKEN_VALID);
}
END_TEST

START_TEST(round_trip)
{
    static const char *const hashes[] = {"a", HASH32, "A-Z_a.z~09",
                                         "0123456789abcdef0123456789abcdef"
                                         "0123456789abcdef0123456789abcdef"};
    static const char *const purposes[] = {NULL, "runner", "x",
                                           "pppppppppppppppppppppppppppppppp"
                                           "pppppppppppppppppppppppppppppppp"};
    cc_token_key key = test_key();
    apr_size_t h, p;
    unsigned flags;

    for (h = 0; h < 4; h++)
        for (p = 0; p < 4; p++)
            for (flags = 0; flags <= CC_TOKEN_KNOWN_FLAGS; flags++) {
                apr_time_t now = T0 + apr_time_from_sec(17);
                const char *token = sign_ok(&key, hashes[h], purposes[p], flags, T0,
                                            T0 + apr_time_from_sec(CC_TOKEN_DEFAULT_LIFETIME));
                cc_token_check check;
                const char *dot = strchr(token, '.');

                ck_assert_uint_le(strlen(token), CC_TOKEN_MAX_LEN);
                ck_assert_ptr_nonnull(dot);
                ck_assert_ptr_null(strchr(dot + 1, '.'));
                ck_assert_uint_eq(strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
                                                "xyz0123456789-_."),
                                  strlen(token));
                ck_assert_int_eq(
                    cc_token_verify(cc_test_pool, &key, token, hashes[h], purposes[p], now, &check),
                    CC_TOKEN_VALID);
                ck_assert_int_eq(check.result, CC_TOKEN_VALID);
                ck_assert_str_eq(check.message, "token valid");
                ck_assert_str_eq(check.claims.session_hash, hashes[h]);
                ck_assert_str_eq(check.claims.purpose, purposes[p] ? purposes[p] : "");
                ck_assert_uint_eq(check.claims.flags, flags);
                ck_assert(check.claims.issued_at == T0);
                ck_assert(check.claims.expires_at ==
                          T0 + apr_time_from_sec(CC_TOKEN_DEFAULT_LIFETIME));
                ck_assert(check.off_by == 0);
                /* "" and NULL both mean no purpose. */
                if (purposes[p] == NULL)
                    ck_assert_int_eq(
                        cc_token_verify(cc_test_pool, &key, token, hashes[h], "", now, &check),
                        CC_TOKEN_VALID);
            }
}
END_TEST

START_TEST(failure_kinds)
{
    cc_token_key key = test_key(), other;
    const char *errmsg = NULL, *token, *other_token;
    cc_token_check check;
    apr_time_t exp = T0 + apr_time_from_sec(600);

    token = sign_ok(&key, HASH32, "runner", 0, T0, exp);

    /* Another secret: bad signature, and no claims are given out. */
    ck_assert_int_eq(cc_token_key_from_hex("ffeeddccbbaa99887766554433221100", &other, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &other, token, HASH32, "runner", T0, &check),
                     CC_TOKEN_BAD_SIGNATURE);
    ck_assert_ptr_null(check.claims.session_hash);
    ck_assert_ptr_nonnull(strstr(check.message, "signature"));
    /* The signature of another token. */
    other_token = sign_ok(&key, "b", "runner", 0, T0, exp);
    ck_assert_int_eq(
        cc_token_verify(cc_test_pool, &key,
                        apr_pstrcat(cc_test_pool,
                                    apr_pstrndup(cc_test_pool, token, strcspn(token, ".")),
                                    strchr(other_token, '.'), NULL),
                        HASH32, "runner", T0, &check),
        CC_TOKEN_BAD_SIGNATURE);
    /* An unready key checks nothing, even a token of the zero key. */
    memset(&other, 0, sizeof(other));
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &other, token, HASH32, "runner", T0, &check),
                     CC_TOKEN_BAD_SIGNATURE);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, NULL, token, HASH32, "runner", T0, &check),
                     CC_TOKEN_BAD_SIGNATURE);

    /* Another session: the claims say whose it is. */
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, "b", "runner", T0, &check),
                     CC_TOKEN_WRONG_SESSION);
    ck_assert_str_eq(check.claims.session_hash, HASH32);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, NULL, "runner", T0, &check),
                     CC_TOKEN_WRONG_SESSION);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32 "0", "runner", T0, &check),
                     CC_TOKEN_WRONG_SESSION);
    ck_assert_int_eq(
        cc_token_verify(cc_test_pool, &key, token, "0123456789abcdef", "runner", T0, &check),
        CC_TOKEN_WRONG_SESSION);

    /* Another purpose, in either direction, and case matters. */
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL, T0, &check),
                     CC_TOKEN_WRONG_PURPOSE);
    ck_assert_str_eq(check.message, "the token is for \"runner\", not for no purpose");
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, "Runner", T0, &check),
                     CC_TOKEN_WRONG_PURPOSE);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, sign_ok(&key, HASH32, NULL, 0, T0, exp),
                                     HASH32, "upload", T0, &check),
                     CC_TOKEN_WRONG_PURPOSE);
    ck_assert_str_eq(check.message, "the token is for no purpose, not for \"upload\"");

    /* Expired, with how long ago; the session is checked first. */
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, "runner",
                                     exp + apr_time_from_sec(3723), &check),
                     CC_TOKEN_EXPIRED);
    ck_assert(check.off_by == apr_time_from_sec(3723));
    ck_assert_str_eq(check.message, "the token expired 1 h 2 min 3 s ago");
    ck_assert_str_eq(check.claims.session_hash, HASH32);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, "b", "runner",
                                     exp + apr_time_from_sec(3723), &check),
                     CC_TOKEN_WRONG_SESSION);

    /* From the future. */
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, "runner",
                                     T0 - apr_time_from_sec(90), &check),
                     CC_TOKEN_NOT_YET_VALID);
    ck_assert(check.off_by == apr_time_from_sec(90));
    ck_assert_str_eq(check.message,
                     "the token was issued 1 min 30 s in the future (do the servers' clocks "
                     "agree?)");
}
END_TEST

START_TEST(malformed)
{
    static const char *const bad[] = {
        "",
        ".",
        "abc",
        "AQEA",
        "AQEA.",
        ".-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oY",
        "AQEA.-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2o",   /* MAC one short */
        "AQEA.-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oYA", /* one long */
        "AQEA.-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oZ",  /* unused bits set */
        "AQEA.-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oY=",
        "AQE=.-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oY",
        "AQEA.-PBlVLdf+m/jld3UIFbvn8E7IeKt3LEkg6cn-knx2oY",
        "AQ.A.-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oY",
        "AQEAA.-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oY", /* 1 mod 4 */
        "Bearer AQEA.-PBlVLdf_m_jld3UIFbvn8E7IeKt3LEkg6cn-knx2oY",
    };
    cc_token_key key = test_key();
    cc_token_check check;
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(cc_token_verify(cc_test_pool, &key, bad[i], HASH32, "runner", T0, &check) ==
                          CC_TOKEN_MALFORMED,
                      "%s: %s", bad[i], cc_token_result_name(check.result));
        ck_assert_ptr_nonnull(check.message);
        ck_assert_ptr_null(check.claims.session_hash);
    }
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, NULL, HASH32, "runner", T0, &check),
                     CC_TOKEN_MALFORMED);
    ck_assert_str_eq(check.message, "no token");
}
END_TEST

/* A correctly signed payload that breaks the format is still refused:
 * what a future version or our own bug would produce. */
static const char *forge(const cc_token_key *key, const unsigned char *payload, apr_size_t len)
{
    unsigned char mac[CC_TOKEN_MAC_BYTES];
    const char *text = cc_base64url_encode(cc_test_pool, payload, len);

    ck_assert_int_eq(cc_hmac_sha256(key->bytes, sizeof(key->bytes), text, strlen(text), mac),
                     APR_SUCCESS);
    return apr_pstrcat(cc_test_pool, text, ".", cc_base64url_encode(cc_test_pool, mac, 32), NULL);
}

START_TEST(signed_but_malformed)
{
    /* version 1, flags 0, issued 1700000000, lifetime 600, hash "ab", no purpose */
    static const unsigned char good[] = {1,    0, 0, 0, 0,    0, 0x65, 0x53, 0xf1,
                                         0x00, 0, 0, 2, 0x58, 2, 'a',  'b',  0};
    unsigned char p[sizeof(good) + 1];
    cc_token_key key = test_key();
    cc_token_check check;
    apr_time_t now = T0 + apr_time_from_sec(1);

    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, forge(&key, good, sizeof(good)), "ab",
                                     NULL, now, &check),
                     CC_TOKEN_VALID);
#define FORGED(mutate, n)                                                                          \
    do {                                                                                           \
        memcpy(p, good, sizeof(good));                                                             \
        mutate;                                                                                    \
        ck_assert_msg(cc_token_verify(cc_test_pool, &key, forge(&key, p, n), "ab", NULL, now,      \
                                      &check) == CC_TOKEN_MALFORMED,                               \
                      "%s: %s", #mutate, check.message);                                           \
    } while (0)
    FORGED(p[0] = 2, sizeof(good));                          /* version */
    FORGED(p[0] = 0, sizeof(good));                          /* version */
    FORGED(p[1] = 4, sizeof(good));                          /* unknown flag */
    FORGED(p[10] = p[11] = p[12] = p[13] = 0, sizeof(good)); /* lifetime 0 */
    FORGED(p[2] = 0x80, sizeof(good));                       /* issued after 9999 */
    FORGED(p[14] = 0, sizeof(good));                         /* empty hash */
    FORGED(p[14] = 3, sizeof(good));                         /* hash runs into the purpose length */
    FORGED(p[14] = 65, sizeof(good));                        /* hash too long */
    FORGED(p[17] = 1, sizeof(good));                         /* purpose past the end */
    FORGED(p[sizeof(good)] = 'x', sizeof(good) + 1);         /* trailing byte */
    FORGED((void)0, sizeof(good) - 1);                       /* purpose length missing */
    FORGED((void)0, 14);                                     /* fixed part only */
    FORGED((void)0, 0);                                      /* empty payload */
#undef FORGED
}
END_TEST

/* Changing any one byte of a token, to any other value, makes it fail; so
 * does cutting it short or adding to it. */
START_TEST(any_single_byte_tampered_fails)
{
    cc_token_key key = test_key();
    const char *token =
        sign_ok(&key, HASH32, "runner", CC_TOKEN_SESSION_FILES, T0, T0 + apr_time_from_sec(7200));
    apr_size_t len = strlen(token), i;
    char *copy = apr_pstrdup(cc_test_pool, token);
    cc_token_check check;
    long tried = 0;

    for (i = 0; i < len; i++) {
        int c;
        for (c = 1; c < 256; c++) {
            if (c == (unsigned char)token[i])
                continue;
            copy[i] = (char)c;
            ck_assert_msg(cc_token_verify(cc_test_pool, &key, copy, HASH32, "runner", T0, &check) !=
                              CC_TOKEN_VALID,
                          "byte %d set to %d verifies", (int)i, c);
            tried++;
        }
        copy[i] = token[i];
        /* Cut short here. */
        copy[i] = '\0';
        ck_assert_int_ne(cc_token_verify(cc_test_pool, &key, copy, HASH32, "runner", T0, &check),
                         CC_TOKEN_VALID);
        copy[i] = token[i];
    }
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, copy, HASH32, "runner", T0, &check),
                     CC_TOKEN_VALID);
    ck_assert_int_eq(tried, (long)len * 254);
    ck_assert_int_ne(cc_token_verify(cc_test_pool, &key,
                                     apr_pstrcat(cc_test_pool, token, "A", NULL), HASH32, "runner",
                                     T0, &check),
                     CC_TOKEN_VALID);
    ck_assert_int_ne(cc_token_verify(cc_test_pool, &key,
                                     apr_pstrcat(cc_test_pool, "A", token, NULL), HASH32, "runner",
                                     T0, &check),
                     CC_TOKEN_VALID);
}
END_TEST

START_TEST(expiry_boundaries)
{
    cc_token_key key = test_key();
    apr_time_t exp = T0 + apr_time_from_sec(60);
    const char *token = sign_ok(&key, HASH32, NULL, 0, T0, exp);
    cc_token_check check;

    /* Accepted up to CC_TOKEN_CLOCK_SKEW past the expiry, inclusive. */
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL, exp, &check),
                     CC_TOKEN_VALID);
    ck_assert_int_eq(
        cc_token_verify(cc_test_pool, &key, token, HASH32, NULL, exp + CC_TOKEN_CLOCK_SKEW, &check),
        CC_TOKEN_VALID);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL,
                                     exp + CC_TOKEN_CLOCK_SKEW + 1, &check),
                     CC_TOKEN_EXPIRED);
    ck_assert(check.off_by == CC_TOKEN_CLOCK_SKEW + 1);
    ck_assert_str_eq(check.message, "the token expired 1 min 0 s ago");
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL,
                                     exp + apr_time_from_sec(86400 * 400), &check),
                     CC_TOKEN_EXPIRED);
    ck_assert_str_eq(check.message, "the token expired 9600 h 0 min 0 s ago");
    /* And from CC_TOKEN_CLOCK_SKEW before it was issued. */
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL, T0, &check),
                     CC_TOKEN_VALID);
    ck_assert_int_eq(
        cc_token_verify(cc_test_pool, &key, token, HASH32, NULL, T0 - CC_TOKEN_CLOCK_SKEW, &check),
        CC_TOKEN_VALID);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL,
                                     T0 - CC_TOKEN_CLOCK_SKEW - 1, &check),
                     CC_TOKEN_NOT_YET_VALID);
    ck_assert(check.off_by == CC_TOKEN_CLOCK_SKEW + 1);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL, 0, &check),
                     CC_TOKEN_NOT_YET_VALID);
    /* The skew is the documented minute. */
    ck_assert(CC_TOKEN_CLOCK_SKEW == apr_time_from_sec(60));
    /* The longest lifetime and the latest issue time are accepted. */
    token = sign_ok(&key, HASH32, NULL, 0, apr_time_from_sec(253402300799LL),
                    apr_time_from_sec(253402300799LL + 4294967295LL));
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL,
                                     apr_time_from_sec(253402300799LL + 4294967295LL), &check),
                     CC_TOKEN_VALID);
    token = sign_ok(&key, HASH32, NULL, 0, 0, apr_time_from_sec(1));
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL, 0, &check),
                     CC_TOKEN_VALID);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, token, HASH32, NULL, T0, &check),
                     CC_TOKEN_EXPIRED);
}
END_TEST

START_TEST(sign_refuses)
{
    static const char *const bad_hashes[] = {
        "",      "a/b", "a b",
        "a.b\n", "ä",   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"};
    static const char *const bad_purposes[] = {
        "run ner", "run/ner", "\"",
        "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
        "p"};
    cc_token_key key = test_key(), zero;
    const char *token = "unchanged", *errmsg = NULL;
    cc_token_claims claims = {HASH32, NULL, 0, T0, T0 + apr_time_from_sec(60)};
    apr_size_t i;

    for (i = 0; i < sizeof(bad_hashes) / sizeof(bad_hashes[0]); i++) {
        claims.session_hash = bad_hashes[i];
        ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
        ck_assert_ptr_null(token);
        ck_assert_ptr_nonnull(strstr(errmsg, "session hash"));
    }
    claims.session_hash = NULL;
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
    claims.session_hash = HASH32;
    for (i = 0; i < sizeof(bad_purposes) / sizeof(bad_purposes[0]); i++) {
        claims.purpose = bad_purposes[i];
        ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
        ck_assert_ptr_nonnull(strstr(errmsg, "purpose"));
    }
    claims.purpose = "runner";
    claims.flags = 4;
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
    claims.flags = CC_TOKEN_KNOWN_FLAGS;
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_SUCCESS);

    /* Lifetimes: under a second, none, negative, over 2^32-1 s. */
    claims.expires_at = T0 + 999999;
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "lifetime"));
    claims.expires_at = T0;
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
    claims.expires_at = T0 - apr_time_from_sec(1);
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
    claims.expires_at = T0 + apr_time_from_sec(4294967296LL);
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
    claims.expires_at = T0 + apr_time_from_sec(4294967295LL);
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_SUCCESS);
    /* Issue times before 1970 and after 9999. */
    claims.issued_at = -1;
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "issue time"));
    claims.issued_at = apr_time_from_sec(253402300800LL);
    claims.expires_at = claims.issued_at + apr_time_from_sec(60);
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &key, &claims, &token, &errmsg), APR_EINVAL);
    /* No key, no token: there is no default secret. */
    claims.issued_at = T0;
    claims.expires_at = T0 + apr_time_from_sec(60);
    memset(&zero, 0, sizeof(zero));
    ck_assert_int_eq(cc_token_sign(cc_test_pool, &zero, &claims, &token, &errmsg), APR_EINVAL);
    ck_assert_ptr_null(token);
    ck_assert_str_eq(errmsg, "no signing key");
    ck_assert_int_eq(cc_token_sign(cc_test_pool, NULL, &claims, &token, &errmsg), APR_EINVAL);
}
END_TEST

/* Garbage of every kind is refused, huge input at once. */
START_TEST(garbage_and_huge_input)
{
    const apr_size_t huge = 16 * 1024 * 1024;
    cc_token_key key = test_key();
    const char *token = sign_ok(&key, HASH32, "runner", 0, T0, T0 + apr_time_from_sec(60));
    char *big = malloc(huge + 1), buf[320];
    cc_token_check check;
    clock_t start;
    int i, n;

    ck_assert_ptr_nonnull(big);
    /* A valid token followed by megabytes: too long, and found so without
     * reading the whole string. */
    memset(big, 'A', huge);
    big[huge] = '\0';
    memcpy(big, token, strlen(token));
    start = clock();
    for (i = 0; i < 1000; i++)
        ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, big, HASH32, "runner", T0, &check),
                         CC_TOKEN_MALFORMED);
    ck_assert_str_eq(check.message, "the token is too long");
    ck_assert_msg((double)(clock() - start) / CLOCKS_PER_SEC < 1.0, "1000 huge tokens took %.2f s",
                  (double)(clock() - start) / CLOCKS_PER_SEC);
    /* CC_TOKEN_MAX_LEN is the limit: one over is refused before decoding. */
    big[CC_TOKEN_MAX_LEN + 1] = '\0';
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, big, HASH32, "runner", T0, &check),
                     CC_TOKEN_MALFORMED);
    ck_assert_str_eq(check.message, "the token is too long");
    big[CC_TOKEN_MAX_LEN] = '\0';
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key, big, HASH32, "runner", T0, &check),
                     CC_TOKEN_MALFORMED);
    ck_assert_str_ne(check.message, "the token is too long");
    free(big);

    /* Random bytes, and random base64url around a dot: never valid. */
    srand(1);
    for (i = 0; i < 20000; i++) {
        int len = rand() % (int)sizeof(buf), j;
        for (j = 0; j < len; j++) {
            if (i % 2)
                buf[j] = (char)(1 + rand() % 255);
            else
                buf[j] =
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[rand() % 64];
        }
        buf[len] = '\0';
        if (i % 2 == 0 && len > 44)
            buf[len - 44] = '.'; /* the MAC part has its right length */
        n = cc_token_verify(cc_test_pool, &key, buf, HASH32, "runner", T0, &check);
        ck_assert_int_ne(n, CC_TOKEN_VALID);
        ck_assert_int_ne(n, CC_TOKEN_WRONG_SESSION);
        ck_assert_ptr_nonnull(check.message);
    }
}
END_TEST

START_TEST(result_names)
{
    ck_assert_str_eq(cc_token_result_name(CC_TOKEN_VALID), "valid");
    ck_assert_str_eq(cc_token_result_name(CC_TOKEN_MALFORMED), "malformed");
    ck_assert_str_eq(cc_token_result_name(CC_TOKEN_BAD_SIGNATURE), "bad signature");
    ck_assert_str_eq(cc_token_result_name(CC_TOKEN_WRONG_SESSION), "wrong session");
    ck_assert_str_eq(cc_token_result_name(CC_TOKEN_WRONG_PURPOSE), "wrong purpose");
    ck_assert_str_eq(cc_token_result_name(CC_TOKEN_EXPIRED), "expired");
    ck_assert_str_eq(cc_token_result_name(CC_TOKEN_NOT_YET_VALID), "not yet valid");
    ck_assert_str_eq(cc_token_result_name((cc_token_result)99), "unknown");
}
END_TEST

TCase *tcase_core_token(void)
{
    TCase *tc = cc_test_tcase("core/token");

    tcase_add_test(tc, hmac_rfc4231);
    tcase_add_test(tc, base64url_vectors);
    tcase_add_test(tc, base64url_round_trip_every_length);
    tcase_add_test(tc, base64url_strict);
    tcase_add_test(tc, key_derivation);
    tcase_add_test(tc, key_refused);
    tcase_add_test(tc, golden_token);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, failure_kinds);
    tcase_add_test(tc, malformed);
    tcase_add_test(tc, signed_but_malformed);
    tcase_add_test(tc, any_single_byte_tampered_fails);
    tcase_add_test(tc, expiry_boundaries);
    tcase_add_test(tc, sign_refuses);
    tcase_add_test(tc, garbage_and_huge_input);
    tcase_add_test(tc, result_names);
    return tc;
}
