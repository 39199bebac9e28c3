// One way to call the backend from a screen: busy while the call runs, the error's message after.
import { tick } from 'svelte';
import { asApiError, type ApiError } from './api';

/**
 * Puts a refusal beside the field it is about and moves focus there, so that it is seen where
 * the DSL is looking: the input with id `inputId` when given (a form inside another, whose own
 * refusal may still be marked), else the first input marked invalid once the page has drawn it.
 */
export async function showBesideField(message: string, inputId?: string): Promise<void> {
  await tick();
  if (typeof document === 'undefined') return;
  for (const old of document.querySelectorAll('[data-beside-field]')) old.remove();
  const input = inputId
    ? document.getElementById(inputId)
    : document.querySelector<HTMLElement>('[aria-invalid="true"], [data-invalid="true"]');
  if (!input) return;
  const note = document.createElement('span');
  note.className = 'field-error';
  note.dataset.besideField = '';
  note.id = `${input.id || 'field'}-refused`;
  note.textContent = message;
  const box = input.closest('.field, fieldset, td, li') ?? input.parentElement;
  box?.appendChild(note);
  const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((d) => d && !d.endsWith('-refused'));
  input.setAttribute('aria-describedby', [...described, note.id].join(' '));
  input.focus();
  note.scrollIntoView?.({ block: 'center' });
}

export type RunOptions = {
  /** False for a side action (e.g. opening a saved file) that must not disable the form's button. */
  busy?: boolean;
  /** Called with the error after its message is shown, for anything else a failure changes. */
  onError?: (err: ApiError) => void;
};

/** The state of one form or action, shown with `<Alert message={x.error} />` and `disabled={x.busy}`. */
export class Submission {
  busy = $state(false);
  error = $state<string | null>(null);
  /** The input at fault, when the backend names one. */
  field = $state<string | null>(null);

  /** `aria-invalid` for the input named `name`. */
  invalid = (name: string): 'true' | undefined => (this.field === name ? 'true' : undefined);

  clear() {
    this.error = null;
    this.field = null;
    if (typeof document !== 'undefined') for (const old of document.querySelectorAll('[data-beside-field]')) old.remove();
  }

  /** Shows a problem found before anything was sent, beside the input with id `inputId` if
   *  given. Returns false, like a failed `run`. */
  fail(message: string, field: string | null = null, inputId?: string): false {
    this.error = message;
    this.field = field;
    if (field) void showBesideField(message, inputId);
    return false;
  }

  /**
   * Clears the last error and runs `fn`; on failure shows the error's message (nothing when the
   * user cancelled a file dialog). Returns whether `fn` succeeded.
   */
  async run(fn: () => unknown, { busy = true, onError }: RunOptions = {}): Promise<boolean> {
    this.clear();
    if (busy) this.busy = true;
    try {
      await fn();
      return true;
    } catch (e) {
      const err = asApiError(e);
      if (err.kind !== 'Cancelled') this.fail(err.message, err.field ?? null);
      onError?.(err);
      return false;
    } finally {
      if (busy) this.busy = false;
    }
  }
}

export function submission(): Submission {
  return new Submission();
}
