#!/usr/bin/env bash
# Interop: the AWS CLI's PartiQL commands (execute-statement,
# batch-execute-statement, execute-transaction) against the emulator.
#
# Endpoint: $DDB_ENDPOINT when set (a running emulator); otherwise the
# script starts the binary at $DDB_EMULATOR_BIN (default
# target/debug/ddb-emulator, built by `cargo build -p ddb-emulator`) on a
# free port and stops it on exit. Needs `aws` (v1 or v2) and `jq` on PATH;
# without `aws` it says so and exits 0, unless REQUIRE_AWS_CLI=1.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v aws >/dev/null; then
    echo "partiql_cli.sh: no aws CLI on PATH; skipped"
    [ "${REQUIRE_AWS_CLI:-0}" = 1 ] && exit 1
    exit 0
fi
command -v jq >/dev/null || { echo "partiql_cli.sh: jq is required" >&2; exit 1; }

server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

endpoint="${DDB_ENDPOINT:-}"
if [ -z "$endpoint" ]; then
    bin="${DDB_EMULATOR_BIN:-target/debug/ddb-emulator}"
    [ -x "$bin" ] || { echo "partiql_cli.sh: $bin not built (cargo build -p ddb-emulator)" >&2; exit 1; }
    fifo=$(mktemp -u); mkfifo "$fifo"
    "$bin" --port 0 >"$fifo" 2>/dev/null &
    server_pid=$!
    read -r line <"$fifo"; rm -f "$fifo"
    endpoint="${line#listening on }"
fi

export AWS_ACCESS_KEY_ID=AKIDINTEROP AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
ddb() { aws dynamodb --endpoint-url "$endpoint" --output json "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { # check <description> <expected> <actual>
    [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
    echo "ok - $1"
}

table="cli_partiql_$$"
ddb create-table --table-name "$table" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N \
    --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE >/dev/null

for i in 1 2 3 4 5; do
    ddb execute-statement --statement "INSERT INTO \"$table\" VALUE {'pk': 'a', 'sk': $i, 'v': ?}" \
        --parameters "[{\"N\": \"$((i * 10))\"}]" >/dev/null
done
check "INSERT then SELECT by key" "30" \
    "$(ddb execute-statement --statement "SELECT v FROM \"$table\" WHERE pk = 'a' AND sk = 3" | jq -r '.Items[0].v.N')"
check "SELECT a partition in sort order" "5 4 3 2 1" \
    "$(ddb execute-statement --statement "SELECT * FROM \"$table\" WHERE pk = ? ORDER BY sk DESC" \
        --parameters '[{"S": "a"}]' | jq -r '[.Items[].sk.N] | join(" ")')"

# Pagination: one page of two, then the rest through NextToken.
page=$(ddb execute-statement --statement "SELECT * FROM \"$table\" WHERE pk = 'a'" --limit 2)
check "first page" "1 2" "$(echo "$page" | jq -r '[.Items[].sk.N] | join(" ")')"
token=$(echo "$page" | jq -r '.NextToken')
[ -n "$token" ] && [ "$token" != null ] || fail "no NextToken"
check "second page" "3 4" "$(ddb execute-statement --statement "SELECT * FROM \"$table\" WHERE pk = 'a'" \
    --limit 2 --next-token "$token" | jq -r '[.Items[].sk.N] | join(" ")')"

check "UPDATE ... RETURNING ALL NEW *" "31" \
    "$(ddb execute-statement --statement "UPDATE \"$table\" SET v = v + 1 WHERE pk = 'a' AND sk = 3 RETURNING ALL NEW *" \
        | jq -r '.Items[0].v.N')"
check "DELETE ... RETURNING ALL OLD *" "10" \
    "$(ddb execute-statement --statement "DELETE FROM \"$table\" WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *" \
        | jq -r '.Items[0].v.N')"

# Errors come back as the service's error codes.
set +e
out=$(ddb execute-statement --statement "INSERT INTO \"$table\" VALUE {'pk': 'a', 'sk': 2}" 2>&1); status=$?
set -e
[ $status -ne 0 ] || fail "duplicate INSERT succeeded"
echo "$out" | grep -q "DuplicateItemException" || fail "duplicate INSERT: $out"
echo "ok - duplicate INSERT is DuplicateItemException"
set +e
out=$(ddb execute-statement --statement "SELECT * FROM" 2>&1); status=$?
set -e
[ $status -ne 0 ] || fail "malformed statement succeeded"
echo "$out" | grep -q "ValidationException" || fail "malformed statement: $out"
echo "$out" | grep -q "Statement wasn't well formed" || fail "malformed statement: $out"
echo "ok - malformed statement is ValidationException"

check "batch-execute-statement, one failure" "null DuplicateItem" \
    "$(ddb batch-execute-statement --statements "[
        {\"Statement\": \"INSERT INTO \\\"$table\\\" VALUE {'pk': 'b', 'sk': 1}\"},
        {\"Statement\": \"INSERT INTO \\\"$table\\\" VALUE {'pk': 'a', 'sk': 2}\"}]" \
        | jq -r '[.Responses[] | (.Error.Code // "null")] | join(" ")')"

ddb execute-transaction --transact-statements "[
    {\"Statement\": \"UPDATE \\\"$table\\\" SET v = 0 WHERE pk = 'a' AND sk = 2\"},
    {\"Statement\": \"DELETE FROM \\\"$table\\\" WHERE pk = 'b' AND sk = 1\"}]" \
    --client-request-token cli-token-1 >/dev/null
check "execute-transaction applied" "0" \
    "$(ddb execute-statement --statement "SELECT v FROM \"$table\" WHERE pk = 'a' AND sk = 2" | jq -r '.Items[0].v.N')"
set +e
out=$(ddb execute-transaction --transact-statements "[
    {\"Statement\": \"INSERT INTO \\\"$table\\\" VALUE {'pk': 'a', 'sk': 2}\"}]" 2>&1); status=$?
set -e
[ $status -ne 0 ] || fail "cancelled transaction succeeded"
echo "$out" | grep -q "TransactionCanceledException" || fail "cancelled transaction: $out"
echo "ok - cancelled transaction is TransactionCanceledException"

ddb delete-table --table-name "$table" >/dev/null
echo "partiql_cli.sh: all checks passed"
