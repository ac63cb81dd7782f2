// A private single-node Kafka with a SASL_SSL listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 users) behind a CA made
// here with openssl: what managed Kafka asks of a client. Its own ports, data dir and certificates; never the stack's.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stackConfig } from '@proctor/infra/stack/config';
import { ensureKafkaLibs } from '@proctor/infra/stack/jars';
import { javaOpts, newClusterId } from '@proctor/infra/stack/services';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { freePort } from './net.ts';

const run = promisify(execFile);

type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export interface SaslUser {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export interface SaslKafka {
  /** host:port of the SASL_SSL listener. */
  bootstrap: string;
  /** PEM of the CA that signed the broker's certificate (SAN IP:127.0.0.1). */
  caFile: string;
  users: Record<SaslMechanism, SaslUser>;
  logFile: string;
  stop(): Promise<void>;
}

/** A throwaway CA and a broker certificate for 127.0.0.1 it signed; returns the CA's and the broker's PEM files. */
async function makeCertificates(dir: string) {
  const [caKey, ca, key, csr, cert, san] = [
    'ca.key',
    'ca.pem',
    'broker.key',
    'broker.csr',
    'broker.pem',
    'san.cnf',
  ].map((name) => join(dir, name)) as [string, string, string, string, string, string];
  const rsa = ['-newkey', 'rsa:2048', '-nodes'];
  await run('openssl', ['req', '-x509', ...rsa, '-days', '1', '-keyout', caKey, '-out', ca, '-subj', '/CN=test-ca']);
  await run('openssl', ['req', ...rsa, '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
  writeFileSync(san, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const sign = ['-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-days', '1', '-extfile', san];
  await run('openssl', ['x509', '-req', '-in', csr, ...sign, '-out', cert]);
  return { ca, key, cert };
}

/** A PEM as one properties value: `\n` escapes, which java.util.Properties turns back into newlines. */
const pemValue = (file: string) => readFileSync(file, 'utf8').trim().replaceAll('\n', '\\n');

/**
 * Starts the broker under `dir` and resolves once every user can list topics over SASL_SSL. Inter-broker and
 * controller traffic stay on loopback PLAINTEXT listeners, so the broker needs no credentials of its own.
 */
export async function startSaslKafka(dir: string, heapMb = 256): Promise<SaslKafka> {
  mkdirSync(dir, { recursive: true });
  const [port, internalPort, controllerPort] = [await freePort(), await freePort(), await freePort()];
  const secret = () => randomBytes(12).toString('hex');
  const users: Record<SaslMechanism, SaslUser> = {
    plain: { mechanism: 'plain', username: 'plain-user', password: secret() },
    'scram-sha-256': { mechanism: 'scram-sha-256', username: 'scram256-user', password: secret() },
    'scram-sha-512': { mechanism: 'scram-sha-512', username: 'scram512-user', password: secret() },
  };
  const certs = await makeCertificates(dir);
  const jaas = (module: string, extra = '') => `org.apache.kafka.common.security.${module} required${extra};`;
  const props = join(dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=SASL_SSL://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=SASL_SSL://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=INTERNAL',
      'listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      `listener.name.sasl_ssl.plain.sasl.jaas.config=${jaas('plain.PlainLoginModule', ` user_${users.plain.username}="${users.plain.password}"`)}`,
      `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${jaas('scram.ScramLoginModule')}`,
      `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${jaas('scram.ScramLoginModule')}`,
      // A PEM keystore given inline takes an unencrypted PKCS#8 key (a PEM file would need a key password).
      'ssl.keystore.type=PEM',
      `ssl.keystore.key=${pemValue(certs.key)}`,
      `ssl.keystore.certificate.chain=${pemValue(certs.cert)}`,
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'),
  );
  const classpath = `${ensureKafkaLibs(stackConfig())}/*`;
  // SCRAM users exist from the first start: written into the log dir's bootstrap metadata by the formatter.
  const scram = (u: SaslUser) => `${u.mechanism.toUpperCase()}=[name=${u.username},password=${u.password}]`;
  await run('java', [
    ...['-Xmx256m', '-XX:+UseSerialGC', '-cp', classpath, 'kafka.tools.StorageTool', 'format'],
    ...[`--cluster-id=${newClusterId()}`, '-c', props],
    ...['--add-scram', scram(users['scram-sha-256']), '--add-scram', scram(users['scram-sha-512'])],
  ]);
  const logFile = join(dir, 'broker.log');
  const log = openSync(logFile, 'a');
  const child = spawn('java', [...javaOpts('kafka-sasl-test', heapMb), '-cp', classpath, 'kafka.Kafka', props], {
    stdio: ['ignore', log, log],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = () => stopBroker(child, killOnExit);
  const bootstrap = `127.0.0.1:${port}`;
  const caFile = certs.ca;
  try {
    for (const user of Object.values(users)) await waitListing(bootstrap, caFile, user, child);
  } catch (err) {
    await stop();
    throw new Error(`SASL_SSL broker did not come up (log ${logFile}): ${String(err)}`);
  }
  return { bootstrap, caFile, users, logFile, stop };
}

async function waitListing(bootstrap: string, caFile: string, user: SaslUser, child: ChildProcess) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`broker exited ${child.exitCode}`);
    const admin = new Kafka({
      brokers: [bootstrap],
      ssl: { ca: [readFileSync(caFile, 'utf8')] },
      sasl: { ...user } as SASLOptions,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

async function stopBroker(child: ChildProcess, killOnExit: () => void) {
  process.off('exit', killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
