// Versioned MySQL migrations: applies infra/migrations/NNN_name.sql once each, in order, and guards their checksums.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MYSQL_UTC_OPTIONS, UTC_SESSION_SQL } from '@proctor/contracts';
import mysql from 'mysql2/promise';

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  database: string;
  applied: string[];
  alreadyApplied: number;
}

const MIGRATIONS_DIR = dirname(fileURLToPath(import.meta.url));
const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** Reads and orders the migration files; a duplicate version is a bug in the repo, so it throws. */
export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new Error(`migration file "${file}" must be named NNN_snake_name.sql`);
      const sql = readFileSync(join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      return { version: Number(match[1]), name: file, sql, checksum };
    })
    .sort((a, b) => a.version - b.version);
  files.forEach((file, i) => {
    const prev = files[i - 1];
    if (prev && prev.version === file.version) {
      throw new Error(`two migrations share version ${file.version}: ${prev.name}, ${file.name}`);
    }
  });
  return files;
}

/** Creates the database if missing, then applies every pending migration. Safe to run twice or concurrently. */
export async function migrate(url: string, dir: string = MIGRATIONS_DIR): Promise<MigrateResult> {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(database)) {
    throw new Error(`MYSQL_URL must name a database of letters, digits and _ (got "${database}")`);
  }
  const files = readMigrations(dir);
  const server = new URL(url);
  server.pathname = '/';
  const bootstrap = await mysql.createConnection(server.toString());
  try {
    await bootstrap.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await bootstrap.end();
  }

  const conn = await mysql.createConnection({ uri: url, multipleStatements: true, ...MYSQL_UTC_OPTIONS });
  try {
    await conn.query(UTC_SESSION_SQL);
    // A named lock serialises concurrent runners (two services starting at once) per database.
    const [lockRows] = await conn.query('SELECT GET_LOCK(?, 30) AS got', [`proctor_migrate_${database}`]);
    if ((lockRows as { got: number }[])[0]?.got !== 1) throw new Error('timed out waiting for the migration lock');
    await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INT          NOT NULL PRIMARY KEY,
      name       VARCHAR(255) NOT NULL,
      checksum   CHAR(64)     NOT NULL,
      applied_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    const [rows] = await conn.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    const applied = new Map((rows as { version: number; name: string; checksum: string }[]).map((r) => [r.version, r]));
    for (const file of files) {
      const done = applied.get(file.version);
      if (done && done.checksum !== file.checksum) {
        throw new Error(
          `migration ${file.name} was changed after it was applied (checksum ${done.checksum.slice(0, 12)}… in ` +
            `${database}, ${file.checksum.slice(0, 12)}… on disk). Add a new migration instead of editing it.`,
        );
      }
    }
    const result: MigrateResult = { database, applied: [], alreadyApplied: applied.size };
    for (const file of files) {
      if (applied.has(file.version)) continue;
      // MySQL DDL commits implicitly, so a file is not atomic: keep one table change per file.
      await conn.query(file.sql);
      await conn.query('INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)', [
        file.version,
        file.name,
        file.checksum,
      ]);
      result.applied.push(file.name);
    }
    await conn.query('SELECT RELEASE_LOCK(?)', [`proctor_migrate_${database}`]);
    return result;
  } finally {
    await conn.end();
  }
}

if (import.meta.main) {
  const url = process.argv[2] ?? process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/proctor';
  migrate(url).then(
    (r) =>
      console.log(
        `migrations: ${r.database}: applied ${r.applied.length} (${r.applied.join(', ') || 'none'}), ${r.alreadyApplied} already applied`,
      ),
    (err: unknown) => {
      console.error(`migrations failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
