// Events of the on-device checks beyond face detection: identity continuity, browser signals, light conditions.
import { z } from 'zod';

export const ON_DEVICE_EVENT_TYPES = [
  'IDENTITY_CHANGED',
  'FOCUS_LOST',
  'FULLSCREEN_EXIT',
  'SECOND_DISPLAY',
  'CLIPBOARD',
  'LOW_LIGHT',
] as const;
export type OnDeviceEventType = (typeof ON_DEVICE_EVENT_TYPES)[number];

/**
 * A different person seen persistently. Only the cosine similarity to the calibration embedding is sent: the
 * embedding itself stays in the page's memory and is dropped at session end.
 */
const IdentityChangedDetails = (duration: z.ZodNumber) =>
  z.object({
    durationMillis: duration,
    /** Median cosine similarity of the embeddings that made the change persistent, in [-1, 1]. */
    similarity: z.number().min(-1).max(1),
    /** The threshold it was compared with (below it means "someone else"). */
    threshold: z.number().min(-1).max(1),
  });

/** Page hidden (tab switch, minimised) or window blurred, for how long. */
const FocusLostDetails = (duration: z.ZodNumber) =>
  z.object({ durationMillis: duration, cause: z.enum(['HIDDEN', 'BLUR']) });

/** Left fullscreen while the exam requires it; duration until back in fullscreen (or the session ended). */
const FullscreenExitDetails = (duration: z.ZodNumber) => z.object({ durationMillis: duration });

/** The browser says the screen setup spans more than one display (`screen.isExtended`). */
const SecondDisplayDetails = z.object({ source: z.literal('SCREEN_IS_EXTENDED') });

const Count = z.number().int().min(0).max(100_000);
/** Clipboard use counted over a window; never the content. */
const ClipboardDetails = (duration: z.ZodNumber) =>
  z.object({ durationMillis: duration, copies: Count, cuts: Count, pastes: Count });

/** An environment condition, not misconduct: the room is too dark for reliable detection. */
const LowLightDetails = (duration: z.ZodNumber) =>
  z.object({ durationMillis: duration, meanLuma: z.number().min(0).max(255) });

/**
 * The union members of the on-device events, built on events.ts' common fields and duration limit. Read like the
 * other events: unknown keys are dropped, so an embedding or clipboard text sent by a modified client is
 * never stored.
 */
export function onDeviceEvents<C extends z.ZodRawShape>(common: C, duration: z.ZodNumber) {
  return [
    z.object({ ...common, type: z.literal('IDENTITY_CHANGED'), details: IdentityChangedDetails(duration) }),
    z.object({ ...common, type: z.literal('FOCUS_LOST'), details: FocusLostDetails(duration) }),
    z.object({ ...common, type: z.literal('FULLSCREEN_EXIT'), details: FullscreenExitDetails(duration) }),
    z.object({ ...common, type: z.literal('SECOND_DISPLAY'), details: SecondDisplayDetails }),
    z.object({ ...common, type: z.literal('CLIPBOARD'), details: ClipboardDetails(duration) }),
    z.object({ ...common, type: z.literal('LOW_LIGHT'), details: LowLightDetails(duration) }),
  ] as const;
}
