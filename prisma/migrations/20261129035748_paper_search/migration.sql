-- AlterTable
-- Hand-edited from the generated "ADD COLUMN "search" tsvector": Prisma cannot
-- declare a generated column, so schema.prisma has Unsupported("tsvector")
-- with a dbgenerated default equal to Postgres's rendering of this expression
-- (which is how Prisma reads it back), keeping the drift check empty.
ALTER TABLE "Paper" ADD COLUMN     "search" tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce("title", '') || ' ' || coalesce("abstract", ''))) STORED;

-- CreateIndex
CREATE INDEX "Paper_search_idx" ON "Paper" USING GIN ("search");
