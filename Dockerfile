# idsync container image (issue 16): `idsync serve` as a non-root user on slim Node 20.
#
#   docker build -t idsync .
#   docker run -v ./idsync.yaml:/etc/idsync/idsync.yaml:ro -e IDSYNC_NODE_NAME=hub-a -p 8470:8470 idsync
#
# The configuration must make the API listen on every interface (`api: { listen: "0.0.0.0:8470" }`)
# and name a PostgreSQL store to run several nodes (packaging/container/compose.yaml). The image
# holds no secret: bind passwords and the store's URL come from the mounted file or the
# environment (docs/configuration.md).

# Build: compilers for the native module (better-sqlite3, when no prebuilt binary can be
# downloaded), the TypeScript build, then the dev dependencies dropped.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /src/package.json ./
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --from=build --chown=root:root /src/bin ./bin
# The node image's unprivileged user (uid 1000). The application files belong to root and are
# read-only to it; a SQLite store (one node only) would go in /var/lib/idsync.
RUN mkdir -p /etc/idsync /var/lib/idsync && chown node:node /var/lib/idsync && chmod 0700 /var/lib/idsync
USER node
WORKDIR /var/lib/idsync
EXPOSE 8470
# What the health check asks: set it when api.listen is not port 8470 on every interface or on
# 127.0.0.1 (e.g. -e IDSYNC_HEALTHCHECK_URL=http://127.0.0.1:9000/healthz).
ENV IDSYNC_HEALTHCHECK_URL=http://127.0.0.1:8470/healthz
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch(process.env.IDSYNC_HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/idsync.js"]
CMD ["--config", "/etc/idsync/idsync.yaml", "serve"]
