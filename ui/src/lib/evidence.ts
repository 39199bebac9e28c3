import type { EvidenceInput } from './bindings/EvidenceInput';
import { localInputValue } from './format';

/** A new register entry as its form starts: a device, its state not known, secured now (a datetime-local value until it is sent). */
export function blankEvidence(): EvidenceInput {
  return {
    kind: 'device',
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
