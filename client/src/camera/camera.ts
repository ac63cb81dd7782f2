// Opens the webcam and reports when it goes away: the track ended (unplugged, stopped) or permission revoked.
import type { CameraLostReason } from '../derive/eventDeriver.ts';

export interface Camera {
  stream: MediaStream;
  video: HTMLVideoElement;
  stop(): void;
}

export type CameraOpenResult = { ok: true; camera: Camera } | { ok: false; reason: CameraLostReason; message: string };

export async function openCamera(
  video: HTMLVideoElement,
  onLost: (reason: CameraLostReason) => void,
): Promise<CameraOpenResult> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15 } },
      audio: false,
    });
  } catch (err) {
    const name = (err as DOMException).name;
    const reason = name === 'NotAllowedError' || name === 'SecurityError' ? 'PERMISSION_REVOKED' : 'DEVICE_ERROR';
    return { ok: false, reason, message: (err as Error).message };
  }
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play().catch(() => undefined);
  if (video.readyState < 2) await new Promise((r) => video.addEventListener('loadeddata', r, { once: true }));

  let reported = false;
  const lost = (reason: CameraLostReason) => {
    if (reported) return;
    reported = true;
    onLost(reason);
  };
  for (const track of stream.getVideoTracks()) track.addEventListener('ended', () => lost('TRACK_ENDED'));
  // Revoking permission mid-exam ends the track in Chromium; the Permissions API tells us why, where available.
  navigator.permissions
    ?.query({ name: 'camera' as PermissionName })
    .then((status) => {
      status.onchange = () => {
        if (status.state === 'denied') lost('PERMISSION_REVOKED');
      };
    })
    .catch(() => undefined);

  return {
    ok: true,
    camera: {
      stream,
      video,
      stop() {
        reported = true; // our own stop is not a lost camera
        for (const track of stream.getTracks()) track.stop();
        video.srcObject = null;
      },
    },
  };
}
