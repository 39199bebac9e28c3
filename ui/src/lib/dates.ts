/**
 * Dates and times as a UK reader types and reads them: day/month/year, whatever the computer's
 * own locale. The value kept is the form a date or datetime-local input would hold
 * ("2026-11-17" or "2026-11-17T14:30"), so the rest of the app is unchanged.
 */

const pad = (n: number) => String(n).padStart(2, '0');

function realDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= last;
}

/**
 * What was typed, as a value: "17/11/2026", "17-11-2026", "17.11.2026" or "2026-11-17", with a
 * time "14:30" (or "14.30") after a space, comma or "T" when `time` is asked for. Null when it
 * is not a real date (or time), or the time is missing or not wanted.
 */
export function parseUkDate(text: string, time: boolean): string | null {
  const t = text.trim().replace(/\s+at\s+/i, ' ');
  const m =
    /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[\sT,]+(\d{1,2})[:.](\d{2}))?$/.exec(t) ??
    null;
  const iso = m ? null : /^(\d{4})-(\d{2})-(\d{2})(?:[\sT]+(\d{1,2}):(\d{2}))?$/.exec(t);
  let y: number, mo: number, d: number;
  let hh: string | undefined, mm: string | undefined;
  if (m) {
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [hh, mm] = [m[4], m[5]];
  } else if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    [hh, mm] = [iso[4], iso[5]];
  } else {
    return null;
  }
  if (!realDate(y, mo, d)) return null;
  const date = `${y}-${pad(mo)}-${pad(d)}`;
  if (!time) return hh === undefined ? date : null;
  if (hh === undefined || mm === undefined) return null;
  const [h, min] = [Number(hh), Number(mm)];
  if (h > 23 || min > 59) return null;
  return `${date}T${pad(h)}:${pad(min)}`;
}

/** A value as the DSL reads it: "17/11/2026" or "17/11/2026 14:30"; anything else unchanged. */
export function showUkDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (!m) return value;
  return m[4] === undefined ? `${m[3]}/${m[2]}/${m[1]}` : `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}`;
}
