// The signed-in shell's reminders (deadlines and follow-ups due), read again when a screen
// records something that may change them, not only when a tab is clicked.
import { getContext, setContext } from 'svelte';

const KEY = Symbol('reminders');

/** Called once by the signed-in shell with how its reminders are read again. */
export function provideReminders(reload: () => void) {
  setContext(KEY, reload);
}

/** The shell's reload, for a screen to call after it records something (a no-op outside it). */
export function remindersReload(): () => void {
  return getContext<(() => void) | undefined>(KEY) ?? (() => {});
}
