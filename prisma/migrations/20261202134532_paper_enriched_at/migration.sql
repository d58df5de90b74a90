-- AlterTable
ALTER TABLE "Paper" ADD COLUMN     "enrichedAt" TIMESTAMP(3);
