# Wharf runs straight from its TypeScript sources on Node 24 (type stripping): no build step.
FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
USER node
ENV WHARF_LISTEN=0.0.0.0:4000
EXPOSE 4000
ENTRYPOINT ["node", "src/cli.ts"]
CMD ["serve"]
