// The candidate's receipt, kept as events are queued: the hash chain of contracts/src/receipt.ts, in memory.
import { type AnomalyEvent, type Receipt, receiptGenesis, receiptStep } from '@proctor/contracts';

export interface ReceiptChain {
  /** Appends events in the order they are queued for the edge. */
  add(events: AnomalyEvent[]): Promise<void>;
  /** The receipt so far: every event and the chain head over them. */
  receipt(): Promise<Receipt>;
}

export function createReceiptChain(sessionId: string): ReceiptChain {
  const events: AnomalyEvent[] = [];
  // One promise chain so concurrent adds hash in queue order.
  let head = receiptGenesis(sessionId);
  return {
    add(batch) {
      for (const e of batch) {
        events.push(e);
        head = head.then((h) => receiptStep(h, e));
      }
      return head.then(() => undefined);
    },
    async receipt() {
      return { version: 1, sessionId, events: [...events], head: await head };
    },
  };
}
