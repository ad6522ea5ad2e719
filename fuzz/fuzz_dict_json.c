// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the dictionary's JSON reader (ilrs_dict_parse_json). Any input
// must be rejected cleanly or loaded; a loaded dictionary written back as JSON must
// load again and write the very same bytes (the canonical form is a fixed point).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/dict.h>

#include "dict/dict_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ilrs_dict_t *dict = NULL;
    char error[256];
    if (ilrs_dict_parse_json((const char *)data, size, &dict, error, sizeof error) != 0) {
        if (dict != NULL || error[0] == '\0') {
            abort(); /* failures leave no dictionary and always say why */
        }
        return 0;
    }
    size_t len1 = 0, len2 = 0;
    char *first = ilrs__dict_json_text(dict, &len1);
    ilrs_dict_t *again = NULL;
    if (first == NULL || ilrs_dict_parse_json(first, len1, &again, error, sizeof error) != 0) {
        abort(); /* our own output must load */
    }
    char *second = ilrs__dict_json_text(again, &len2);
    if (second == NULL || len1 != len2 || memcmp(first, second, len1) != 0) {
        abort();
    }
    free(first);
    free(second);
    ilrs_dict_destroy(again);
    ilrs_dict_destroy(dict);
    return 0;
}
