#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `ilrs ground` end to end: the live server with a SQLite archive (--db) and the test
# dictionary (--dict); the user store defaults to users.sqlite next to the archive.
# Checks a login, a partner's 403 on another partner's parameter, bad --listen and
# data-product options, the products' default directory (files/ next to the archive),
# and a clean stop on SIGTERM. Usage: cli_ground_test.sh ILRS (needs curl).
set -u
ilrs="$1"
here=$(dirname "$0")
dir=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "cli_ground_test: $*" >&2; [ -f "$dir/err" ] && cat "$dir/err" >&2; exit 1; }
echo 'partner password 1' | "$ilrs" user add erik --role partner --partner esa --password-stdin \
    --users "$dir/users.sqlite" 2>/dev/null || fail "user add failed"
"$ilrs" ground --listen nonsense 2>/dev/null; [ $? = 2 ] || fail "--listen nonsense was accepted"
"$ilrs" ground --listen 127.0.0.1:70000 2>/dev/null; [ $? = 2 ] || fail "port 70000 was accepted"
"$ilrs" ground --files "$dir/f" 2>/dev/null; [ $? = 2 ] || fail "--files without --db was accepted"
"$ilrs" ground --db :memory: --files "$dir/f" 2>/dev/null; [ $? = 2 ] ||
    fail "--files with an in-memory archive was accepted"
"$ilrs" ground --db "$dir/x.sqlite" --files "$dir/f" --no-files 2>/dev/null; [ $? = 2 ] ||
    fail "--files with --no-files was accepted"
"$ilrs" ground --db "$dir/x.sqlite" --files-settle 0 2>/dev/null; [ $? = 2 ] ||
    fail "--files-settle 0 was accepted"
"$ilrs" ground --db "$dir/x.sqlite" --files-recheck soon 2>/dev/null; [ $? = 2 ] ||
    fail "--files-recheck soon was accepted"
"$ilrs" ground --listen 127.0.0.1:0 --db "$dir/archive.sqlite" --dict "$here/data/dictionary.json" \
    --web web >"$dir/out" 2>"$dir/err" &
pid=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/out")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || fail "no port announced"
grep -q "data products in $dir/files (settle 3600 s)" "$dir/err" || fail "products not next to the archive"
base="http://127.0.0.1:$port"
token=$(curl -s -X POST "$base/api/login" -d '{"user":"erik","password":"partner password 1"}' |
        sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || fail "login with the store next to the archive failed"
auth="Authorization: Bearer $token"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$base/api/telemetry/ESA_HK.temperature?start=0&end=1")
[ "$code" = 200 ] || fail "own telemetry answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$base/api/telemetry/CNSA_HK.temperature?start=0&end=1")
[ "$code" = 403 ] || fail "other partner's telemetry answered $code"
kill -TERM "$pid"
wait "$pid"; status=$?
pid=""
[ "$status" = 0 ] || fail "ground exited $status after SIGTERM"
[ -s "$dir/archive.sqlite" ] || fail "no archive written"
echo "cli_ground_test: ok"
