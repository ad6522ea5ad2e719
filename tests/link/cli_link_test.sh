#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `ilrs ground --link-listen --link-station` end to end: a station stand-in
# (link_station_sim: flight instance + LINK + ECHO over UDP) and the live server with
# a SQLite archive. An operator queues EchoSet(9) over HTTP; the command must reach
# state "executed" (sent → accepted → executed through FOP-1/FARM-1 and the
# station's response) and run on the station once; the station's telemetry must be
# in the archive behind /api/telemetry. Usage: cli_link_test.sh ILRS SIM (needs curl).
set -u
ilrs="$1"
sim="$2"
dir=$(mktemp -d)
pid=""
simpid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    [ -n "$simpid" ] && kill "$simpid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
fail() {
    echo "cli_link_test: $*" >&2
    for f in err sim.err sim.out; do [ -f "$dir/$f" ] && cat "$dir/$f" >&2; done
    exit 1
}
echo 'operator password 1' | "$ilrs" user add olga --role operator --password-stdin \
    --users "$dir/users.sqlite" 2>/dev/null || fail "user add failed"
"$ilrs" ground --link-listen nonsense 2>/dev/null; [ $? = 2 ] || fail "--link-listen nonsense accepted"
"$ilrs" ground --link-station 127.0.0.1:1 2>/dev/null; [ $? = 2 ] || fail "--link-station alone accepted"
"$sim" "$dir" >"$dir/sim.out" 2>"$dir/sim.err" &
simpid=$!
for _ in $(seq 1 100); do [ -s "$dir/station_port" ] && break; sleep 0.1; done
sport=$(cat "$dir/station_port" 2>/dev/null)
[ -n "$sport" ] || fail "the station did not start"
"$ilrs" ground --listen 127.0.0.1:0 --db "$dir/archive.sqlite" --dict "$dir/dictionary.json" \
    --web web --link-listen 127.0.0.1:0 --link-station "127.0.0.1:$sport" >"$dir/out" 2>"$dir/err" &
pid=$!
port=""
tm=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/out")
    tm=$(sed -n 's|.*TM frames on UDP port \([0-9]*\).*|\1|p' "$dir/out")
    [ -n "$port" ] && [ -n "$tm" ] && break
    sleep 0.1
done
[ -n "$port" ] && [ -n "$tm" ] || fail "no ports announced"
echo "$tm" >"$dir/ground_port.tmp" && mv "$dir/ground_port.tmp" "$dir/ground_port"
base="http://127.0.0.1:$port"
token=$(curl -s -X POST "$base/api/login" -d '{"user":"olga","password":"operator password 1"}' |
        sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || fail "login failed"
auth="Authorization: Bearer $token"
id=$(curl -s -X POST -H "$auth" "$base/api/commands" -d '{"name":"EchoSet","args":[9]}' |
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
# the link flushes the archive once a second while packets arrive
points=""
for _ in $(seq 1 50); do
    points=$(curl -s -H "$auth" "$base/api/telemetry/LINK_HK.tm_frames?start=0&end=4102444800000")
    case "$points" in *timestamp*) break ;; esac
    sleep 0.1
done
case "$points" in
    *timestamp*) ;;
    *) fail "no LINK_HK telemetry in the archive: $points" ;;
esac
touch "$dir/stop"
wait "$simpid"; simpid=""
grep -q '^echo 9$' "$dir/sim.out" || fail "the station did not execute EchoSet(9)"
[ "$(grep -c '^echo ' "$dir/sim.out")" = 1 ] || fail "EchoSet executed more than once"
kill -TERM "$pid"
wait "$pid"; status=$?
pid=""
[ "$status" = 0 ] || fail "ground exited $status after SIGTERM"
echo "cli_link_test: ok"
