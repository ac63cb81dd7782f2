// The kafkajs client every processor part shares (consumer, liveness sweeper, DLQ), logging through our logger.

import { readFileSync } from 'node:fs';
import type { Logger } from '@proctor/contracts';
import { Kafka, type KafkaConfig, logLevel as KafkaLogLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { ProcessorConfig } from '../config.ts';

type KafkaClientEnv = Pick<
  ProcessorConfig,
  | 'KAFKA_BROKERS'
  | 'KAFKA_CLIENT_ID'
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
>;

/** The one place a kafkajs client's connection settings are built: brokers, TLS (and its CA), SASL. */
export function kafkaClientConfig(env: KafkaClientEnv): KafkaConfig {
  const ssl = env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] } : env.KAFKA_SSL;
  // The schema guarantees both credentials with a mechanism; the cast only restates that (kafkajs types each
  // mechanism's options apart, which a union-typed mechanism does not narrow to).
  const sasl = env.KAFKA_SASL_MECHANISM
    ? ({
        mechanism: env.KAFKA_SASL_MECHANISM,
        username: env.KAFKA_SASL_USERNAME,
        password: env.KAFKA_SASL_PASSWORD,
      } as SASLOptions)
    : undefined;
  return { clientId: env.KAFKA_CLIENT_ID, brokers: env.KAFKA_BROKERS, ssl, ...(sasl && { sasl }) };
}

export function createKafka(env: KafkaClientEnv, log: Logger): Kafka {
  const logCreator = () => (entry: LogEntry) => {
    const { message, ...context } = entry.log;
    const event = `kafka_${entry.namespace || 'client'}`.toLowerCase();
    const ctx = { message, ...context };
    if (entry.level === KafkaLogLevel.ERROR) log.error(event, ctx);
    else if (entry.level === KafkaLogLevel.WARN) log.warn(event, ctx);
    else log.debug(event, ctx);
  };
  return new Kafka({ ...kafkaClientConfig(env), logLevel: KafkaLogLevel.WARN, logCreator, retry: { retries: 8 } });
}
