-- CreateEnum
CREATE TYPE "Vote" AS ENUM ('up', 'down');

-- CreateTable
CREATE TABLE "Rating" (
    "id" SERIAL NOT NULL,
    "subscriberId" INTEGER NOT NULL,
    "paperId" INTEGER NOT NULL,
    "vote" "Vote" NOT NULL,
    "listIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Rating_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Rating_paperId_idx" ON "Rating"("paperId");

-- CreateIndex
CREATE UNIQUE INDEX "Rating_subscriberId_paperId_key" ON "Rating"("subscriberId", "paperId");

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_subscriberId_fkey" FOREIGN KEY ("subscriberId") REFERENCES "Subscriber"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_paperId_fkey" FOREIGN KEY ("paperId") REFERENCES "Paper"("id") ON DELETE CASCADE ON UPDATE CASCADE;
