// One tiny still from the camera preview, only when a thumbnail is allowed: at most 96 px wide, WebP or JPEG, <=5 KB.
import { THUMBNAIL_LIMITS, type ThumbnailContentType } from '@proctor/contracts';

/** Qualities tried in order until the image fits the byte cap: a 96 px face is legible at 0.5. */
const QUALITIES = [0.6, 0.45, 0.3, 0.2];

/** The largest size within 96×96 that keeps the frame's aspect ratio. */
export function thumbnailSize(videoWidth: number, videoHeight: number): { width: number; height: number } {
  const scale = Math.min(THUMBNAIL_LIMITS.maxWidth / videoWidth, THUMBNAIL_LIMITS.maxHeight / videoHeight, 1);
  return { width: Math.max(1, Math.floor(videoWidth * scale)), height: Math.max(1, Math.floor(videoHeight * scale)) };
}

function toBlob(canvas: HTMLCanvasElement, type: ThumbnailContentType, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/**
 * Draws the current frame at thumbnail size and encodes it. WebP first (smaller), JPEG where the browser cannot
 * encode WebP (it then hands back PNG, which is refused here). null when nothing fits: no image is better than a
 * large one.
 */
export async function captureThumbnail(video: HTMLVideoElement): Promise<Blob | null> {
  if (!video.videoWidth || !video.videoHeight) return null;
  const { width, height } = thumbnailSize(video.videoWidth, video.videoHeight);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.drawImage(video, 0, 0, width, height);
  for (const type of ['image/webp', 'image/jpeg'] as const) {
    for (const quality of QUALITIES) {
      const blob = await toBlob(canvas, type, quality);
      if (!blob || blob.type !== type) break;
      if (blob.size <= THUMBNAIL_LIMITS.maxBytes) return blob;
    }
  }
  return null;
}
