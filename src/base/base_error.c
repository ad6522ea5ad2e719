// SPDX-License-Identifier: Apache-2.0
// Error messages and names, generated from the one table in base.h.
#include "base/base_int.h"

const char *ilrs_strerror(int code)
{
    switch (code) {
    case ILRS_OK:
        return "success";
#define ILRS__ERR_MSG(name, value, msg) \
    case (value):                       \
        return (msg);
        ILRS_ERROR_TABLE(ILRS__ERR_MSG)
#undef ILRS__ERR_MSG
    default:
        return "unknown error";
    }
}

const char *ilrs_errname(int code)
{
    switch (code) {
    case ILRS_OK:
        return "ILRS_OK";
#define ILRS__ERR_NAME(name, value, msg) \
    case (value):                        \
        return "ILRS_E" #name;
        ILRS_ERROR_TABLE(ILRS__ERR_NAME)
#undef ILRS__ERR_NAME
    default:
        return "ILRS_E?";
    }
}

const char *ilrs_version(void)
{
#ifdef ILRS_VERSION_STRING
    return ILRS_VERSION_STRING;
#else
    return "unknown";
#endif
}
