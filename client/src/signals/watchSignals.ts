// Wires the browser's focus, fullscreen, clipboard and screen events into the signal tracker. Counts only:
// clipboard content, window titles and screen details are never read.
import type { AnomalyEvent, BrowserSignalsPolicy } from '@proctor/contracts';
import { createSignalTracker } from './browserSignals.ts';

/**
 * Starts watching when the session's resolved config enables browser signals; returns the function that stops
 * and closes open signals. In an iframe, window blur is normal (the candidate works in the host page), so only
 * page visibility counts there.
 */
export function watchBrowserSignals(
  policy: BrowserSignalsPolicy,
  emit: (events: AnomalyEvent[]) => void,
): () => AnomalyEvent[] {
  if (!policy.enabled) return () => [];
  const tracker = createSignalTracker({ requireFullscreen: policy.requireFullscreen });
  const topLevel = window.top === window;
  // Blur from the events, not document.hasFocus(): a page that never had focus (opened in the background) is not "lost".
  let blurred = false;
  const onFocus = (e?: Event) => {
    if (e?.type === 'blur') blurred = topLevel;
    if (e?.type === 'focus') blurred = false;
    emit(tracker.focus(Date.now(), { hidden: document.visibilityState === 'hidden', blurred }));
  };
  const onFullscreen = () => emit(tracker.fullscreen(Date.now(), document.fullscreenElement !== null));
  const onCopy = () => emit(tracker.clipboard(Date.now(), 'copies'));
  const onCut = () => emit(tracker.clipboard(Date.now(), 'cuts'));
  const onPaste = () => emit(tracker.clipboard(Date.now(), 'pastes'));
  const scr = screen as Screen & { isExtended?: boolean } & EventTarget;
  const onScreen = () => emit(tracker.displays(Date.now(), scr.isExtended));

  const listeners: Array<[EventTarget, string, (e?: Event) => void]> = [
    [document, 'visibilitychange', onFocus],
    [window, 'blur', onFocus],
    [window, 'focus', onFocus],
    [document, 'fullscreenchange', onFullscreen],
    [document, 'copy', onCopy],
    [document, 'cut', onCut],
    [document, 'paste', onPaste],
    // screen 'change' (multi-screen window placement) exists only where isExtended does.
    ...('addEventListener' in scr ? [[scr, 'change', onScreen] as [EventTarget, string, () => void]] : []),
  ];
  for (const [target, type, fn] of listeners) target.addEventListener(type, fn);
  onFullscreen();
  onScreen();
  onFocus();
  return () => {
    for (const [target, type, fn] of listeners) target.removeEventListener(type, fn);
    return tracker.close(Date.now());
  };
}
