// Overload through real workerd (raw `workerd serve`, the way the cohort benchmark serves it): an edge that runs out of
// file descriptors answers 503 with the contracts envelope and a Retry-After, never a 500; it keeps serving and
// recovers; and several workerd processes share one socket, as Cloudflare spreads a Worker over many isolates.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { deriveSessionId } from '@proctor/contracts';
import { mintDevToken } from '@proctor/testkit';
import {
  createTestTopic,
  deleteByPrefix,
  localStackEnv,
  noFaceEvent,
  randomIdentity,
  type ServedEdge,
  serveWithWorkerd,
  stackRedis,
  type TestTopic,
} from '@proctor/testkit/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Keep-alive connections the load shares: a fixed set, so workerd accepts nothing new once its limit is lowered. */
const CONNECTIONS = 8;
const CANDIDATES = 40;

let topic: TestTopic;
const prefix = `edge-test-${randomUUID().slice(0, 8)}`;
let edge: ServedEdge;
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

beforeAll(async () => {
  topic = await createTestTopic();
  edge = await serveWithWorkerd({
    ...(await localStackEnv()),
    KAFKA_TOPIC: topic.name,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'error',
  });
});

afterAll(async () => {
  agent.destroy();
  edge?.stop();
  await topic?.delete();
  await deleteByPrefix(stackRedis(), prefix);
});

interface Answer {
  status: number;
  retryAfter: string | undefined;
  code: string | undefined;
}

/** POST over the shared keep-alive agent (fetch's pool would open new connections at will). */
function post(path: string, token: string, body: unknown): Promise<Answer> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, edge.url),
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(text)),
        },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (data += d));
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(data) as { error?: { code?: string } }).error?.code;
          } catch {
            code = undefined;
          }
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            code,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(new URL(path, edge.url), { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
/** utime + stime of a process in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
const cpuTicks = (pid: number) => {
  const after = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  return Number(after[11]) + Number(after[12]);
};
/** Sets the soft limit only: the hard one stays, so the limit can be raised back without privileges. */
const setNofile = (pid: number, soft: number) =>
  expect(spawnSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:${edge.nofile}`]).status).toBe(0);

describe('an edge out of file descriptors', () => {
  it('answers every route with a 2xx or a 503 SERVICE_UNAVAILABLE with Retry-After, never a 500, and recovers', async () => {
    const pid = edge.child.pid!;
    const candidates = await Promise.all(
      Array.from({ length: CANDIDATES }, async () => {
        const identity = randomIdentity();
        return { token: await mintDevToken(identity), sessionId: await deriveSessionId(identity) };
      }),
    );
    // With descriptors to spare: all of the agent's connections open (requests without subrequests), then every
    // session starts one at a time, so workerd's pool of upstream connections stays as small as one request needs.
    await Promise.all(Array.from({ length: CONNECTIONS * 2 }, () => get('/healthz')));
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(CONNECTIONS);
    for (const c of candidates) expect((await post('/sessions/start', c.token, {})).status).toBe(201);
    const round = () =>
      Promise.all(
        candidates.flatMap((c) => [
          post('/sessions/heartbeat', c.token, { sessionId: c.sessionId }),
          post('/events/batch', c.token, { sessionId: c.sessionId, events: [noFaceEvent(), noFaceEvent()] }),
          post('/sessions/start', c.token, {}),
        ]),
      );

    // Room for the open client connections and almost nothing else: the subrequests to the Upstash shim and the
    // Kafka REST bridge fail to connect (EMFILE). No new client connection is opened meanwhile: workerd's accept()
    // on EMFILE is fatal to the process, which a limit sized by serveWithWorkerd keeps out of reach.
    const open = fdCount(pid);
    setNofile(pid, open + 1);
    const starved = await round();
    setNofile(pid, edge.nofile);

    expect(edge.child.exitCode).toBeNull();
    for (const a of starved) {
      if (a.status < 300) continue;
      expect(a).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    // The limit bit: without any 503 this test would not have tested anything.
    expect(starved.filter((a) => a.status === 503).length).toBeGreaterThan(CANDIDATES);

    // Descriptors back: the same calls succeed again (a 2xx, or a 429 where a retried round used up its budget).
    const recovered = await round();
    for (const a of recovered) expect([200, 201, 202, 429]).toContain(a.status);
    expect(recovered.filter((a) => a.status < 300).length).toBeGreaterThan(CANDIDATES);
  });
});

describe('several workerd processes on one socket', () => {
  it('spreads connections over every process, each with the descriptor limit it was given', async () => {
    const many = await serveWithWorkerd(
      { ...(await localStackEnv()), KAFKA_TOPIC: topic.name, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'error' },
      { processes: 3 },
    );
    try {
      expect(many.children).toHaveLength(3);
      // New connections (no keep-alive): the kernel hands each accept to one of the processes, and each process
      // that served requests spent CPU on them.
      const before = many.children.map((c) => cpuTicks(c.pid!));
      for (let i = 0; i < 10; i++) {
        const replies = await Promise.all(
          Array.from({ length: 30 }, () => fetch(`${many.url}/healthz`, { headers: { connection: 'close' } })),
        );
        expect(replies.every((r) => r.ok)).toBe(true);
      }
      const spent = many.children.map((c, i) => cpuTicks(c.pid!) - before[i]!);
      for (const ticks of spent) expect(ticks).toBeGreaterThan(0);
      for (const c of many.children) {
        const limits = spawnSync('prlimit', ['--pid', String(c.pid), '--nofile', '--output', 'SOFT', '--noheadings']);
        expect(Number(limits.stdout.toString().trim())).toBe(many.nofile);
      }
    } finally {
      many.stop();
    }
  });
});
