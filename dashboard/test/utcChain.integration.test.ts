// The chain on a MySQL server that is not on UTC: a private mariadbd whose global time zone is -05:00 (the shared
// server's settings are never changed), migrated with the real migrations. The real processor raises an alert into
// it, and the built dashboard's live stream delivers it with the time the row was stamped, in UTC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createIssuer,
  freePort,
  type Issuer,
  type PrivateServer,
  type ProcessorChild,
  privateMariadb,
  type RunningDashboard,
  startProcessor,
} from '@proctor/testkit';
import { produceRecords, type TestEnv, testEnv } from '@proctor/testkit/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveAlert } from '../src/server/live/liveAlerts.ts';
import { lookAwayOverLimit, rand, signIn, startedExam, startStackDashboard } from './testDashboard.ts';

const ZONE = '-05:00';
const identity = {
  tenant_id: `tenant-utc-${rand(3)}`,
  exam_schedule_id: 'utc-final',
  user_id: 'cand-utc',
  attempt_no: 1,
};

let dir: string;
let server: PrivateServer | undefined;
let stack: TestEnv | undefined;
let issuer: Issuer;
let app: RunningDashboard | undefined;
let processor: ProcessorChild | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'utc-chain-'));
  server = await privateMariadb(dir, await freePort(), [`--default-time-zone=${ZONE}`]);
  stack = await testEnv(1, server.url);
  issuer = await createIssuer();
  [app, processor] = await Promise.all([startStackDashboard(stack, issuer), startProcessor(stack.env)]);
}, 180_000);

afterAll(async () => {
  await processor?.stop('SIGTERM');
  await app?.stop();
  await stack?.cleanup();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads SSE frames from `res` until one of type `type` arrives; its data, parsed. */
async function nextEvent<T>(reader: ReadableStreamDefaultReader<Uint8Array>, type: string, buffer: { text: string }) {
  const decoder = new TextDecoder();
  for (;;) {
    const frames = buffer.text.split('\n\n');
    buffer.text = frames.pop() ?? '';
    for (const [i, frame] of frames.entries()) {
      if (!frame.split('\n').includes(`event: ${type}`)) continue;
      buffer.text = [...frames.slice(i + 1), buffer.text].join('\n\n');
      const data = frame.split('\n').find((l) => l.startsWith('data: '));
      return JSON.parse(data?.slice(6) ?? 'null') as T;
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before an ${type} event`);
    buffer.text += decoder.decode(value, { stream: true });
  }
}

it('an alert the processor writes on a -05:00 server reaches the live stream stamped in UTC', async () => {
  if (!stack || !app) throw new Error('not started');
  const [[zone]] = (await stack.db.pool.query('SELECT @@global.time_zone AS tz')) as unknown as [{ tz: string }[]];
  expect(zone?.tz).toBe(ZONE);

  const { base, started } = await startedExam(identity);
  const { sessionId } = base;
  await produceRecords(stack.producer, stack.topic, [started]);
  const { cookie } = await signIn(app.url, await issuer.proctor(identity.tenant_id));
  const schedule = `${app.url}/api/schedules/${identity.exam_schedule_id}`;
  // The schedule exists once the processor has written the session row from session_started.
  await expect
    .poll(async () => (await fetch(`${schedule}/sessions`, { headers: { cookie } })).status, { timeout: 15_000 })
    .toBe(200);
  const res = await fetch(`${schedule}/stream`, { headers: { cookie } });
  const reader = res.body!.getReader();
  const buffer = { text: '' };
  await nextEvent(reader, 'sessions', buffer);

  const events = lookAwayOverLimit(base);
  await produceRecords(stack.producer, stack.topic, events);
  const alert = await Promise.race([
    nextEvent<LiveAlert>(reader, 'alert', buffer),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no alert on the stream in 15 s')), 15_000)),
  ]);
  await reader.cancel();

  expect(alert.sessionId).toBe(sessionId);
  // Stamped by the server (CURRENT_TIMESTAMP(3)) in the writer's session zone: UTC, so within seconds of now.
  expect(Math.abs(alert.updatedAt - Date.now())).toBeLessThan(60_000);
  const [[row]] = (await stack.db.pool.query('SELECT updated_at, created_at FROM alerts WHERE alert_id = ?', [
    alert.alertId,
  ])) as unknown as [{ updated_at: Date; created_at: Date }[]];
  expect(Math.abs(row!.updated_at.getTime() - row!.created_at.getTime())).toBeLessThan(60_000);
}, 90_000);
