#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian and npm packages ilrs needs, only those missing.
# As root it runs apt-get itself; otherwise it prints the exact command to run.
set -eu

DEBS="build-essential cmake pkg-config clang libclang-rt-14-dev \
liberfa-dev libcmocka-dev libgsl-dev libgdal-dev gdal-bin libyaml-dev \
libsqlite3-dev libpq-dev postgresql libjansson-dev libsodium-dev libssl-dev libxml2-utils \
libmicrohttpd-dev libwebsockets-dev libcairo2-dev libfontconfig-dev libcurl4-openssl-dev \
chromium tshark libpcap-dev"

missing=""
for p in $DEBS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# Node.js and npm: only when no node is on the PATH (some machines ship their own).
if ! command -v node >/dev/null 2>&1; then
    missing="$missing nodejs npm"
fi

if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ]; then
        echo "deps: installing:$missing"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
    else
        echo "deps: missing Debian packages:$missing" >&2
        echo "deps: run: sudo apt-get install -y$missing" >&2
        exit 1
    fi
fi

# npm packages (web UI and browser tests) live in web/, installed from its lock file.
# Re-install when the lock file is newer than the installed tree (npm ci writes
# node_modules/.package-lock.json).
if [ -f web/package.json ] && { [ ! -f web/node_modules/.package-lock.json ] ||
    [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; }; then
    (cd web && npm ci --no-audit --no-fund)
fi
exit 0
