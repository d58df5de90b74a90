# Paperboy: one image for `paperboy start`, `serve` and `worker`.
# Node 26: the Active LTS line (supported until April 2029), which .ci/run
# tests next to the machine's Node. Debian trixie: the current stable.

# Build stage: generate the Prisma client and compile TypeScript to dist/.
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/generate-client.mjs scripts/
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# src/cli/usage.ts lays out help with bin/help.js (plain JS, for the bin's fast path).
COPY bin ./bin
# The build compiles the email templates into dist/, so no process of the image loads mjml.
COPY scripts/precompile-templates.mjs scripts/
COPY templates ./templates
RUN npm run build

# Runtime stage: production dependencies and the compiled build only.
FROM node:26-trixie-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/generate-client.mjs scripts/
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY templates ./templates
COPY public ./public
COPY data ./data

USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "node bin/paperboy.js migrate && exec node bin/paperboy.js start"]
