// SPDX-License-Identifier: Apache-2.0
// `ilrs version`: the ilrs version and the libraries it was built with.
#include <string.h>

#include <gdal.h>
#include <gsl/gsl_version.h>
#include <sqlite3.h>
#include <yaml.h>

#include <ilrs/base.h>

#include "cli/cli.h"

int cli_version(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: ilrs version\n\nPrints the ilrs version and its libraries' versions.\n");
        return 0;
    }
    printf("ilrs %s\n", ilrs_version());
    printf("  gsl %s, gdal %s, sqlite %s, libyaml %s\n", gsl_version,
           GDALVersionInfo("RELEASE_NAME"), sqlite3_libversion(), yaml_get_version_string());
    return 0;
}
