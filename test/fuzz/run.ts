import { send, callJson } from './http.js';
import { statusClass, violation } from './oracle.js';
import { Rng } from './random.js';
import { formatRequest } from './report.js';
import { buildRequest, type FuzzRequest } from './requests.js';
import type { Operation } from './spec.js';
import { singular, type World } from './world.js';

export interface FuzzFailure {
  request: FuzzRequest;
  problem: string;
  answer: string;
  /** The answer's x-request-id, to find the server's log line. */
  requestId?: string;
  /** How many requests failed the same way on the same route. */
  times: number;
}

export interface FuzzReport {
  seed: number;
  sent: number;
  byClass: Record<string, number>;
  byRoute: Map<string, Record<string, number>>;
  failures: FuzzFailure[];
  /** Times a principal had to sign in again (a request ended its session). */
  reauthentications: number;
  /** The slowest requests and how long each took (ms): where a run's time goes. */
  slowest: [number, FuzzRequest][];
}

/** The kind of record a POST on `route` creates: `/api/v1/call-cycles` → `call_cycle`. */
const createdKind = (path: string) =>
  singular(
    path
      .split('/')
      .filter((s) => s && !s.startsWith('{'))
      .pop()!,
  );

/** Signs a principal in again when a request ended its session; its password is never fuzzed. */
async function keepPrincipals(world: World): Promise<number> {
  let again = 0;
  for (const principal of world.principals.values()) {
    const alive = await callJson(world.port, 'GET', '/api/v1/auth/me', principal.token).then(
      () => true,
      () => false,
    );
    if (alive) continue;
    const signIn = () =>
      callJson<{ access_token: string }>(world.port, 'POST', '/api/v1/auth/login', undefined, {
        email: principal.email,
        password: principal.password,
      }).catch(() => undefined);
    let login = await signIn();
    // Deactivated, locked or renamed by a request it sent: put the account back as it was.
    if (!login && world.restore) login = await world.restore(principal).then(signIn);
    if (login) principal.token = login.access_token;
    again++;
  }
  return again;
}

/**
 * Sends `requests` generated requests, one at a time (so a run is the same for the same seed),
 * cycling through the operations in a seeded order so every route gets its share, and checks
 * every answer against the oracle. Stops early only when the server stops answering.
 */
export async function fuzz(
  world: World,
  operations: Operation[],
  seed: number,
  requests: number,
): Promise<FuzzReport> {
  const report: FuzzReport = {
    seed,
    sent: 0,
    byClass: {},
    byRoute: new Map(),
    failures: [],
    reauthentications: 0,
    slowest: [],
  };
  const failures = new Map<string, FuzzFailure>();
  const order = new Rng(seed);
  let round: Operation[] = [];
  for (let n = 0; n < requests; n++) {
    if (!round.length) round = order.shuffle(operations);
    const op = round.pop()!;
    const request = buildRequest(n, op, Rng.forRequest(seed, n), world);
    let problem: string | undefined;
    let answer = '';
    let status: number | undefined;
    let requestId: string | undefined;
    if (process.env.FUZZ_TRACE) process.stderr.write(`${formatRequest(request, seed).slice(0, 3_000)}\n`);
    const began = performance.now();
    try {
      const res = await send(world.port, request);
      status = res.status;
      requestId = res.headers['x-request-id'] as string | undefined;
      problem = violation(res);
      answer = `${res.status} ${res.body.toString('utf8').slice(0, 400)}`;
      if (status < 300 && String(res.headers['content-type']).startsWith('application/json'))
        world.harvest(
          op.key,
          JSON.parse(res.body.toString('utf8')),
          op.method === 'POST' ? createdKind(op.path) : undefined,
        );
    } catch (error) {
      problem = `no answer: ${(error as Error).message}`;
    }
    report.sent++;
    report.slowest.push([performance.now() - began, request]);
    if (report.slowest.length > 20) report.slowest.sort(([a], [b]) => b - a).pop();
    const cls = statusClass(status);
    report.byClass[cls] = (report.byClass[cls] ?? 0) + 1;
    const counts = report.byRoute.get(op.key) ?? {};
    counts[cls] = (counts[cls] ?? 0) + 1;
    report.byRoute.set(op.key, counts);
    if (problem) {
      const key = `${op.key} ${problem}`;
      const seen = failures.get(key);
      if (seen) seen.times++;
      else failures.set(key, { request, problem, answer, requestId, times: 1 });
      if (!status && !(await serverAlive(world))) break;
    }
    if (n % 25 === 24) report.reauthentications += await keepPrincipals(world);
  }
  report.failures = [...failures.values()];
  return report;
}

export const serverAlive = (world: World) =>
  callJson(world.port, 'GET', '/health/live').then(
    () => true,
    () => false,
  );
