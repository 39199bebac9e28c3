import { afterEach, describe, expect, it } from 'vitest';
import { keepFocusOnPage } from './focus';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('focus kept on the page', () => {
  let stop: (() => void) | null = null;
  afterEach(() => {
    stop?.();
    document.body.innerHTML = '';
  });

  it('goes to the first control left in the same part of the page when the focused one goes', async () => {
    document.body.innerHTML = `<section id="s"><h2>Step</h2><fieldset id="f"><input type="radio" id="done" /><button id="leave">Leave unrecorded</button></fieldset></section>`;
    stop = keepFocusOnPage();
    document.getElementById('leave')!.focus();
    document.getElementById('leave')!.remove();
    await settle();
    expect(document.activeElement?.id).toBe('done');
  });

  it('goes to the part of the page itself when nothing in it can take focus', async () => {
    document.body.innerHTML = `<section id="s"><p>Done.</p><div id="row"><button id="mark">Mark done</button></div></section>`;
    stop = keepFocusOnPage();
    document.getElementById('mark')!.focus();
    document.getElementById('row')!.remove();
    await settle();
    expect(document.activeElement?.id).toBe('s');
    expect(document.getElementById('s')!.getAttribute('tabindex')).toBe('-1');
  });

  it('leaves focus where a screen put it, and does not bring it back after a click elsewhere', async () => {
    document.body.innerHTML = `<main><h1 id="h" tabindex="-1">Incident</h1><div id="form"><button id="save">Save</button></div><button id="other">Other</button></main>`;
    stop = keepFocusOnPage();
    document.getElementById('save')!.focus();
    document.getElementById('h')!.focus();
    document.getElementById('form')!.remove();
    await settle();
    expect(document.activeElement?.id).toBe('h');

    document.getElementById('other')!.focus();
    (document.activeElement as HTMLElement).blur();
    await settle();
    document.getElementById('other')!.remove();
    await settle();
    expect(document.activeElement).toBe(document.body);
  });
});
