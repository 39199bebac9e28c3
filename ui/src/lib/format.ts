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

export const statusNames = { open: 'Open', awaitingPolice: 'Awaiting police', closed: 'Closed' } as const;
export const roleNames = { victim: 'Victim', instigator: 'Instigator', alleged: 'Alleged', witness: 'Witness', reporter: 'Reporter' } as const;
export const kindNames = {
  pupil: 'Pupil',
  staff: 'Staff member',
  volunteer: 'Volunteer',
  parent: 'Parent or carer',
  adultOutside: 'Adult outside school',
  unknown: 'Unknown',
} as const;
export const discoveryNames = {
  disclosure: 'Pupil disclosure',
  staffObservation: 'Staff observation',
  parentCarer: 'Parent or carer',
  monitoring: 'Filtering or monitoring alert',
  externalAgency: 'External agency',
  other: 'Other',
} as const;
export const locationNames = { inSchool: 'In school', offSiteActivity: 'Off site on a school activity', outsideSchool: 'Outside school' } as const;
export const riskNames = { content: 'Content', contact: 'Contact', conduct: 'Conduct', commerce: 'Commerce' } as const;

/** "Year 9", or "Reception". */
export function yearName(y: number | null | undefined): string {
  if (y === undefined || y === null) return '';
  return y === 0 ? 'Reception' : `Year ${y}`;
}

export const evidenceKindNames = {
  device: 'Device',
  screenshot: 'Screenshot',
  file: 'File',
  url: 'Web address (URL)',
  message: 'Message',
  email: 'Email',
  monitoringCapture: 'Monitoring capture',
  paper: 'Paper',
  other: 'Other',
} as const;
export const custodyNames = {
  handedOver: 'Handed over',
  moved: 'Moved',
  returned: 'Returned to owner',
  retained: 'Retained',
  destroyed: 'Destroyed',
} as const;
export const tristateNames = { yes: 'Yes', no: 'No', notKnown: 'Not known' } as const;

/** "2026/27" for the academic year starting in 2026. */
export function academicYear(start: number): string {
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

export const termNames = { autumn: 'Autumn', spring: 'Spring', summer: 'Summer' } as const;

/** "Autumn term 2026/27". */
export function termLabel(t: { academicYear: number; name: keyof typeof termNames }): string {
  return `${termNames[t.name]} term ${academicYear(t.academicYear)}`;
}
