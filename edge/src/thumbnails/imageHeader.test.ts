// readImageHeader: sizes from real ffmpeg-encoded JPEG and WebP (lossy and lossless), and every refusal reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from './imageHeader.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', name)));

describe('readImageHeader', () => {
  it.each([
    ['ok-96.jpg', 'image/jpeg', 96, 64],
    ['wide-128.jpg', 'image/jpeg', 128, 84],
    ['ok-96.webp', 'image/webp', 96, 64],
    ['lossless-48.webp', 'image/webp', 48, 32],
  ])('reads %s as %s %i×%i', (name, contentType, width, height) => {
    expect(readImageHeader(fixture(name))).toEqual({ ok: true, image: { contentType, width, height } });
  });

  it('refuses bytes that are neither JPEG nor WebP', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expect(readImageHeader(png)).toMatchObject({ ok: false, reason: expect.stringMatching(/magic bytes/) });
    expect(readImageHeader(new Uint8Array(0)).ok).toBe(false);
  });

  it('refuses a truncated JPEG and a WebP whose RIFF size lies', () => {
    const jpeg = fixture('ok-96.jpg');
    expect(readImageHeader(jpeg.subarray(0, jpeg.length - 10))).toMatchObject({ ok: false });
    const webp = fixture('ok-96.webp');
    expect(readImageHeader(webp.subarray(0, webp.length - 4))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/RIFF size/),
    });
  });

  it('refuses a JPEG with SOI and EOI but no frame header', () => {
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x04, 0x41, 0x42, 0xff, 0xd9]))).toMatchObject(
      {
        ok: false,
      },
    );
  });

  it('finds the frame header behind a long comment segment (the size is not at a fixed offset)', () => {
    const jpeg = fixture('ok-96.jpg');
    const comment = new Uint8Array(2 + 2 + 3000);
    comment.set([0xff, 0xfe, (3002 >> 8) & 0xff, 3002 & 0xff]);
    const padded = new Uint8Array([...jpeg.subarray(0, 2), ...comment, ...jpeg.subarray(2)]);
    expect(readImageHeader(padded)).toEqual({ ok: true, image: { contentType: 'image/jpeg', width: 96, height: 64 } });
  });
});
