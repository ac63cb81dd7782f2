// A throwaway MySQL database per test, migrated with the real infra migrations; drop() removes only it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { MYSQL_UTC_OPTIONS, pinUtc } from '@proctor/contracts';
import mysql from 'mysql2/promise';

const MYSQL_SERVER = process.env.MYSQL_SERVER_URL ?? process.env.TEST_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306/';
// Run as a program (its CLI), not imported: the infra workspace type-checks it under its own settings.
const MIGRATE = createRequire(import.meta.url).resolve('@proctor/infra/migrations');

export interface TestDb {
  url: string;
  pool: mysql.Pool;
  drop(): Promise<void>;
}

export interface FreshDatabaseOptions {
  /** Database name prefix (a random suffix is added). */
  prefix?: string;
  connectionLimit?: number;
  /** DECIMAL columns as numbers (the dashboard reads them so) instead of strings. */
  decimalNumbers?: boolean;
  /** The server (`mysql://…/`): the shared one unless a test runs its own. */
  server?: string;
}

export async function freshDatabase(options: FreshDatabaseOptions = {}): Promise<TestDb> {
  const name = `${options.prefix ?? 'proctor_test'}_${randomBytes(5).toString('hex')}`;
  const server = options.server ?? MYSQL_SERVER;
  const url = `${server.replace(/\/?$/, '/')}${name}`;
  await promisify(execFile)(process.execPath, [MIGRATE, url]);
  const pool = pinUtc(
    mysql.createPool({
      uri: url,
      connectionLimit: options.connectionLimit ?? 2,
      ...MYSQL_UTC_OPTIONS,
      decimalNumbers: options.decimalNumbers ?? false,
    }),
  );
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const c = await mysql.createConnection(server);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
