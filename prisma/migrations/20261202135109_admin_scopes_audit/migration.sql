-- AlterTable
ALTER TABLE "AdminToken" ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" SERIAL NOT NULL,
    "tokenId" INTEGER,
    "tokenName" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEntry_createdAt_idx" ON "AuditEntry"("createdAt");

-- Tokens made before scopes keep working on the whole API but lose the power
-- to mint and revoke tokens, which now takes the admin scope (issue 14).
UPDATE "AdminToken" SET "scopes" = ARRAY['read', 'subscribers', 'lists', 'papers', 'digests']::TEXT[];
