// SPDX-License-Identifier: Apache-2.0
// Fuzz target for command checking against a fixed sample dictionary (every
// argument type). The first octet picks the mode:
// - even: the rest is a command packet for ilrs_dict_check_command(); it must be
//   accepted or rejected with a reason, never crash.
// - odd: the second octet picks a command and the rest, split at newlines, are its
//   text arguments for ilrs_dict_build_command(); whatever builds must pass the check.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/dict.h>

#include "../tests/dict/dict_sample.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ilrs_dict_t *sample_dict(void)
{
    static ilrs_dict_t *dict;
    if (dict == NULL && sample_dict_create(&dict) != 0) {
        abort();
    }
    return dict;
}

static void build_and_check(ilrs_dict_t *dict, const uint8_t *data, size_t size)
{
    if (size < 1) {
        return;
    }
    const ilrs_dict_command_t *cmd =
        ilrs_dict_command_at(dict, data[0] % ilrs_dict_command_count(dict));
    char *text = malloc(size);
    if (text == NULL) {
        return;
    }
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    const char *args[16];
    size_t n = 0;
    char *p = text;
    while (n < 16) {
        args[n++] = p;
        char *nl = strchr(p, '\n');
        if (nl == NULL) {
            break;
        }
        *nl = '\0';
        p = nl + 1;
    }
    uint8_t buf[256];
    size_t len = 0;
    char error[160];
    if (ilrs_dict_build_command(cmd, args, n, buf, sizeof buf, &len, error, sizeof error) == 0) {
        ilrs_dict_check_t check;
        if (ilrs_dict_check_command(dict, buf, len, &check) != 0 || check.command != cmd) {
            abort(); /* what the builder makes, the checker accepts */
        }
    } else if (len != 0 || error[0] == '\0') {
        abort();
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ilrs_dict_t *dict = sample_dict();
    if (size == 0) {
        return 0;
    }
    if ((data[0] & 1u) == 0) {
        ilrs_dict_check_t check;
        int rc = ilrs_dict_check_command(dict, data + 1, size - 1, &check);
        if (rc != 0 && check.detail[0] == '\0') {
            abort(); /* every rejection names its reason */
        }
        if (rc == 0 && (check.command == NULL || check.command->length != size - 1)) {
            abort();
        }
    } else {
        build_and_check(dict, data + 1, size - 1);
    }
    return 0;
}
