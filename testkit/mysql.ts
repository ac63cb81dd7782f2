// A throwaway MySQL database per test, migrated with the real infra migrations; drop() removes only it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
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
}

export async function freshDatabase(options: FreshDatabaseOptions = {}): Promise<TestDb> {
  const name = `${options.prefix ?? 'proctor_test'}_${randomBytes(5).toString('hex')}`;
  const url = `${MYSQL_SERVER.replace(/\/?$/, '/')}${name}`;
  await promisify(execFile)(process.execPath, [MIGRATE, url]);
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: options.connectionLimit ?? 2,
    timezone: 'Z',
    decimalNumbers: options.decimalNumbers ?? false,
  });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const c = await mysql.createConnection(MYSQL_SERVER);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
