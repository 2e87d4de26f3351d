import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildTemplate, dropTemplate } from './template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of the migrated data-dir tarball. Postgres: name of the template database. */
    dbTemplate: string;
  }
}

/** Migrates one template database per run; every test file then starts from a copy of it. */
export default async function setup(project: TestProject) {
  const template = await buildTemplate();
  if (template.kind === 'pglite') {
    const file = path.join(os.tmpdir(), `salesops-template-${process.pid}.tar.gz`);
    await writeFile(file, template.tarball);
    project.provide('dbTemplate', file);
    return async () => rm(file, { force: true });
  }
  project.provide('dbTemplate', template.name);
  return async () => dropTemplate(template.name);
}
