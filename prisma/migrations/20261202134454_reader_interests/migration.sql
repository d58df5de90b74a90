-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "layout" JSONB;

-- AlterTable
ALTER TABLE "List" ADD COLUMN     "authors" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "exclude" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Subscriber" ADD COLUMN     "interestAuthors" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "interestCategories" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "interestExclude" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "interestInclude" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "papersPerEmail" INTEGER NOT NULL DEFAULT 10;
