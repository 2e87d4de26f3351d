import { Type, type Static } from 'typebox';
import { IsoDateTime, Uuid } from '../../../platform/http/schemas.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const JobRun = Type.Object({
  id: Uuid,
  job_name: Type.String(),
  tenant_id: nullable(Uuid),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual')]),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('skipped', { description: 'A catch-up run queued before its job was switched off' }),
  ]),
  queued_at: IsoDateTime,
  started_at: nullable(IsoDateTime),
  finished_at: nullable(IsoDateTime),
  duration_ms: nullable(Type.Integer()),
  error: nullable(Type.String()),
});

export const ScheduledJobItem = Type.Object({
  id: Type.String({ description: 'The job name' }),
  name: Type.String(),
  display_name: Type.String(),
  schedule: Type.String({ description: 'Five-field cron expression' }),
  time_zone: Type.String(),
  enabled: Type.Boolean(),
  next_run_at: nullable(IsoDateTime),
  last_run: nullable(JobRun),
});

export const ScheduledJobList = Type.Object({ jobs: Type.Array(ScheduledJobItem) });

export const JobParams = Type.Object({
  id: Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,99}$', description: 'The job name' }),
});

export const UpdateJobBody = Type.Object({
  enabled: Type.Boolean({ description: 'false: the schedule no longer runs the job (for every tenant)' }),
});
export type UpdateJobBody = Static<typeof UpdateJobBody>;
