// Keyboard focus: on each new screen's heading, and never left on the page itself when what had
// it goes (a button that closes its own form, a row marked done, "Leave unrecorded").

/** Moves keyboard focus to an element when it appears (each new screen's heading). */
export function focusOnMount(node: HTMLElement) {
  queueMicrotask(() => node.focus());
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], summary, [tabindex]:not([tabindex="-1"])';

/**
 * Watches the page so that when the element with focus is taken out of it, focus goes to the
 * first thing that can take it in the nearest part of the page still there (or that part
 * itself), instead of falling to the page body. A screen that puts focus somewhere itself (its
 * heading) is left to do so. Returns a function that stops watching.
 */
export function keepFocusOnPage(doc: Document = document): () => void {
  /** The focused element and its ancestors, innermost first. */
  let path: Element[] = [];
  const onFocusIn = (e: FocusEvent) => {
    path = [];
    for (let n = e.target instanceof Element ? e.target : null; n; n = n.parentElement) path.push(n);
  };
  // Focus moved away on purpose (a click on the page) is not brought back.
  const onFocusOut = (e: FocusEvent) => {
    const left = e.target;
    queueMicrotask(() => {
      if (left instanceof Element && left.isConnected && path[0] === left) path = [];
    });
  };
  const observer = new MutationObserver(() => {
    const lost = path[0];
    if (!lost || lost.isConnected) return;
    if (doc.activeElement && doc.activeElement !== doc.body) {
      path = [];
      return;
    }
    const kept = path.find((n) => n.isConnected && n !== doc.body && n !== doc.documentElement);
    path = [];
    if (!(kept instanceof HTMLElement)) return;
    const target = kept.querySelector<HTMLElement>(FOCUSABLE) ?? kept;
    if (target === kept && !kept.matches(FOCUSABLE)) kept.setAttribute('tabindex', '-1');
    target.focus();
  });
  doc.addEventListener('focusin', onFocusIn);
  doc.addEventListener('focusout', onFocusOut);
  observer.observe(doc.body, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    doc.removeEventListener('focusin', onFocusIn);
    doc.removeEventListener('focusout', onFocusOut);
  };
}
