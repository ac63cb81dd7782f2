import { describe, expect, it } from 'vitest';
import { placeFace } from './deskPlacement.ts';

const frame = { width: 640, height: 480 };
const photo = { width: 675, height: 675 };
/** A studio portrait's face: about 200 px wide, centred across, its centre at 40% of the height. */
const face = { x: 237, y: 170, width: 200, height: 200 };

describe('placeFace', () => {
  it.each([0.15, 0.25, 0.4])('makes the face %f of the frame width, centred across', (fraction) => {
    const at = placeFace(photo, face, fraction, frame);
    expect(at.face.width).toBeCloseTo(fraction, 2);
    expect(at.face.x + at.face.width / 2).toBeCloseTo(0.5, 2);
    expect(at.width).toBe(Math.round(675 * ((fraction * 640) / 200)));
  });

  it('puts the face at eye height when the portrait reaches the bottom of the frame', () => {
    const at = placeFace(photo, face, 0.4, frame);
    expect(at.face.y + at.face.height / 2).toBeCloseTo(0.45, 2);
    expect(at.y + at.height).toBeGreaterThanOrEqual(480);
  });

  it('lowers a small portrait so that it sits on the bottom edge instead of floating', () => {
    const at = placeFace(photo, face, 0.15, frame);
    expect(at.y + at.height).toBe(480);
    expect(at.face.y + at.face.height / 2).toBeGreaterThan(0.45);
  });

  it('maps the face box into the frame as the portrait is scaled and moved', () => {
    const at = placeFace(photo, face, 0.25, frame);
    const scale = at.width / photo.width;
    expect(at.face.x * 640).toBeCloseTo(at.x + face.x * scale, 0);
    expect(at.face.y * 480).toBeCloseTo(at.y + face.y * scale, 0);
  });
});
