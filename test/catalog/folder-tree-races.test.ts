import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';

type Folder = { id: string; parent_id: string | null; path: string; depth: number };

/**
 * Folder writes that run at once keep the tree whole: a folder created under a parent that is
 * moving at the same moment gets the parent's new path, and two folders moved under each other at
 * once never form a cycle. (On the embedded database transactions already run one at a time; on
 * PostgreSQL these requests really overlap.)
 */
describe('catalog: folder tree writes at once', () => {
  let t: TestApp;
  let acme: IdentityFixture;

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    acme = await identityFixture(t, 'acme');
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: acme.users.admin.auth, payload });
  const folder = async (name: string, parent_id?: string) => {
    const res = await call('POST', '/products/folders', { name, parent_id });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Folder>();
  };
  /** Every folder's path is its parent's path and its id; its depth one more than its parent's. */
  const expectWholeTree = async () => {
    const { folders } = (await call('GET', '/products/folders')).json<{ folders: Folder[] }>();
    const byId = new Map(folders.map((f) => [f.id, f]));
    for (const f of folders) {
      const parent = f.parent_id ? byId.get(f.parent_id)! : undefined;
      expect(f.path, `${f.id}`).toBe(`${parent?.path ?? '/'}${f.id}/`);
      expect(f.depth).toBe(parent ? parent.depth + 1 : 0);
    }
  };

  it('a folder created or moved under a parent that is moving gets the parent’s new path', async () => {
    for (let round = 0; round < 8; round++) {
      const [p, q, x] = [await folder(`P${round}`), await folder(`Q${round}`), await folder(`X${round}`)];
      const answers = await Promise.all([
        call('PUT', `/products/folders/${p.id}`, { parent_id: q.id }),
        call('POST', '/products/folders', { name: `C${round}`, parent_id: p.id }),
        call('PUT', `/products/folders/${x.id}`, { parent_id: p.id }),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 201, 200]);
    }
    await expectWholeTree();
  });

  it('two folders moved under each other at once: one move, one FOLDER_CYCLE', async () => {
    for (let round = 0; round < 8; round++) {
      const [a, b] = [await folder(`A${round}`), await folder(`B${round}`)];
      const answers = await Promise.all([
        call('PUT', `/products/folders/${a.id}`, { parent_id: b.id }),
        call('PUT', `/products/folders/${b.id}`, { parent_id: a.id }),
      ]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(answers.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'FOLDER_CYCLE' });
    }
    await expectWholeTree();
  });
});
