#include "assets.h"

#include <string.h>

const cc_asset *cc_asset_find(const char *name)
{
    const cc_asset *a;

    if (name == NULL)
        return NULL;
    for (a = cc_assets; a->name; a++)
        if (!strcmp(a->name, name))
            return a;
    return NULL;
}
