#!/usr/bin/env bash
# Local stand-ins for the two base images the Dockerfile names, for a machine that cannot reach
# docker.io but has a Debian mirror and Node 20 installed (issue 16; docs/multi-node.md
# "What the image was checked on"). Run as root. Makes, in the engine's local storage:
#
#   docker.io/library/node:20-bookworm-slim  Debian bookworm (debootstrap minbase), this machine's
#                                           node, npm and Node headers in /usr/local, user and
#                                           group `node` with id 1000, as the official image has;
#   docker.io/library/node:20-bookworm       the same plus python3, make, g++ (the official one is
#                                           buildpack-deps, which has them), and
#                                           npm_config_nodedir=/usr/local so node-gyp finds the
#                                           headers without downloading them from nodejs.org;
#                                           and the host's extra CAs (below), for npm.
#
# A host that reaches the registries through a TLS-intercepting proxy trusts its CA in
# /usr/local/share/ca-certificates: the node:20-bookworm stand-in trusts the same certificates
# (HOST_CAS=0 to leave them out), else `npm ci` fails with SELF_SIGNED_CERT_IN_CHAIN. The official
# image, on a host with direct access, needs none.
#
# They are not the official images: the official ones have their own Node build, more packages in
# node:20-bookworm, and node-gyp downloads headers there. Both images are replaced if they exist.
#
#   ENGINE="podman" or "docker" (default: podman if installed; with podman on a host with hybrid
#   cgroups v1+v2, where crun refuses to run, "podman --runtime runc")
#   MIRROR=http://deb.debian.org/debian
#   WORK=/var/tmp/idsync-standin (the debootstrap tree is kept there and reused)
#   POSTGRES=1 also makes a postgres:16 stand-in for compose.yaml (at the end of this file)
set -euo pipefail

if [[ -z ${ENGINE:-} ]]; then
  if ! command -v podman >/dev/null; then ENGINE=docker
  elif [[ -d /sys/fs/cgroup/unified ]] && command -v runc >/dev/null; then ENGINE="podman --runtime runc"
  else ENGINE=podman; fi
fi
MIRROR=${MIRROR:-http://deb.debian.org/debian}
WORK=${WORK:-/var/tmp/idsync-standin}
SLIM=docker.io/library/node:20-bookworm-slim
FULL=docker.io/library/node:20-bookworm
BASE=localhost/idsync-standin/bookworm:minbase

node_bin=$(readlink -f "$(command -v node)")
[[ $("$node_bin" -p 'process.versions.node.split(".")[0]') == 20 ]] || { echo "node on PATH is not Node 20" >&2; exit 1; }
node_prefix=$(dirname "$(dirname "$node_bin")")
npm_dir=$(npm root -g)/npm
headers=$node_prefix/include/node
[[ -d $npm_dir && -f $headers/node.h ]] || { echo "npm ($npm_dir) or Node headers ($headers) missing" >&2; exit 1; }

mkdir -p "$WORK"
if [[ ! -x $WORK/rootfs/usr/bin/apt-get ]]; then
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR"
fi
if ! $ENGINE image inspect "$BASE" >/dev/null 2>&1; then
  # apt inside the images uses the same mirror
  echo "deb $MIRROR bookworm main" >"$WORK/rootfs/etc/apt/sources.list"
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" --numeric-owner -c . | $ENGINE import --change 'CMD ["bash"]' - "$BASE"
fi

ctx=$WORK/node-context
rm -rf "$ctx" && mkdir -p "$ctx/usr/local/bin" "$ctx/usr/local/lib/node_modules" "$ctx/usr/local/include"
cp "$node_bin" "$ctx/usr/local/bin/node"
cp -a "$npm_dir" "$ctx/usr/local/lib/node_modules/npm"
cp -a "$headers" "$ctx/usr/local/include/node"
cat >"$ctx/Containerfile" <<EOF
FROM $BASE
COPY usr/local /usr/local
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
CMD ["node"]
EOF
$ENGINE build --pull=never --network host -t "$SLIM" "$ctx"

mkdir -p "$ctx/cas"
if [[ ${HOST_CAS:-1} == 1 ]]; then cp /usr/local/share/ca-certificates/*.crt "$ctx/cas/" 2>/dev/null || true; fi
cat >"$ctx/Containerfile.full" <<EOF
FROM $SLIM
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates python3 make g++ \\
 && rm -rf /var/lib/apt/lists/*
COPY cas/ /usr/local/share/ca-certificates/
RUN update-ca-certificates
ENV npm_config_nodedir=/usr/local NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
EOF
$ENGINE build --pull=never --network host -t "$FULL" -f "$ctx/Containerfile.full" "$ctx"
$ENGINE images --filter reference='*node*'

# POSTGRES=1: also a stand-in for postgres:16, which compose.yaml runs: Debian bookworm's
# PostgreSQL 15 (not 16) with an entrypoint that, like the official one, creates POSTGRES_USER
# (superuser, password POSTGRES_PASSWORD) and POSTGRES_DB in an empty data directory.
if [[ ${POSTGRES:-0} == 1 ]]; then
  pg=$WORK/pg-context
  rm -rf "$pg" && mkdir -p "$pg"
  cp "$(dirname "$0")/standin-postgres-entrypoint.sh" "$pg/entrypoint.sh"
  chmod 755 "$pg/entrypoint.sh"
  cat >"$pg/Containerfile" <<EOF
FROM $SLIM
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \\
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH
COPY entrypoint.sh /entrypoint.sh
USER postgres
ENTRYPOINT ["/entrypoint.sh"]
EOF
  $ENGINE build --pull=never --network host -t docker.io/library/postgres:16 "$pg"
fi
