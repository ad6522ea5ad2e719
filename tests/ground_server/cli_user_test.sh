#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `ilrs user add|list|remove` end to end on a fresh store: exit codes, list content,
# and that the store holds an argon2id hash, not the password. Usage: cli_user_test.sh ILRS
set -u
ilrs="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
store="$dir/users.sqlite"
fail() { echo "cli_user_test: $*" >&2; exit 1; }
expect() { # expect STATUS command...
    want=$1; shift
    "$@" >"$dir/out" 2>"$dir/err"; got=$?
    [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want: $(cat "$dir/err")"
}
echo 'operator password 1' | expect 0 "$ilrs" user add olga --role operator --password-stdin --users "$store"
echo 'partner password 1' | expect 0 "$ilrs" user add erik --role partner --partner esa --password-stdin --users "$store"
echo 'partner password 1' | expect 1 "$ilrs" user add erik --role viewer --password-stdin --users "$store"
echo 'partner password 1' | expect 2 "$ilrs" user add anna --role partner --password-stdin --users "$store"
echo 'viewer password' | expect 2 "$ilrs" user add anna --role viewer --partner esa --password-stdin --users "$store"
echo 'short' | expect 1 "$ilrs" user add anna --role viewer --password-stdin --users "$store"
echo 'x password x' | expect 2 "$ilrs" user add anna --role admin --password-stdin --users "$store"
expect 0 "$ilrs" user list --users "$store"
grep -q '^olga  *operator  *- ' "$dir/out" || fail "list lacks olga: $(cat "$dir/out")"
grep -q '^erik  *partner  *esa ' "$dir/out" || fail "list lacks erik of esa: $(cat "$dir/out")"
grep -q anna "$dir/out" && fail "a refused user was stored"
grep -q 'operator password 1' "$store" && fail "the password is stored in clear"
grep -q 'argon2id' "$store" || fail "no argon2id hash in the store"
expect 0 "$ilrs" user remove erik --users "$store"
expect 1 "$ilrs" user remove erik --users "$store"
expect 0 "$ilrs" user list --users "$store"
grep -q erik "$dir/out" && fail "erik still listed after remove"
expect 2 "$ilrs" user frobnicate --users "$store"
echo "cli_user_test: ok"
