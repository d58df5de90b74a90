// Used by the Prisma CLI (generate, and `prisma migrate deploy` where the
// native engine can be downloaded). The app itself reads src/config.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/paperboy',
  },
});
