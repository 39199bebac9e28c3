import { describe, expect, it } from 'vitest';
import { submission } from './submit.svelte';

describe('Submission', () => {
  it('is busy while the call runs and clears the last error', async () => {
    const s = submission();
    s.fail('Earlier problem.', 'name');
    let release: () => void = () => {};
    const running = s.run(() => new Promise<void>((r) => (release = r)));
    expect(s.busy).toBe(true);
    expect(s.error).toBeNull();
    expect(s.field).toBeNull();
    release();
    expect(await running).toBe(true);
    expect(s.busy).toBe(false);
  });

  it("shows the backend's message and names the field at fault", async () => {
    const s = submission();
    const ok = await s.run(async () => {
      throw { kind: 'Validation', message: 'Give a name.', field: 'userName' };
    });
    expect(ok).toBe(false);
    expect(s.error).toBe('Give a name.');
    expect(s.invalid('userName')).toBe('true');
    expect(s.invalid('other')).toBeUndefined();
    expect(s.busy).toBe(false);
  });

  it('says nothing when a file dialog was cancelled, but still reports the failure', async () => {
    const s = submission();
    const seen: string[] = [];
    const ok = await s.run(
      async () => {
        throw { kind: 'Cancelled', message: 'No file was chosen.' };
      },
      { onError: (err) => seen.push(err.kind) },
    );
    expect(ok).toBe(false);
    expect(s.error).toBeNull();
    expect(seen).toEqual(['Cancelled']);
  });

  it('turns anything else thrown into the general message', async () => {
    const s = submission();
    await s.run(() => {
      throw new Error('boom');
    });
    expect(s.error).toBe('Something went wrong. Try again.');
  });

  it('can leave busy alone for a side action', async () => {
    const s = submission();
    let release: () => void = () => {};
    const running = s.run(() => new Promise<void>((r) => (release = r)), { busy: false });
    expect(s.busy).toBe(false);
    release();
    await running;
  });
});
