-- A catch-up run queued at start and then switched off before a worker took it is recorded as
-- `skipped` (it used to stay `queued` for good).
ALTER TABLE "job_runs" DROP CONSTRAINT "job_runs_status_check";--> statement-breakpoint
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_status_check" CHECK ("job_runs"."status" in ('queued', 'running', 'succeeded', 'failed', 'skipped'));