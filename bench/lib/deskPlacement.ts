// Where a portrait goes in a webcam frame so that its face is a chosen fraction of the frame's width: scaled about
// the face, the face centred across and at eye height, and the portrait's lower edge never above the frame's (a
// seated person's shoulders reach the bottom of a webcam picture).

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placement {
  /** The portrait scaled to this size, its top-left at (x, y) in frame pixels (negative: cut off). */
  width: number;
  height: number;
  x: number;
  y: number;
  /** The face's box in the frame, normalized to [0, 1] of its width and height. */
  face: Box;
}

/** Face centre at this fraction of the frame's height: eyes a little above the middle, as a webcam frames a face. */
const FACE_CENTRE_Y = 0.45;

export function placeFace(
  photo: { width: number; height: number },
  face: Box,
  fraction: number,
  frame: { width: number; height: number },
): Placement {
  const scale = (fraction * frame.width) / face.width;
  const width = Math.round(photo.width * scale);
  const height = Math.round(photo.height * scale);
  const cx = (face.x + face.width / 2) * scale;
  const cy = (face.y + face.height / 2) * scale;
  const x = Math.round(frame.width / 2 - cx);
  const y = Math.max(Math.round(frame.height * FACE_CENTRE_Y - cy), frame.height - height);
  return {
    width,
    height,
    x,
    y,
    face: {
      x: (x + face.x * scale) / frame.width,
      y: (y + face.y * scale) / frame.height,
      width: (face.width * scale) / frame.width,
      height: (face.height * scale) / frame.height,
    },
  };
}
