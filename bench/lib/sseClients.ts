// Many SSE readers of one schedule's live stream in a process of their own (forked by bench/dashboard-fanout.ts), so
// their CPU is neither the server's nor the load generator's, and is measured apart. Each reader counts events by
// scanning the bytes for their `event:` line (no decoding, no JSON.parse): a reader as cheap as a client can be, so
// the bench measures the server's fan-out rather than its own parsing.
// The first reader also notes when each alert id first arrived (decoding only alert events' first bytes), so the
// bench can tell the server's part of row → screen from the browser's.
//   IPC in:  { open: n } opens or closes readers to n (the first is closed last; counts stay cumulative); { stats: true } asks for counts; { arrivals: ids } for those times;
//            { stop: true } closes them and exits.
//   IPC out: { stats: { streams, withList, sessions, alerts, bytes, errors, failures, cpuMs } } | { arrivals: {id: ms} }
import http from 'node:http';

const URL_ = process.env.SSE_URL ?? '';
const TOKEN = process.env.SSE_TOKEN ?? '';
if (!URL_ || !TOKEN || !process.send) {
  console.error('sseClients: run by bench/dashboard-fanout.ts (SSE_URL, SSE_TOKEN, an IPC channel)');
  process.exit(2);
}

const SESSIONS = Buffer.from('event: sessions\n');
const ALERT = Buffer.from('event: alert\n');
/** A marker split across two chunks is found in the tail kept from the previous one. */
const TAIL = SESSIONS.length - 1;

interface Reader {
  sessions: number;
  alerts: number;
  request: http.ClientRequest;
}
const readers: Reader[] = [];
/** Alert id → when the first reader first saw it (epoch ms). */
const arrivals = new Map<string, number>();
const ALERT_ID = /event: alert\ndata: \{"alertId":"([^"]+)"/g;
/** Bytes and errors of all readers; the sessions and alerts of closed ones. */
const totals = { bytes: 0, errors: 0, sessions: 0, alerts: 0 };
/** Why streams failed: HTTP status or error code → count. */
const failures: Record<string, number> = {};
const fail = (why: string) => {
  totals.errors++;
  failures[why] = (failures[why] ?? 0) + 1;
};

/** Markers in `buf` that end past `kept` (the previous chunk's tail, whose whole markers were counted with it). */
function occurrences(buf: Buffer, marker: Buffer, kept: number): number {
  let n = 0;
  for (let at = buf.indexOf(marker); at >= 0; at = buf.indexOf(marker, at + marker.length)) {
    if (at + marker.length > kept) n++;
  }
  return n;
}

function open(first: boolean): Reader {
  const reader = { sessions: 0, alerts: 0 } as Reader;
  let tail = Buffer.alloc(0);
  reader.request = http.get(
    URL_,
    { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' }, agent: false },
    (res) => {
      if (res.statusCode !== 200) {
        fail(`HTTP ${res.statusCode}`);
        res.resume();
        return;
      }
      res.on('data', (chunk: Buffer) => {
        totals.bytes += chunk.length;
        const buf = tail.length ? Buffer.concat([tail, chunk]) : chunk;
        reader.sessions += occurrences(buf, SESSIONS, tail.length);
        const alerts = occurrences(buf, ALERT, tail.length);
        reader.alerts += alerts;
        if (first && alerts) {
          const now = Date.now();
          for (const m of buf.toString('latin1').matchAll(ALERT_ID)) if (!arrivals.has(m[1]!)) arrivals.set(m[1]!, now);
        }
        tail = Buffer.from(buf.subarray(Math.max(0, buf.length - TAIL)));
      });
    },
  );
  reader.request.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  return reader;
}

process.on('message', (msg: { open?: number; stats?: boolean; arrivals?: string[]; stop?: boolean }) => {
  if (msg.open) while (readers.length < msg.open) readers.push(open(readers.length === 0));
  if (msg.open) {
    for (const r of readers.splice(msg.open)) {
      totals.sessions += r.sessions;
      totals.alerts += r.alerts;
      r.request.destroy();
    }
  }
  if (msg.arrivals) {
    process.send?.({
      arrivals: Object.fromEntries(msg.arrivals.flatMap((id) => (arrivals.has(id) ? [[id, arrivals.get(id)]] : []))),
    });
  }
  if (msg.stats) {
    const cpu = process.cpuUsage();
    process.send?.({
      stats: {
        streams: readers.length,
        withList: readers.filter((r) => r.sessions > 0).length,
        sessions: readers.reduce((n, r) => n + r.sessions, totals.sessions),
        alerts: readers.reduce((n, r) => n + r.alerts, totals.alerts),
        bytes: totals.bytes,
        errors: totals.errors,
        failures,
        cpuMs: (cpu.user + cpu.system) / 1000,
      },
    });
  }
  if (msg.stop) {
    for (const r of readers) r.request.destroy();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
