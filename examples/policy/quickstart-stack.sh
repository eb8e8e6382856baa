#!/usr/bin/env bash
# Runs COMMAND inside a ready stack of examples/quickstart: a fresh emulator on a free port, a
# file:// backend in a temporary directory, stack `bench` brought up once, so that a preview
# has nothing to change. Used to measure what the policy pack adds to a preview:
#
#   examples/policy/quickstart-stack.sh sh -c 'pulumi preview --non-interactive \
#       --policy-pack "$POLICY_PACK" --policy-pack-config "$LIMITS"'
#
# COMMAND runs in the project directory with PATH (engine, then .venv/bin), the Pulumi
# variables, POLICY_PACK (the shipped pack) and LIMITS (examples/policy/limits.json) set.
# Everything is removed afterwards. Needs `.venv` with `pip install -e '.[dev]'`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $# -gt 0 ]] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
python="$ROOT/.venv/bin/python"
engine="$("$ROOT/tools/engine/path")"
work="$(mktemp -d)"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$python" -m pulumi_resellertenant.emulator --port 0 >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
url=""
for _ in $(seq 200); do
    url="$(sed -n 's/^Emulator listening on //p' "$work/emulator.out")"
    [[ -n "$url" ]] && break
    sleep 0.1
done
[[ -n "$url" ]] || { echo "the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }

export PATH="$engine:$ROOT/.venv/bin:$PATH"
export PULUMI_HOME="$work/pulumi-home" PULUMI_BACKEND_URL="file://$work/backend"
export PULUMI_CONFIG_PASSPHRASE=bench PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export POLICY_PACK="$("$python" -m pulumi_resellertenant.policy path)"
export LIMITS="$ROOT/examples/policy/limits.json"
mkdir -p "$PULUMI_HOME" "$work/backend"
cp -r "$ROOT/examples/quickstart" "$work/quickstart"
cd "$work/quickstart"

pulumi --non-interactive stack init bench >/dev/null
pulumi --non-interactive config set mailbux:baseUrl "$url"
pulumi --non-interactive config set --secret mailbux:apiKey mailbux-local-key
pulumi --non-interactive config set easymailarchive:baseUrl "$url"
pulumi --non-interactive config set --secret easymailarchive:apiKey easymailarchive-local-key
pulumi --non-interactive up --yes --skip-preview >/dev/null

"$@"
