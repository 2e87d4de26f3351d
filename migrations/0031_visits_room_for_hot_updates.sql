-- A visit row is written three times (create, check-in, completion). Leaving 15% of each page free
-- lets an update that changes no indexed column stay on its page as a heap-only (HOT) update, with
-- no new index entries and no index bloat. Applies to pages written from now on; idempotent.
ALTER TABLE "visits" SET (fillfactor = 85);
