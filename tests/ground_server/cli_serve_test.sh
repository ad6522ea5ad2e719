#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `ilrs serve DIR` end to end: a run directory with the test dictionary
# (data/dictionary.json: the fixture's station, esa and cnsa, written by
# ilrs_dict_write_json) and an (empty) archive; the server starts on an ephemeral
# port, a user logs in over HTTP, sends a command that lands in the archive's command history, and SIGTERM stops
# the server cleanly. Usage: cli_serve_test.sh ILRS (needs curl).
set -u
ilrs="$1"
dir=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "cli_serve_test: $*" >&2; [ -f "$dir/err" ] && cat "$dir/err" >&2; exit 1; }
cp "$(dirname "$0")/data/dictionary.json" "$dir/dictionary.json" || fail "no test dictionary"
: > "$dir/archive.sqlite"
echo 'operator password 1' | "$ilrs" user add olga --role operator --password-stdin \
    --users "$dir/users.sqlite" 2>/dev/null || fail "user add failed"
"$ilrs" serve "$dir/missing" --listen 127.0.0.1:0 2>/dev/null && fail "serve of a missing dir succeeded"
"$ilrs" serve "$dir" --listen 127.0.0.1:0 --web web >"$dir/out" 2>"$dir/err" &
pid=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/out")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || fail "no port announced"
base="http://127.0.0.1:$port"
token=$(curl -s -X POST "$base/api/login" -d '{"user":"olga","password":"operator password 1"}' |
        sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || fail "login failed"
auth="Authorization: Bearer $token"
code=$(curl -s -o "$dir/body" -w '%{http_code}' -H "$auth" -X POST "$base/api/commands" \
       -d '{"name":"SetEsaHeater","args":["AUTO",21.5]}')
[ "$code" = 201 ] || fail "command answered $code: $(cat "$dir/body")"
curl -s -H "$auth" "$base/api/commands/history" > "$dir/body"
grep -q '"name":"SetEsaHeater"' "$dir/body" || fail "history lacks the command: $(cat "$dir/body")"
grep -q '"args":\["AUTO","21.5"\]' "$dir/body" || fail "history lacks decoded arguments: $(cat "$dir/body")"
code=$(curl -s -o "$dir/body" -w '%{http_code}' -H "$auth" "$base/api/telemetry/ESA_HK.temperature?start=0&end=1")
[ "$code" = 200 ] || fail "telemetry answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/index.html")
[ "$code" = 200 ] || fail "index.html answered $code"
kill -TERM "$pid"
wait "$pid"; status=$?
pid=""
[ "$status" = 0 ] || fail "serve exited $status after SIGTERM"
echo "cli_serve_test: ok"
