// thumbnailSize: the frame's aspect ratio inside 96×96, never upscaled.
import { describe, expect, it } from 'vitest';
import { thumbnailSize } from './captureThumbnail.ts';

describe('thumbnailSize', () => {
  it.each([
    [640, 480, 96, 72],
    [1280, 720, 96, 54],
    [480, 640, 72, 96],
    [64, 48, 64, 48],
  ])('%i×%i → %i×%i', (w, h, width, height) => {
    expect(thumbnailSize(w, h)).toEqual({ width, height });
  });
});
