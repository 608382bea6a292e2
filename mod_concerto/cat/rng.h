/* The engine's random numbers: xoshiro256** seeded by splitmix64, so that
 * a simulated test or a random selection replays exactly from its seed. */
#ifndef CC_CAT_RNG_H
#define CC_CAT_RNG_H

#include <stdint.h>

typedef struct cc_rng {
    uint64_t s[4];
} cc_rng;

void cc_rng_seed(cc_rng *rng, uint64_t seed);
/* Uniform on [0, 1), 53 random bits. */
double cc_rng_uniform(cc_rng *rng);

/* Where a criterion draws its uniforms from: the engine's generator by
 * default; tests feed recorded values to replay catR's choices. */
typedef double cc_uniform_fn(void *baton);
double cc_rng_uniform_fn(void *rng);

#endif
