/**
 * A small SalesOps API client built only from openapi/openapi.json: openapi-typescript generates
 * `./generated/api.d.ts` (`npm run openapi:client-check`, which then type-checks this file) and
 * openapi-fetch makes the calls. The calls are the ones a client generator gets wrong first when the
 * document is off: a list filtered without any paging parameter, and a multipart photo upload.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/api.js';

type Problem = components['schemas']['ProblemDocument'];
type PhotoPurpose =
  paths['/api/v1/photos']['post']['requestBody']['content']['multipart/form-data']['purpose'];

const failure = (problem: Problem) => new Error(`${problem.status} ${problem.code}: ${problem.detail}`);

/** Signs in (JSON body) and returns a client that sends the access token. */
export async function signIn(baseUrl: string, email: string, password: string) {
  const anonymous = createClient<paths>({ baseUrl });
  const { data, error } = await anonymous.POST('/api/v1/auth/login', { body: { email, password } });
  if (error) throw failure(error);
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${data.access_token}` } });
}

type Client = Awaited<ReturnType<typeof signIn>>;

/**
 * The completed visits of one outlet on one day, every page: only filters are sent at first (`limit`,
 * `offset` and `sort` have defaults), then the cursor of the previous page.
 */
export async function completedVisits(client: Client, outletId: string, day: string) {
  const visits: components['schemas']['Visit'][] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await client.GET('/api/v1/visits', {
      params: {
        query: { outlet: outletId, status: 'completed', date_from: day, date_to: day, cursor },
      },
    });
    if (error) throw failure(error);
    visits.push(...data.visits);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return visits;
}

/** The multipart body as the document describes it, field by field, the file last. */
function formData(fields: Record<string, string | number | Blob | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    form.append(name, typeof value === 'number' ? String(value) : value);
  }
  return form;
}

/** Uploads a shelf photo of a visit; a retry with the same `clientUuid` returns the stored photo. */
export async function uploadPhoto(
  client: Client,
  upload: { visitId: string; photo: Blob; purpose?: PhotoPurpose; clientUuid?: string },
) {
  const { data, error, response } = await client.POST('/api/v1/photos', {
    body: {
      visit_id: upload.visitId,
      purpose: upload.purpose ?? 'shelf',
      client_uuid: upload.clientUuid,
      grid_rows: 3,
      grid_cols: 4,
      file: upload.photo,
    },
    bodySerializer: formData,
  });
  if (error) throw failure(error);
  return { photo: data, created: response.status === 201 };
}

/** What the document refuses, as the server does: a type error if it ever stops refusing it. */
export function refusedByTheDocument(client: Client, visitId: string, photo: Blob) {
  return [
    client.POST('/api/v1/photos', {
      // @ts-expect-error — purpose is one of shelf, display, outside, board, id
      body: { visit_id: visitId, purpose: 'selfie', file: photo },
      bodySerializer: formData,
    }),
    client.POST('/api/v1/photos', {
      // @ts-expect-error — the file part is required
      body: { visit_id: visitId, purpose: 'shelf' },
      bodySerializer: formData,
    }),
  ];
}
