// The kafkajs client, logging through our structured logger instead of its own format.

import type { Logger } from '@proctor/contracts';
import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';

export function createKafka(brokers: string[], clientId: string, log: Logger): Kafka {
  const logCreator = () => (entry: LogEntry) => {
    const { message, ...context } = entry.log;
    const event = `kafka_${entry.namespace || 'client'}`.toLowerCase();
    const ctx = { message, ...context };
    if (entry.level === KafkaLogLevel.ERROR) log.error(event, ctx);
    else if (entry.level === KafkaLogLevel.WARN) log.warn(event, ctx);
    else log.debug(event, ctx);
  };
  return new Kafka({ clientId, brokers, logLevel: KafkaLogLevel.WARN, logCreator, retry: { retries: 8 } });
}
