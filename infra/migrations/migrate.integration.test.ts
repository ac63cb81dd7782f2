// Migrations against the real MariaDB/MySQL: a fresh random database, applied twice, checksum guard, dropped after.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProctorTokenClaims } from '@proctor/contracts';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { stackConfig } from '../stack/config.ts';
import { migrate, readMigrations } from './migrate.ts';

const database = `proctor_test_${randomBytes(6).toString('hex')}`;
const url = new URL(stackConfig().mysqlUrl);
url.pathname = `/${database}`;
const server = new URL(url);
server.pathname = '/';
const here = dirname(fileURLToPath(import.meta.url));
const scratch: string[] = [];

afterAll(async () => {
  const conn = await mysql.createConnection(server.toString());
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.end();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await mysql.createConnection(url.toString());
  try {
    const [rows] = await conn.query(sql, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

describe('migrate', () => {
  it('creates the database and applies every file once, then nothing on a second run', async () => {
    const files = readMigrations();
    const first = await migrate(url.toString());
    expect(first.applied).toEqual(files.map((f) => f.name));
    const second = await migrate(url.toString());
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(files.length);

    const tables = (
      await query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', [
        database,
      ])
    ).map((r) => r.t);
    expect(tables.sort()).toEqual([
      'alerts',
      'audit_log',
      'erasure_requests',
      'policies',
      'policy_audit',
      'risk_snapshots',
      'schema_migrations',
      'sessions',
    ]);
    const recorded = await query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations ORDER BY version',
    );
    expect(recorded).toEqual(files.map((f) => ({ version: f.version, checksum: f.checksum })));
  });

  it('builds the indexes the dashboard and processor query by', async () => {
    const idx = await query<{ t: string; i: string; cols: string }>(
      `SELECT table_name AS t, index_name AS i, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols
         FROM information_schema.statistics WHERE table_schema = ? GROUP BY table_name, index_name`,
      [database],
    );
    const has = (t: string, cols: string) => idx.some((r) => r.t === t && r.cols === cols);
    expect(has('sessions', 'tenant_id,exam_schedule_id,status')).toBe(true);
    expect(has('sessions', 'tenant_id,exam_schedule_id,risk_score')).toBe(true);
    expect(has('alerts', 'tenant_id,session_id,created_at')).toBe(true);
    expect(has('alerts', 'tenant_id,status,created_at')).toBe(true);
    expect(has('risk_snapshots', 'session_id,bucket_start')).toBe(true);
    expect(has('audit_log', 'tenant_id,session_id,created_at')).toBe(true);
  });

  it('stores and reads back JSON evidence and millisecond times', async () => {
    const alertId = 'a'.repeat(64);
    await query(
      `INSERT INTO alerts (alert_id, tenant_id, session_id, rule, severity, window_start, window_end, evidence, confidence)
       VALUES (?, 't1', ?, 'look_away', 'high', '2026-11-25 10:00:00.123', '2026-11-25 10:00:30.456', ?, 0.9)`,
      [alertId, 'b'.repeat(64), JSON.stringify([{ eventId: 'e1', timestamp: 1, confidence: 0.9 }])],
    );
    const [row] = await query<{ evidence: unknown; window_start: Date; status: string }>(
      'SELECT evidence, window_start, status FROM alerts WHERE alert_id = ?',
      [alertId],
    );
    if (!row) throw new Error('the inserted alert must be readable');
    const evidence = typeof row.evidence === 'string' ? JSON.parse(row.evidence) : row.evidence;
    expect(evidence).toEqual([{ eventId: 'e1', timestamp: 1, confidence: 0.9 }]);
    expect(row.window_start.getMilliseconds()).toBe(123);
    expect(row.status).toBe('open');
  });

  it('records an audit actor as long as the longest proctor subject the contracts allow', async () => {
    const actor = 's'.repeat(ProctorTokenClaims.shape.sub.maxLength ?? 0);
    expect(actor.length).toBe(256);
    await query("INSERT INTO audit_log (tenant_id, session_id, actor, action) VALUES ('t1', ?, ?, 'acknowledge')", [
      'c'.repeat(64),
      actor,
    ]);
    const [row] = await query<{ actor: string }>('SELECT actor FROM audit_log WHERE session_id = ?', ['c'.repeat(64)]);
    expect(row?.actor).toBe(actor);
  });

  it('refuses to run when an applied file was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proctor-migrations-'));
    scratch.push(dir);
    cpSync(here, dir, { recursive: true, filter: (src) => src === here || src.endsWith('.sql') });
    const first = readMigrations(dir)[0];
    if (!first) throw new Error('there must be at least one migration');
    writeFileSync(join(dir, first.name), `${first.sql}\n-- edited after release\n`);
    await expect(migrate(url.toString(), dir)).rejects.toThrow(/was changed after it was applied/);
  });
});
