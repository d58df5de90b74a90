-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "bouncedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "MailEvent" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "subscriberId" INTEGER,
    "deliveryId" INTEGER,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Suppression" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "liftedAt" TIMESTAMP(3),
    "liftedBy" TEXT,

    CONSTRAINT "Suppression_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "provider" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookReceipt_pkey" PRIMARY KEY ("provider","key")
);

-- CreateIndex
CREATE INDEX "MailEvent_kind_createdAt_idx" ON "MailEvent"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "MailEvent_subscriberId_kind_createdAt_idx" ON "MailEvent"("subscriberId", "kind", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Suppression_email_key" ON "Suppression"("email");

-- CreateIndex
CREATE INDEX "Suppression_liftedAt_id_idx" ON "Suppression"("liftedAt", "id");

-- AddForeignKey
ALTER TABLE "MailEvent" ADD CONSTRAINT "MailEvent_subscriberId_fkey" FOREIGN KEY ("subscriberId") REFERENCES "Subscriber"("id") ON DELETE SET NULL ON UPDATE CASCADE;
