/* View templates. An edit or rename bumps the template's revision (the
 * generic update does, in the same statement), which runner caches
 * compare (store/templates.h cc_template_version_sql). */
#ifndef CC_ADMIN_TEMPLATES_H
#define CC_ADMIN_TEMPLATES_H

#include "entity.h"

extern const cc_kind cc_kind_template;

#endif
