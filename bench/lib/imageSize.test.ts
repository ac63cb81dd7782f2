import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { imageSize } from './imageSize.ts';

/** A real encoder's output: ffmpeg's test pattern at a given size. */
const encode = (format: 'mjpeg' | 'png', width: number, height: number) =>
  new Uint8Array(
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=${width}x${height}`,
      '-frames:v',
      '1',
      '-c:v',
      format,
      '-f',
      'image2pipe',
      '-',
    ]),
  );

describe('imageSize', () => {
  it('reads a JPEG and a PNG, width and height not swapped', () => {
    expect(imageSize(encode('mjpeg', 675, 480))).toEqual({ width: 675, height: 480 });
    expect(imageSize(encode('png', 321, 123))).toEqual({ width: 321, height: 123 });
  });

  it('refuses anything else', () => {
    expect(() => imageSize(new TextEncoder().encode('GIF89a......'))).toThrow(/JPEG or PNG/);
  });
});
