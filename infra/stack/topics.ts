// Creates the stack's Kafka topics if they are missing; existing topics are left exactly as they are.
import { sleep } from '@proctor/contracts';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { StackConfig } from './config.ts';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

export function stackTopics(config: StackConfig): TopicSpec[] {
  return [
    { topic: config.topics.events, numPartitions: config.topics.eventsPartitions },
    { topic: config.topics.dlq, numPartitions: config.topics.dlqPartitions },
  ];
}

/**
 * On several brokers a just-created topic may be unknown to the broker asked for a moment (its metadata is still
 * on its way): ask again for a few seconds before calling it an error.
 */
async function topicMetadata(admin: Admin, topics: TopicSpec[]) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
    } catch (err) {
      if (attempt >= 20) throw err;
      await sleep(500);
    }
  }
}

/** How many copies a new topic keeps, and how many must have a write before acks=all answers (cluster mode: 3, 2). */
export interface Replication {
  factor: number;
  minInsync: number;
}

/** Returns the topics it created; throws if an existing topic has fewer partitions than asked for. */
export async function ensureTopics(
  brokers: string,
  topics: TopicSpec[],
  replication: Replication = { factor: 1, minInsync: 1 },
): Promise<string[]> {
  const admin = new Kafka({ clientId: 'proctor-stack', brokers: brokers.split(','), logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: replication.factor,
          configEntries: [{ name: 'min.insync.replicas', value: String(replication.minInsync) }],
        })),
        waitForLeaders: true,
      });
    }
    const meta = await topicMetadata(admin, topics);
    for (const t of topics) {
      const have = meta.topics.find((m) => m.name === t.topic)?.partitions.length ?? 0;
      const replicas = meta.topics.find((m) => m.name === t.topic)?.partitions[0]?.replicas.length ?? 0;
      if (replicas < replication.factor) {
        throw new Error(`topic ${t.topic} has ${replicas} replicas, expected ${replication.factor}; delete it`);
      }
      if (have < t.numPartitions) {
        throw new Error(`topic ${t.topic} has ${have} partitions, expected ${t.numPartitions}; delete it or raise it`);
      }
    }
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
