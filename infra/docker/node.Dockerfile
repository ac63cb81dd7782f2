# One image per repo service (edge, processor, dashboard, migrate), built from the monorepo root as context.
# NODE_IMAGE comes from infra/versions.json via docker-compose build args.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY edge/package.json edge/
COPY processor/package.json processor/
COPY dashboard/package.json dashboard/
COPY client/package.json client/
COPY infra/package.json infra/
RUN npm ci --include=dev
COPY . .

FROM deps AS migrate
CMD ["node", "infra/migrations/migrate.ts"]

FROM deps AS processor
# A deployed image: outside development the processor demands its servers and the edge's databases (config.ts).
ENV ENVIRONMENT=production
CMD ["node", "processor/src/main.ts"]

FROM deps AS edge
EXPOSE 18787
CMD ["node", "infra/docker/edgeEntrypoint.ts"]

FROM deps AS dashboard
RUN npm run build -w @proctor/dashboard
# A deployed image: outside development the dashboard demands the edge's databases and origins (server/env.ts).
ENV HOST=0.0.0.0 PORT=14321 ENVIRONMENT=production
EXPOSE 14321
CMD ["node", "dashboard/dist/server/entry.mjs"]
