# Paperboy: one image for `paperboy start`, `serve` and `worker`.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
COPY scripts/generate-client.mjs scripts/
COPY prisma ./prisma
COPY prisma.config.ts ./
# The postinstall step generates the Prisma client from prisma/schema.prisma.
RUN npm ci --omit=dev --no-audit --no-fund

COPY bin ./bin
COPY src ./src
COPY templates ./templates
COPY public ./public
COPY data ./data
COPY tsconfig.json ./

USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "node bin/paperboy.js migrate && exec node bin/paperboy.js start"]
