import type { EvidenceInput } from './bindings/EvidenceInput';
import type { EvidenceKind } from './bindings/EvidenceKind';
import { localInputValue } from './format';

/** A register entry as typed: its kind '' until it is chosen. */
export type EvidenceForm = Omit<EvidenceInput, 'kind'> & { kind: EvidenceKind | '' };

/** A new register entry as its form starts: no kind chosen, its state not known, secured now (a datetime-local value until it is sent). */
export function blankEvidence(): EvidenceForm {
  return {
    kind: '',
    description: '',
    makeModelSerial: '',
    url: '',
    platformUsername: '',
    owner: '',
    foundWhereHow: '',
    switchedOn: 'notKnown',
    locked: 'notKnown',
    networkDisconnected: 'notKnown',
    securedBy: '',
    securedAt: localInputValue(new Date()),
    storedAt: '',
  };
}

/** The entry to send once its kind is chosen, its `securedAt` as given; null while no kind is. */
export function chosenEvidence(e: EvidenceForm, securedAt: string): EvidenceInput | null {
  const { kind } = e;
  return kind ? { ...e, kind, securedAt } : null;
}
