-- CreateIndex
CREATE INDEX "Subscriber_confirmRequestedAt_idx" ON "Subscriber"("confirmRequestedAt");
