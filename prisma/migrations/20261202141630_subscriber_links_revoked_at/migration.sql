-- AlterTable
ALTER TABLE "Subscriber" ADD COLUMN     "linksRevokedAt" TIMESTAMP(3);
