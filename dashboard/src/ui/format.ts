// Labels and formatting shared by server-rendered pages and their client scripts, so both say the same words.
import type { AlertRule, AlertStatus, Severity } from '@proctor/contracts';
import type { Presence } from '../server/api/schemas.ts';

export const RULE_LABEL: Record<AlertRule, string> = {
  look_away: 'Looking away',
  multi_person: 'More than one person',
  no_face: 'No face visible',
  camera_blocked: 'Camera blocked',
  camera_lost: 'Camera lost',
  connection_lost: 'Connection lost',
  identity_changed: 'Different person',
  focus_lost: 'Exam page left',
  fullscreen_exit: 'Left fullscreen',
  second_display: 'Second display',
  clipboard: 'Clipboard used',
  low_light: 'Condition: low light (not misconduct)',
};

export const SEVERITY_LABEL: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

export const STATUS_LABEL: Record<AlertStatus, string> = {
  open: 'Needs review',
  acknowledged: 'Acknowledged',
  dismissed: 'Dismissed',
};

export const PRESENCE_LABEL: Record<Presence, string> = {
  online: 'Connected',
  overdue: 'Heartbeat overdue',
  unknown: '—',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Risk bands: the words carry the meaning, colour only repeats it. */
export function riskBand(score: number): 'high' | 'elevated' | 'low' {
  return score >= 60 ? 'high' : score >= 25 ? 'elevated' : 'low';
}

export const percent = (x: number) => `${Math.round(x * 100)}%`;

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An event id short enough for a table cell: a UUID by its first 8 characters (as git shows commits), a free-form
 * id as sent (`evt-2`) unless it is long. The full id is always in the cell's title.
 */
export function shortEventId(eventId: string): string {
  if (UUID.test(eventId)) return eventId.slice(0, 8);
  return eventId.length <= 16 ? eventId : `${eventId.slice(0, 15)}…`;
}

/** A <time> element: ISO in the attribute, UTC text first; the page's script rewrites it in the viewer's zone. */
export function timeHtml(epochMs: number, withDate = false): string {
  const iso = new Date(epochMs).toISOString();
  const text = withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : `${iso.slice(11, 19)} UTC`;
  return `<time datetime="${iso}" data-local="${withDate ? 'datetime' : 'time'}">${text}</time>`;
}

// Built once: toLocaleString with options builds a new Intl formatter per call, which made re-rendering a live list of
// 200 rows (two times each) a long task of its own.
let formatters: { datetime: Intl.DateTimeFormat; time: Intl.DateTimeFormat } | undefined;

/** Rewrites every <time data-local> under root in the viewer's own time zone. */
export function localizeTimes(root: ParentNode): void {
  formatters ??= {
    datetime: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }),
    time: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  };
  for (const el of root.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
    const d = new Date(el.dateTime);
    el.textContent = (el.dataset.local === 'datetime' ? formatters.datetime : formatters.time).format(d);
    el.title = d.toISOString();
  }
}
