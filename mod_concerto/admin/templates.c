#include "templates.h"

static const cc_field template_fields[] = {
    {"name", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_REQUIRED | CC_FIELD_SORT | CC_FIELD_SEARCH, 0,
     64},
    {"description", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_SEARCH, 0, 0},
    {"head", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_NOLIST, 0, 0},
    {"html", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_NOLIST, 0, 0},
    {"css", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_NOLIST, 0, 0},
    {"js", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_NOLIST, 0, 0},
    {"tags", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_SEARCH, 0, 1024},
};

const cc_kind cc_kind_template = {"template", "view_template",
                                  NULL,       template_fields,
                                  7,          CC_KIND_ACCESS | CC_KIND_REVISION | CC_KIND_AUDIT,
                                  "name"};
