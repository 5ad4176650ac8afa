#!/usr/bin/env bash
# Builds the idsync image from the Dockerfile and checks it (issue 16; docs/multi-node.md "What the
# image was checked on"): two containers of it run `idsync serve` on one PostgreSQL schema, as
# uid 1000, answer /healthz, cannot write to /app, both show in `idsync nodes`, and stop cleanly on
# SIGTERM. Run as root (or a user the engine lets build and run), from anywhere:
#
#   packaging/container/test-image.sh
#
#   PG_URL    a PostgreSQL database the containers reach on the host's network
#             (default postgres://postgres@127.0.0.1:5432/test); the schema SCHEMA
#             (default image_test) is dropped before and after
#   ENGINE    "podman" or "docker" (default: podman if installed; "podman --runtime runc" on a host
#             with hybrid cgroups v1+v2, where crun refuses to run)
#   IMAGE     tag to build (default localhost/idsync:test); BUILD=0 checks an existing one
#   STANDIN   auto (default): when node:20-bookworm(-slim) are neither local nor pullable, make
#             stand-ins with standin-bases.sh (needs debootstrap and a Debian mirror); 0: never
#   PORT_A, PORT_B  the API ports of the two nodes on the host (default 18471, 18472)
#   RUN_OPTS  more options for `run`; with podman, default --ulimit nofile=N:N --ulimit nproc=M:M
#             from this shell's hard limits: podman 4.3 otherwise asks for nofile=1048576 (even
#             with --ulimit host), which a host without CAP_SYS_RESOURCE refuses
#
# The containers use the host's network (so that a PostgreSQL on 127.0.0.1 is reachable), hence
# one configuration per node that differs by api.listen. compose.yaml itself is not run here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [[ -z ${ENGINE:-} ]]; then
  if ! command -v podman >/dev/null; then ENGINE=docker
  elif [[ -d /sys/fs/cgroup/unified ]] && command -v runc >/dev/null; then ENGINE="podman --runtime runc"
  else ENGINE=podman; fi
