# icsync in a container. NOT BUILT in icsync's CI: the machines that run .ci/run have no Docker
# engine, so this file is written with care but untested; docs/DEPLOYMENT.md says so too.
#
#   docker build -t icsync .
#   docker run -d --name icsync -p 8090:8090 \
#     -v /etc/icsync:/etc/icsync:ro -v icsync-data:/var/lib/icsync icsync
#
# The configuration is /etc/icsync/icsync.yaml (secrets as ${file:/etc/icsync/secrets/…} or
# ${ENV}); set store.url to sqlite:/var/lib/icsync/icsync.db or a postgres:// URL.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY icsync.example.yaml README.md ./
RUN npm run build && npm pack --pack-destination /dist

FROM node:20-bookworm-slim
# better-sqlite3 downloads a prebuilt binary while installing; without network at that point it
# compiles one, which needs these. They are removed again in the same layer.
COPY --from=build /dist/icsync-*.tgz /tmp/
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && npm install -g --no-audit --no-fund /tmp/icsync-*.tgz \
 && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* /tmp/icsync-*.tgz /root/.npm \
 && mkdir -p /var/lib/icsync /etc/icsync && chown node:node /var/lib/icsync
USER node
WORKDIR /var/lib/icsync
ENV ICSYNC_CONFIG=/etc/icsync/icsync.yaml NODE_ENV=production
VOLUME ["/var/lib/icsync"]
EXPOSE 8090
# Docker stops with SIGTERM: icsync finishes its steps and exits; allow it time (docker stop -t 150).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch('http://127.0.0.1:8090/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Listen on every interface inside the container; publish the port only where it is safe.
CMD ["icsync", "run", "--host", "0.0.0.0"]
