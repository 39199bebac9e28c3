// Moves keyboard focus to an element when it appears (each new screen's heading).
export function focusOnMount(node: HTMLElement) {
  queueMicrotask(() => node.focus());
}
