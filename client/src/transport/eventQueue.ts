// The offline queue: events wait here until the edge has made them durable. IndexedDB keeps them across network
// drops and page reloads; the memory queue is for runtimes without it (Node: the simulated cohort), and takes the
// Map it stores into so that a simulated reload can open a new queue over what the last page left.
import type { AnomalyEvent } from '@proctor/contracts';

export interface QueuedEvent {
  eventId: string;
  sessionId: string;
  /** Enqueue order, so batches go out oldest first. */
  seq: number;
  event: AnomalyEvent;
}

export interface EventQueue {
  /** Idempotent per eventId: re-adding a queued event changes nothing. */
  put(sessionId: string, events: AnomalyEvent[]): Promise<void>;
  /** The oldest `limit` events of the session. */
  peek(sessionId: string, limit: number): Promise<QueuedEvent[]>;
  remove(eventIds: string[]): Promise<void>;
  count(sessionId: string): Promise<number>;
}

let seqCounter = 0;
const nextSeq = () => Date.now() * 1000 + (seqCounter++ % 1000);

/** What a memory queue keeps; pass the same one to a later createMemoryQueue to survive a (simulated) reload. */
export type MemoryQueueStore = Map<string, QueuedEvent>;

export function createMemoryQueue(items: MemoryQueueStore = new Map()): EventQueue {
  return {
    async put(sessionId, events) {
      for (const event of events) {
        if (!items.has(event.eventId))
          items.set(event.eventId, { eventId: event.eventId, sessionId, seq: nextSeq(), event });
      }
    },
    async peek(sessionId, limit) {
      return [...items.values()]
        .filter((q) => q.sessionId === sessionId)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
    },
    async remove(eventIds) {
      for (const id of eventIds) items.delete(id);
    },
    async count(sessionId) {
      return [...items.values()].filter((q) => q.sessionId === sessionId).length;
    },
  };
}

const DB_NAME = 'proctor-client';
const STORE = 'events';

const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });

export async function openIndexedDbQueue(name = DB_NAME): Promise<EventQueue> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    const store = open.result.createObjectStore(STORE, { keyPath: 'eventId' });
    store.createIndex('bySession', ['sessionId', 'seq']);
  };
  const db = await request(open);
  const range = (sessionId: string) => IDBKeyRange.bound([sessionId, -Infinity], [sessionId, Infinity]);

  return {
    async put(sessionId, events) {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      for (const event of events) {
        // add() fails on an existing key; check first so a re-put keeps the original order.
        const existing = await request(store.getKey(event.eventId));
        if (existing === undefined) store.add({ eventId: event.eventId, sessionId, seq: nextSeq(), event });
      }
      await done(tx);
    },
    async peek(sessionId, limit) {
      const tx = db.transaction(STORE, 'readonly');
      return (await request(tx.objectStore(STORE).index('bySession').getAll(range(sessionId), limit))) as QueuedEvent[];
    },
    async remove(eventIds) {
      const tx = db.transaction(STORE, 'readwrite');
      for (const id of eventIds) tx.objectStore(STORE).delete(id);
      await done(tx);
    },
    async count(sessionId) {
      const tx = db.transaction(STORE, 'readonly');
      return request(tx.objectStore(STORE).index('bySession').count(range(sessionId)));
    },
  };
}
