// Reads an image's format and pixel size from its header bytes alone (no decoder in the Worker): JPEG and WebP.
import type { ThumbnailContentType } from '@proctor/contracts';

type ImageHeader = { contentType: ThumbnailContentType; width: number; height: number };
export type ImageHeaderResult = { ok: true; image: ImageHeader } | { ok: false; reason: string };

const fail = (reason: string): ImageHeaderResult => ({ ok: false, reason });
const u16be = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u16le = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, i: number) => u16le(b, i) | ((b[i + 2] ?? 0) << 16);
const u32le = (b: Uint8Array, i: number) => (u24le(b, i) | ((b[i + 3] ?? 0) << 24)) >>> 0;
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(b: Uint8Array): ImageHeaderResult {
  if (b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) return fail('JPEG does not end with EOI (truncated?)');
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return fail(`JPEG marker expected at byte ${i}`);
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Standalone markers (TEM, RSTn) have no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return fail('JPEG has no frame header before its scan');
    const length = u16be(b, i + 2);
    if (length < 2 || i + 2 + length > b.length) return fail('JPEG segment runs past the end');
    if (isStartOfFrame(marker)) {
      if (length < 7) return fail('JPEG frame header too short');
      const height = u16be(b, i + 5);
      const width = u16be(b, i + 7);
      if (!width || !height) return fail('JPEG frame has no size');
      return { ok: true, image: { contentType: 'image/jpeg', width, height } };
    }
    i += 2 + length;
  }
  return fail('JPEG has no frame header');
}

function webp(b: Uint8Array): ImageHeaderResult {
  if (b.length < 30) return fail('WebP too short');
  if (u32le(b, 4) + 8 !== b.length) return fail('WebP RIFF size does not match the body (truncated or padded)');
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return fail('WebP VP8 start code missing');
    return ok('image/webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return fail('WebP VP8L signature missing');
    const bits = u32le(b, 21);
    return ok('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') return ok('image/webp', u24le(b, 24) + 1, u24le(b, 27) + 1);
  return fail(`WebP chunk "${chunk.replace(/[^\x20-\x7e]/g, '?')}" is not VP8, VP8L or VP8X`);
}

function ok(contentType: ThumbnailContentType, width: number, height: number): ImageHeaderResult {
  if (!width || !height) return fail('image has no size');
  return { ok: true, image: { contentType, width, height } };
}

/** The format named by the magic bytes, with the size from its header; anything else is refused with a reason. */
export function readImageHeader(bytes: Uint8Array): ImageHeaderResult {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpeg(bytes);
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return webp(bytes);
  return fail('not a JPEG or WebP image (magic bytes)');
}
