// Whether the signed-in user may change records: DSLs and deputies can, the headteacher reads.
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
