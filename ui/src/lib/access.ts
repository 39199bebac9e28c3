// Whether the signed-in user may change records: DSLs and deputies can, the headteacher reads;
// the chair of governors records the case manager's decisions on the records granted to them.
import { getContext, setContext } from 'svelte';

const KEY = Symbol('can-edit');

/** Called once by the signed-in shell. */
export function provideCanEdit(canEdit: () => boolean) {
  setContext(KEY, canEdit);
}

/** True unless the signed-in user only reads (screens outside the shell can always edit). */
export function canEdit(): boolean {
  return getContext<(() => boolean) | undefined>(KEY)?.() ?? true;
}

const RECORD_KEY = Symbol('can-record');

/** Called once by the signed-in shell: whether the user may record steps and notes. */
export function provideCanRecord(canRecord: () => boolean) {
  setContext(RECORD_KEY, canRecord);
}

/** True when the user may record steps and notes on the records they can open. */
export function canRecord(): boolean {
  return getContext<(() => boolean) | undefined>(RECORD_KEY)?.() ?? canEdit();
}
