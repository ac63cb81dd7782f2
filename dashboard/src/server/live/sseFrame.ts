// A live event as Server-Sent Events bytes, made once per event: every stream of a schedule is sent the same event
// object, so 100 streams cost one JSON.stringify and one encode, not 100.
import type { LiveEvent } from './liveSeq.ts';

const frames = new WeakMap<LiveEvent, Uint8Array>();
const encoder = new TextEncoder();

export function sseFrame(event: LiveEvent): Uint8Array {
  let frame = frames.get(event);
  if (!frame) {
    frame = encoder.encode(
      `${event.seq ? `id: ${event.seq}\n` : ''}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`,
    );
    frames.set(event, frame);
  }
  return frame;
}
