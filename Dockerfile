# The dashboard (ui/) is bundled by esbuild, a development dependency: in a stage of its own.
FROM node:24-slim AS ui
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/build-ui.ts ./scripts/
COPY ui ./ui
RUN node scripts/build-ui.ts

# Wharf runs straight from its TypeScript sources on Node 24 (type stripping): no build step.
FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
# No scripts: `prepare` builds the dashboard, which the stage above did.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY --from=ui /app/ui/dist ./ui/dist
# graphql-js drops its development-only checks (instanceof on every value) in production.
ENV NODE_ENV=production
USER node
# No WHARF_LISTEN here: the default, 127.0.0.1:4000, is the container's own loopback, so the image
# alone serves nobody outside it. Publishing it is a decision made where it runs: set
# WHARF_LISTEN=0.0.0.0:4000 and WHARF_AUTH=none (Wharf refuses a non-loopback listener without it)
# and publish on the host's loopback only (-p 127.0.0.1:4000:4000), as docker-compose.yml does.
EXPOSE 4000
# Ready means the engine answers, so a socket the node user cannot open shows as unhealthy. The
# probe comes from inside the container, on loopback, with a loopback Host that Wharf accepts.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["node", "-e", "const l=process.env.WHARF_LISTEN||'127.0.0.1:4000';fetch('http://127.0.0.1:'+l.slice(l.lastIndexOf(':')+1)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "src/cli.ts"]
CMD ["serve"]
