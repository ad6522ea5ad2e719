#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Partners' data products end to end: `ilrs run --days 2` makes a run directory,
# `ilrs serve` writes the products into DIR/files on its first start (none are
# there yet) and serves them: a partner (igg) lists only its own, downloads one
# whose octets match the catalog's size and SHA-256 (sha256sum) and the file on
# disk, is refused another partner's (403, audited), and bad names are 400; the
# operator lists every partner's. A second serve writes nothing new.
# Usage: cli_serve_files_test.sh ILRS (needs curl and sha256sum).
set -u
ilrs="$1"
dir=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "cli_serve_files_test: $*" >&2; [ -f "$dir/err" ] && cat "$dir/err" >&2; exit 1; }
"$ilrs" run --days 2 --out "$dir/run" --quiet >/dev/null 2>"$dir/err" || fail "ilrs run failed"
[ -d "$dir/run/files" ] && fail "the run wrote products before serve"
echo 'partner password 1' | "$ilrs" user add ines --role partner --partner igg --password-stdin \
    --users "$dir/run/users.sqlite" 2>/dev/null || fail "user add failed"
echo 'operator password 1' | "$ilrs" user add olga --role operator --password-stdin \
    --users "$dir/run/users.sqlite" 2>/dev/null || fail "user add failed"

serve() {
    "$ilrs" serve "$dir/run" --listen 127.0.0.1:0 --web web >"$dir/out" 2>"$dir/err" &
    pid=$!
    port=""
    for _ in $(seq 1 100); do
        port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || fail "no port announced"
    base="http://127.0.0.1:$port"
}
stop() {
    kill -TERM "$pid"
    wait "$pid"; status=$?
    pid=""
    [ "$status" = 0 ] || fail "serve exited $status after SIGTERM"
}
login() {
    curl -s -X POST "$base/api/login" -d "{\"user\":\"$1\",\"password\":\"$2\"}" |
        sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}

serve
grep -q 'wrote [1-9][0-9]* data product(s)' "$dir/err" || fail "no products written"
ptok=$(login ines 'partner password 1'); [ -n "$ptok" ] || fail "partner login failed"
otok=$(login olga 'operator password 1'); [ -n "$otok" ] || fail "operator login failed"
curl -s -H "Authorization: Bearer $ptok" "$base/api/files" > "$dir/list"
n=$(grep -o '"partner":"[a-z]*"' "$dir/list" | sort -u)
[ "$n" = '"partner":"igg"' ] || fail "partner sees partners $n: $(cat "$dir/list")"
[ "$(grep -o '"name":' "$dir/list" | wc -l)" = 2 ] || fail "partner sees $(cat "$dir/list")"
name=$(sed -n 's/.*"name":"\(SEISMOMETER_STATUS_[0-9-]*\.csv\)".*/\1/p' "$dir/list" | head -n 1)
[ -n "$name" ] || fail "no SEISMOMETER_STATUS product in $(cat "$dir/list")"
code=$(curl -s -o "$dir/dl" -D "$dir/headers" -w '%{http_code}' -H "Authorization: Bearer $ptok" \
       "$base/api/files/igg/$name")
[ "$code" = 200 ] || fail "download answered $code"
grep -qi '^content-type: text/csv' "$dir/headers" || fail "no CSV content type: $(cat "$dir/headers")"
grep -qi "^content-disposition: attachment; filename=\"$name\"" "$dir/headers" ||
    fail "no attachment name: $(cat "$dir/headers")"
cmp -s "$dir/dl" "$dir/run/files/igg/$name" || fail "download differs from the file"
sum=$(sha256sum "$dir/dl" | cut -d' ' -f1)
size=$(wc -c < "$dir/dl" | tr -d ' ')
tr '{' '\n' < "$dir/list" | grep "\"name\":\"$name\"" | grep -q "\"size\":$size,\"sha256\":\"$sum\"" ||
    fail "catalog lacks size $size sha256 $sum for $name: $(cat "$dir/list")"
head -n 1 "$dir/dl" | grep -q '^time_utc,time_ms,enabled,on,powered,' || fail "bad CSV header"
other=$(curl -s -H "Authorization: Bearer $otok" "$base/api/files" |
        sed -n 's/.*"url":"\(\/api\/files\/cnsa\/[^"]*\)".*/\1/p' | head -n 1)
[ -n "$other" ] || fail "the operator does not see cnsa's files"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ptok" "$base$other")
[ "$code" = 403 ] || fail "another partner's file answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $otok" "$base$other")
[ "$code" = 200 ] || fail "the operator's download answered $code"
curl -s -H "Authorization: Bearer $otok" "$base/api/audit" | grep -q "\"resource\":\"file:cnsa/" ||
    fail "the refusal is not in the audit log"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ptok" "$base/api/files/igg/.hidden")
[ "$code" = 400 ] || fail "a hidden name answered $code"
curl -s -H "Authorization: Bearer $otok" "$base/api/stats" | grep -q '"bad_file_name":1,"files_sent":2' ||
    fail "stats: $(curl -s -H "Authorization: Bearer $otok" "$base/api/stats")"
stop
serve
grep -q 'wrote' "$dir/err" && fail "the second serve wrote products again"
stop
echo "cli_serve_files_test: ok"
