// A minimal binary-safe RESP2 client: one socket, pipelined requests answered in order.
import { connect, type Socket } from 'node:net';

/** An error reply from Redis. It is a value (one command of a pipeline may fail), never thrown by `send`. */
export class RedisReplyError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** Bulk and simple strings stay Buffers so binary values survive until the response is encoded. */
export type RespValue = Buffer | number | null | RedisReplyError | RespValue[];

export type RespArg = string | Buffer;

const CRLF = Buffer.from('\r\n');

export function encodeCommand(args: RespArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

interface Parsed {
  value: RespValue;
  next: number;
}

/** Parses one reply starting at `at`; undefined when the buffer does not yet hold all of it. */
export function parseReply(buf: Buffer, at: number): Parsed | undefined {
  const lineEnd = buf.indexOf(CRLF, at);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buf[at] ?? 0);
  const line = buf.toString('utf8', at + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: buf.subarray(at + 1, lineEnd), next: after };
    case '-':
      return { value: new RedisReplyError(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: after };
      if (buf.length < after + len + 2) return undefined;
      return { value: Buffer.from(buf.subarray(after, after + len)), next: after + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let cursor = after;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, cursor);
        if (!item) return undefined;
        items.push(item.value);
        cursor = item.next;
      }
      return { value: items, next: cursor };
    }
    default:
      throw new Error(`RESP protocol error: unexpected type byte ${JSON.stringify(type)}`);
  }
}

interface Waiter {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
}

export class RespConnection {
  private readonly socket: Socket;
  private readonly waiters: Waiter[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('redis connection closed')));
  }

  static open(host: string, port: number, timeoutMs = 3000): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => socket.destroy(new Error(`redis connect timeout ${host}:${port}`)), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RespConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  send(args: RespArg[]): Promise<RespValue> {
    if (this.closed) return Promise.reject(new Error('redis connection closed'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.socket.write(encodeCommand(args));
    });
  }

  close(): void {
    this.closed = true;
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let cursor = 0;
    while (cursor < this.buffer.length) {
      const parsed = parseReply(this.buffer, cursor);
      if (!parsed) break;
      cursor = parsed.next;
      this.waiters.shift()?.resolve(parsed.value);
    }
    this.buffer = cursor === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(cursor);
  }

  private fail(err: Error): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
    this.socket.destroy();
  }
}
