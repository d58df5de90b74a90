-- CreateTable
CREATE TABLE "ConfirmationOutbox" (
    "subscriberId" INTEGER NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "availableAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ConfirmationOutbox_pkey" PRIMARY KEY ("subscriberId")
);

-- CreateIndex
CREATE INDEX "ConfirmationOutbox_availableAt_idx" ON "ConfirmationOutbox"("availableAt");

-- AddForeignKey
ALTER TABLE "ConfirmationOutbox" ADD CONSTRAINT "ConfirmationOutbox_subscriberId_fkey" FOREIGN KEY ("subscriberId") REFERENCES "Subscriber"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Requests the old per-minute sweep would still have sent (unsent, not
-- bounced, under 3 days old) move to the outbox.
INSERT INTO "ConfirmationOutbox" ("subscriberId", "requestedAt", "availableAt")
SELECT id, "confirmRequestedAt", "confirmRequestedAt" FROM "Subscriber"
WHERE "confirmRequestedAt" > (now() AT TIME ZONE 'UTC') - interval '3 days'
  AND ("confirmSentAt" IS NULL OR "confirmSentAt" < "confirmRequestedAt")
  AND ("lastBounceAt" IS NULL OR "lastBounceAt" < "confirmRequestedAt")
  AND email IS NOT NULL;