fi
IMAGE=${IMAGE:-localhost/idsync:test}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
SCHEMA=${SCHEMA:-image_test}
PORT_A=${PORT_A:-18471}
PORT_B=${PORT_B:-18472}
STANDIN=${STANDIN:-auto}
BUILD=${BUILD:-1}
KEY=test-image-secrets-key-0123456789abcdef
if [[ -z ${RUN_OPTS+x} ]]; then
  RUN_OPTS=
  if [[ $ENGINE == podman* ]]; then
    nproc=$(ulimit -Hu); [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
    RUN_OPTS="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=$nproc:$nproc"
  fi
fi
cfg=$(mktemp -d /tmp/idsync-image-test.XXXXXX)
chmod 755 "$cfg"

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
idsync_in() { local c=$1; shift; $ENGINE exec "$c" node /app/bin/idsync.js --config /etc/idsync/idsync.yaml "$@"; }
drop_schema() { command -v psql >/dev/null && psql -q "$PG_URL" -c "drop schema if exists \"$SCHEMA\" cascade" 2>/dev/null || true; }
cleanup() {
  $ENGINE rm -f idsync-test-a idsync-test-b >/dev/null 2>&1 || true
  drop_schema
  rm -rf "$cfg"
}
trap cleanup EXIT
cleanup_first() { $ENGINE rm -f idsync-test-a idsync-test-b >/dev/null 2>&1 || true; drop_schema; }

if [[ $BUILD == 1 ]]; then
  step "base images"
  for b in docker.io/library/node:20-bookworm docker.io/library/node:20-bookworm-slim; do
    $ENGINE image inspect "$b" >/dev/null 2>&1 && continue
    if timeout 120 $ENGINE pull "$b"; then continue; fi
    [[ $STANDIN == 0 ]] && fail "$b is neither local nor pullable (STANDIN=0)"
    echo "$b not reachable: making stand-ins (standin-bases.sh)"
    ENGINE=$ENGINE "$here/standin-bases.sh"
    break
  done
  step "build $IMAGE"
  fmt=()
  [[ $ENGINE == podman* ]] && fmt=(--format docker) # keeps HEALTHCHECK (OCI images have none)
  $ENGINE build "${fmt[@]}" --network host -t "$IMAGE" "$root"
fi

step "image metadata"
user=$($ENGINE image inspect --format '{{.Config.User}}' "$IMAGE")
[[ $user == node ]] || fail "image USER is '$user', not node"
echo "USER $user"

cleanup_first
sep='?'; [[ $PG_URL == *\?* ]] && sep='&'
for n in a b; do
  port=PORT_${n^^}
  cat >"$cfg/$n.yaml" <<EOF
store: ${PG_URL}${sep}schema=${SCHEMA}
api:
  listen: 127.0.0.1:${!port}
  secretsKey: { env: IDSYNC_SECRETS_KEY }
directories: []
EOF
  chmod 644 "$cfg/$n.yaml"
done

start() { # name port
  # shellcheck disable=SC2086
  $ENGINE run -d $RUN_OPTS --name "idsync-test-$1" --network host \
    -v "$cfg/$1.yaml:/etc/idsync/idsync.yaml:ro" \
    -e IDSYNC_NODE_NAME="test-$1" -e IDSYNC_SECRETS_KEY="$KEY" \
    -e IDSYNC_HEALTHCHECK_URL="http://127.0.0.1:$2/healthz" "$IMAGE" >/dev/null \
    2> >(grep -v 'systemd connection' >&2) # podman without systemd: no periodic health checks
  for _ in $(seq 60); do
    curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && { echo "node test-$1: /healthz answers on :$2"; return; }
    [[ $($ENGINE inspect --format '{{.State.Running}}' "idsync-test-$1") == true ]] || break
    sleep 1
  done
  $ENGINE logs "idsync-test-$1" | tail -30
  fail "node test-$1 did not answer /healthz on :$2"
}

step "run node test-a"
start a "$PORT_A"
curl -sS "http://127.0.0.1:$PORT_A/healthz"; echo

step "user and files (node test-a)"
uid=$($ENGINE exec idsync-test-a sh -c 'awk "/^Uid:/ {print \$2}" /proc/1/status')
cmd=$($ENGINE exec idsync-test-a sh -c 'tr "\0" " " </proc/1/cmdline')
echo "pid 1: uid $uid: $cmd"
[[ $uid == 1000 ]] || fail "the server runs as uid $uid"
[[ $cmd == *"/app/bin/idsync.js"*serve* ]] || fail "pid 1 is not idsync serve"
writable=$($ENGINE exec idsync-test-a find /app -writable -print -quit)
[[ -z $writable ]] || fail "uid 1000 can write $writable"
$ENGINE exec idsync-test-a sh -c 'touch /app/x 2>/dev/null' && fail "uid 1000 can create files in /app"
echo "nothing under /app is writable by uid 1000"
$ENGINE exec idsync-test-a sh -c 'touch /var/lib/idsync/.w && rm /var/lib/idsync/.w' || fail "/var/lib/idsync is not writable"
echo "/var/lib/idsync is writable by uid 1000"
[[ $($ENGINE image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE") == *IDSYNC_HEALTHCHECK_URL* ]] ||
  fail "the image has no HEALTHCHECK (podman: build with --format docker)"
if [[ $ENGINE == podman* ]]; then
  health=$($ENGINE healthcheck run idsync-test-a 2>&1) || fail "HEALTHCHECK: $health"
else
  for _ in $(seq 40); do
    health=$($ENGINE inspect --format '{{.State.Health.Status}}' idsync-test-a)
    [[ $health == starting ]] || break
    sleep 1
  done
  [[ $health == healthy ]] || fail "HEALTHCHECK: $health"
fi
echo "HEALTHCHECK: healthy"

step "run node test-b on the same schema"
start b "$PORT_B"
sleep 2
idsync_in idsync-test-a nodes
json=$(idsync_in idsync-test-a nodes --json)
for n in test-a test-b; do
  node -e 'const v = JSON.parse(process.argv[1]); const n = v.nodes.find((x) => x.name === process.argv[2]);
    if (!n || !n.alive) { console.error(`${process.argv[2]} not alive in idsync nodes`); process.exit(1); }' "$json" "$n" ||
    fail "idsync nodes does not show $n alive"
done
echo "idsync nodes shows test-a and test-b alive"

step "SIGTERM"
for n in a b; do
  $ENGINE stop -t 60 "idsync-test-$n" >/dev/null 2> >(grep -v 'systemd connection' >&2)
  code=$($ENGINE inspect --format '{{.State.ExitCode}}' "idsync-test-$n")
  echo "test-$n stopped, exit code $code"
  [[ $code == 0 ]] || { $ENGINE logs "idsync-test-$n" | tail -20; fail "test-$n exited with $code on SIGTERM"; }
done

step "all checks passed ($IMAGE)"
