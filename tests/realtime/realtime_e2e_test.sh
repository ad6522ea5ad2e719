#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Station and ground as two processes (docs/station.md "Real time: station and
# ground as two processes"): `ilrs station --realtime --speed 60 --link-always`
# sends its telemetry frames over loopback UDP to `ilrs ground --link-listen
# --link-station`, which archives them (SQLite) and serves them over HTTP. A
# partner (igg) logs in with curl, sees its payload's telemetry history grow,
# commands its own payload (SeismometerSetMode 1: queued -> ... -> executed through
# FOP-1/FARM-1 and the station's response) and is refused (403) for another
# partner's payload command and telemetry. The run starts two minutes before a UTC
# midnight and the ground settles days after 30 s of data time (--files-settle 30):
# the day before midnight becomes complete within seconds, and its data products
# appear (files/ next to the archive): the partner lists and downloads its own, is
# refused another partner's (403). Both processes stop cleanly on SIGTERM.
# Usage: realtime_e2e_test.sh ILRS (run from the repository root; needs curl).
set -u
ilrs="$1"
dir=$(mktemp -d)
spid=""
gpid=""
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null
    [ -n "$gpid" ] && kill "$gpid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
fail() {
    echo "realtime_e2e_test: $*" >&2
    for f in st.out st.err g.out g.err; do
        [ -f "$dir/$f" ] && { echo "--- $f" >&2; tail -n 20 "$dir/$f" >&2; }
    done
    exit 1
}
free_udp_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    else
        echo $((20000 + $$ % 30000))
    fi
}
# HTTP status of a request: http_code METHOD PATH [DATA]
http_code() {
    if [ $# -ge 3 ]; then
        curl -s -o /dev/null -w '%{http_code}' -X "$1" -H "$auth" "$base$2" -d "$3"
    else
        curl -s -o /dev/null -w '%{http_code}' -X "$1" -H "$auth" "$base$2"
    fi
}
count_points() {
    curl -s -H "$auth" "$base/api/telemetry/$1?start=0&end=4102444800000" | grep -o timestamp | wc -l
}

# --- usage errors exit 2
"$ilrs" station 2>/dev/null; [ $? = 2 ] || fail "station without --realtime accepted"
"$ilrs" station --realtime --speed 0 2>/dev/null; [ $? = 2 ] || fail "--speed 0 accepted"
"$ilrs" station --realtime --link-ground nonsense 2>/dev/null; [ $? = 2 ] || fail "--link-ground nonsense accepted"

# --- without --link-always the link follows the direct-to-Earth radio: the default
# scenario starts with the Earth below the horizon of the south pole (no frames);
# a week later the Earth is up (frames). Nothing listens: the datagrams are lost.
frames_sent() {
    # the realtime endpoint's line ("... TM frames sent (N idle ..."), not the run's link model
    sed -n 's/.*space link: \([0-9]*\) TM frames sent (.*/\1/p' "$1"
}
"$ilrs" station scenarios/south-pole.yaml --realtime --speed 36000 --days 2h --out "$dir/down" \
    --link-listen 127.0.0.1:0 --link-ground 127.0.0.1:9 >"$dir/down.out" 2>&1 ||
    fail "radio-following run failed: $(cat "$dir/down.out")"
[ "$(frames_sent "$dir/down.out")" = 0 ] || fail "frames sent with the Earth below the horizon"
"$ilrs" station scenarios/south-pole.yaml --realtime --speed 36000 --days 2h --out "$dir/up" \
    --epoch 2030-01-08T00:00:00Z --link-listen 127.0.0.1:0 --link-ground 127.0.0.1:9 \
    >"$dir/up.out" 2>&1 || fail "radio-following run failed: $(cat "$dir/up.out")"
[ "$(frames_sent "$dir/up.out")" -gt 0 ] || fail "no frames with the Earth up"

# --- accounts
echo 'operator password 1' | "$ilrs" user add olga --role operator --password-stdin \
    --users "$dir/users.sqlite" 2>/dev/null || fail "user add (operator) failed"
echo 'partner password 1' | "$ilrs" user add ivan --role partner --partner igg --password-stdin \
    --users "$dir/users.sqlite" 2>/dev/null || fail "user add (partner) failed"

# --- the station: TC frames on a port it picks, TM frames to the ground's port
gport=$(free_udp_port)
"$ilrs" station scenarios/south-pole.yaml --realtime --speed 60 --link-always --days 2d \
    --epoch 2030-01-01T23:58:00Z --out "$dir/st" --link-listen 127.0.0.1:0 --link-ground "127.0.0.1:$gport" \
    >"$dir/st.out" 2>"$dir/st.err" &
spid=$!
sport=""
for _ in $(seq 1 300); do
    sport=$(sed -n 's/.*TC frames on UDP port \([0-9]*\).*/\1/p' "$dir/st.out")
    [ -n "$sport" ] && break
    kill -0 "$spid" 2>/dev/null || fail "the station exited"
    sleep 0.1
done
[ -n "$sport" ] || fail "the station did not announce its port"
[ -s "$dir/st/dictionary.json" ] || fail "no dictionary.json"

# --- the ground: the station's dictionary, a SQLite archive, the space link
"$ilrs" ground --listen 127.0.0.1:0 --db "$dir/ground.sqlite" --dict "$dir/st/dictionary.json" \
    --users "$dir/users.sqlite" --web web --link-listen "127.0.0.1:$gport" \
    --link-station "127.0.0.1:$sport" --files-settle 30 --files-recheck 1 \
    >"$dir/g.out" 2>"$dir/g.err" &
gpid=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/g.out")
    [ -n "$port" ] && break
    kill -0 "$gpid" 2>/dev/null || fail "the ground exited"
    sleep 0.1
done
[ -n "$port" ] || fail "the ground did not announce its HTTP port"
base="http://127.0.0.1:$port"
token=$(curl -s -X POST "$base/api/login" -d '{"user":"ivan","password":"partner password 1"}' |
        sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || fail "partner login failed"
auth="Authorization: Bearer $token"

# --- live telemetry: the partner's payload status history grows
n1=0
for _ in $(seq 1 100); do
    n1=$(count_points SEISMOMETER_STATUS.mode)
    [ "$n1" -gt 0 ] && break
    sleep 0.1
done
[ "$n1" -gt 0 ] || fail "no SEISMOMETER_STATUS telemetry reached the ground"
n2=$n1
for _ in $(seq 1 100); do
    n2=$(count_points SEISMOMETER_STATUS.mode)
    [ "$n2" -gt "$n1" ] && break
    sleep 0.1
done
[ "$n2" -gt "$n1" ] || fail "telemetry history did not grow ($n1 -> $n2 points)"

# --- the partner commands its own payload; state must reach executed
id=$(curl -s -X POST -H "$auth" "$base/api/commands" -d '{"name":"SeismometerSetMode","args":[1]}' |
     sed -n 's/.*"id":\([0-9]*\).*/\1/p')
[ -n "$id" ] || fail "command not queued"
state=""
for _ in $(seq 1 200); do
    state=$(curl -s -H "$auth" "$base/api/commands/history" |
            sed -n "s/.*\"id\":$id,[^}]*\"state\":\"\([a-z]*\)\".*/\1/p")
    [ "$state" = executed ] || [ "$state" = failed ] && break
    sleep 0.1
done
[ "$state" = executed ] || fail "command state '$state', expected executed"

# --- another partner's payload: command and telemetry refused
code=$(http_code POST /api/commands '{"name":"LfraSetMode","args":[1]}')
[ "$code" = 403 ] || fail "another partner's command answered $code, expected 403"
code=$(http_code GET "/api/telemetry/LFRA_STATUS.mode?start=0&end=4102444800000")
[ "$code" = 403 ] || fail "another partner's telemetry answered $code, expected 403"

# --- data products: 2030-01-01 is complete once the data passed 00:00:30
files=""
for _ in $(seq 1 300); do
    files=$(curl -s -H "$auth" "$base/api/files")
    echo "$files" | grep -q '"name":"SEISMOMETER_STATUS_2030-01-01.csv"' && break
    sleep 0.1
done
echo "$files" | grep -q '"name":"SEISMOMETER_STATUS_2030-01-01.csv"' ||
    fail "no SEISMOMETER_STATUS product for 2030-01-01: $files"
[ "$(echo "$files" | grep -o '"partner":"[a-z]*"' | sort -u)" = '"partner":"igg"' ] ||
    fail "the partner lists other partners' products: $files"
echo "$files" | grep -q '2030-01-02' && fail "a product of the incomplete day: $files"
code=$(curl -s -o "$dir/dl.csv" -w '%{http_code}' -H "$auth" \
       "$base/api/files/igg/SEISMOMETER_STATUS_2030-01-01.csv")
[ "$code" = 200 ] || fail "own product answered $code"
cmp -s "$dir/dl.csv" "$dir/files/igg/SEISMOMETER_STATUS_2030-01-01.csv" ||
    fail "download differs from files/igg/SEISMOMETER_STATUS_2030-01-01.csv"
rows=$(($(wc -l < "$dir/dl.csv") - 1))
[ "$rows" -gt 0 ] || fail "empty product"
grep -v '^time_utc' "$dir/dl.csv" | grep -qv '^2030-01-01T23:5' && fail "rows outside 23:58..24:00"
otoken=$(curl -s -X POST "$base/api/login" -d '{"user":"olga","password":"operator password 1"}' |
         sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
other=$(curl -s -H "Authorization: Bearer $otoken" "$base/api/files" | tr '{' '\n' |
        grep -v '"partner":"igg"' | sed -n 's/.*"url":"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$other" ] || fail "the operator sees no other partner's product"
code=$(http_code GET "$other")
[ "$code" = 403 ] || fail "another partner's product $other answered $code, expected 403"

# --- stop both cleanly; the station reports the command it ingested
kill -TERM "$spid"
wait "$spid"; status=$?
spid=""
[ "$status" = 0 ] || fail "station exited $status after SIGTERM"
grep -q 'commands 1 in, 1 accepted by ingest' "$dir/st.out" || fail "the station did not ingest one command"
[ -s "$dir/st/summary.json" ] || fail "the station wrote no summary.json"
kill -TERM "$gpid"
wait "$gpid"; status=$?
gpid=""
[ "$status" = 0 ] || fail "ground exited $status after SIGTERM"
echo "realtime_e2e_test: ok ($n2 telemetry points, command $id executed, product of $rows rows)"
