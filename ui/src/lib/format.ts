import { termNames } from './bindings/labels';

// Every label a user reads is written once, in Rust (src-tauri/crates/domain/src/labels.rs), and
// generated into bindings/labels.ts; the PDFs print the same words.
export {
  statusNames,
  roleNames,
  kindNames,
  discoveryNames,
  locationNames,
  riskNames,
  evidenceKindNames,
  custodyNames,
  tristateNames,
  termNames,
  agencyNames,
  keyStageNames,
  markNames,
  vaultRoleNames,
} from './bindings/labels';

// Dates as a UK reader expects them: stored in UTC, shown in UK time (GMT or BST).
const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: '2-digit', month: '2-digit', year: 'numeric' });

/** "22/11/2026, 14:05" in UK time. */
export function ukDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** When something was done and, where that was earlier, when it was recorded. */
export function whenText(happened: string | null | undefined, recorded: string): string {
  return happened ? `${ukDateTime(happened)} (recorded ${ukDateTime(recorded)})` : ukDateTime(recorded);
}

const longDateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** "3 November 2026 at 14:02" in UK time, for a date the reader must not misread. */
export function ukLongDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : longDateTime.format(d);
}

/** "22/11/2026" in UK time. */
export function ukDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

/** The value for a datetime-local input, in this computer's time. */
export function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as a UTC timestamp, or null when empty or invalid. */
export function toUtc(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** "Year 9", or "Reception". */
export function yearName(y: number | null | undefined): string {
  if (y === undefined || y === null) return '';
  return y === 0 ? 'Reception' : `Year ${y}`;
}

/** "2026/27" for the academic year starting in 2026. */
export function academicYear(start: number): string {
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

/** "Autumn term 2026/27". */
export function termLabel(t: { academicYear: number; name: keyof typeof termNames }): string {
  return `${termNames[t.name]} term ${academicYear(t.academicYear)}`;
}
