// Screens whose forms are sent as one typed object, driven as a user would with the backend mocked.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, cleanup, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from './App.svelte';

type Call = { cmd: string; args: Record<string, unknown> };
type Handler = (args: Record<string, unknown>) => unknown;

const session = {
  userId: 1,
  userName: 'Jo Bloggs',
  role: 'Dsl',
  schoolName: 'Oakfield Academy',
  idleMinutes: 10,
  demo: false,
  backupReminderDays: 7,
  lastBackupAt: new Date().toISOString(),
};

let calls: Call[] = [];

/** An unlocked vault; `handlers` add to or replace what the home screen needs. */
function backend(handlers: Record<string, Handler>) {
  calls = [];
  const all: Record<string, Handler> = {
    vault_status: () => ({ exists: true, unlocked: true }),
    get_session: () => session,
    report_activity: () => null,
    list_transfers: () => [],
    retention_due: () => [],
    activity_types: () => [{ id: 'bullying', label: 'Bullying', illegal: false, current: true }],
    list_incidents: () => [],
    ...handlers,
  };
  mockIPC(
    (cmd, payload) => {
      const args = JSON.parse(JSON.stringify(payload ?? {})) as Record<string, unknown>;
      calls.push({ cmd, args });
      const handler = all[cmd];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
}

const called = (cmd: string) => calls.filter((c) => c.cmd === cmd);

const detail = (facts: Record<string, unknown>) => ({
  id: 7,
  reference: 'OS-2026-0007',
  flowId: 'online-safety',
  flowVersion: 1,
  createdAt: '2026-01-10T10:00:00Z',
  createdBy: 'Jo Bloggs',
  facts,
  people: [],
  flow: { status: 'open', atEnd: false, path: [] },
  chronology: [],
  due: [],
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('recording an incident', () => {
  it('checks the form, sends the facts in UTC and opens the incident it got back without reading it again', async () => {
    const user = userEvent.setup();
    backend({
      create_incident: (args) => detail((args.input as { facts: Record<string, unknown> }).facts),
      list_evidence: () => [],
      list_device_reviews: () => [],
    });
    render(App);
    await user.click(await screen.findByRole('button', { name: 'Record an incident' }));
    expect(await screen.findByRole('heading', { name: 'Record an incident' })).toBeTruthy();

    // Nothing is chosen for the DSL: each choice is asked for in the form's order, beside its field.
    await user.click(screen.getByRole('button', { name: 'Record incident' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Choose how it came to light.');
    const discovery = screen.getByLabelText('How it came to light');
    expect(discovery.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(discovery));
    for (const [label, value, next] of [
      ['How it came to light', 'disclosure', 'Choose where it happened.'],
      ['Where', 'inSchool', 'Choose the risk area.'],
      ['Risk area', 'content', 'Choose the type of activity.'],
    ]) {
      await user.selectOptions(screen.getByLabelText(label), value);
      await user.click(screen.getByRole('button', { name: 'Record incident' }));
      expect((await screen.findByRole('alert')).textContent).toBe(next);
    }
    const type = screen.getByLabelText('Type of activity');
    expect(type.getAttribute('aria-invalid')).toBe('true');
    expect(called('create_incident')).toHaveLength(0);

    await user.type(screen.getByLabelText('Reported by (name)'), 'Tom Brown');
    await user.type(screen.getByLabelText("Summary, in the reporter's words"), 'Unkind messages in a group chat.');
    await user.selectOptions(type, 'bullying');
    await user.type(screen.getByLabelText('Name'), 'Łukasz Kowalski');
    await user.click(screen.getByRole('button', { name: 'Add as a new person' }));
    expect((await screen.findAllByRole('alert')).map((a) => a.textContent)).toContain("Choose Łukasz Kowalski's role in this incident.");
    await user.selectOptions(screen.getByLabelText('Their role in this incident'), 'instigator');
    await user.click(screen.getByRole('button', { name: 'Add as a new person' }));
    expect((await screen.findAllByRole('alert')).map((a) => a.textContent)).toContain('Choose what kind of person Łukasz Kowalski is.');
    await user.selectOptions(screen.getByLabelText('Kind'), 'pupil');
    await user.click(screen.getByRole('button', { name: 'Add as a new person' }));
    // Focus goes to the next person's first field, not to the page.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Their role in this incident')));
    expect(screen.getByTestId('people-added').textContent).toContain('Łukasz Kowalski (Pupil): Instigator');
    await user.click(screen.getByRole('button', { name: 'Record incident' }));

    expect(await screen.findByRole('heading', { name: 'OS-2026-0007' })).toBeTruthy();
    expect(screen.getByTestId('facts-summary').textContent).toBe('Unkind messages in a group chat.');
    const input = called('create_incident')[0].args.input as { facts: Record<string, unknown>; people: unknown[] };
    expect(input.facts).toMatchObject({
      reportedByName: 'Tom Brown',
      discovery: 'disclosure',
      location: 'inSchool',
      riskArea: 'content',
      activityType: 'bullying',
      summary: 'Unkind messages in a group chat.',
    });
    expect(input.facts.occurredAt).toMatch(/Z$/);
    expect(input.facts).not.toHaveProperty('monitoring');
    expect(input.people).toEqual([
      { role: 'instigator', newPerson: { kind: 'pupil', name: 'Łukasz Kowalski', jobTitle: '' } },
    ]);
    expect(called('get_incident')).toHaveLength(0);
  });

  it('adds an item of evidence from what the command returned', async () => {
    const user = userEvent.setup();
    const item = (details: Record<string, unknown>) => ({
      id: 3,
      incidentId: 7,
      incidentReference: 'OS-2026-0007',
      label: 'E1',
      details,
      recordedAt: '2026-01-10T10:05:00Z',
      recordedBy: 'Jo Bloggs',
      custody: [],
      digests: [],
      holder: 'Jo Bloggs',
      place: details.storedAt,
      since: details.securedAt,
      withPolice: false,
    });
    backend({
      list_incidents: () => [
        { id: 7, reference: 'OS-2026-0007', occurredAt: '2026-01-10T09:00:00Z', activityType: 'bullying', people: [], status: 'open', currentStep: 'Intake' },
      ],
      get_incident: () => detail({
        occurredAt: '2026-01-10T09:00:00Z', reportedAt: '2026-01-10T09:30:00Z', reportedByName: 'Tom Brown', reportedByRole: 'Pupil',
        discovery: 'disclosure', location: 'inSchool', platform: '', summary: 'Messages.', childsWords: '', riskArea: 'conduct', activityType: 'bullying',
      }),
      list_evidence: () => [],
      list_device_reviews: () => [],
      add_evidence: (args) => item(args.input as Record<string, unknown>),
    });
    render(App);
    await user.click(await screen.findByRole('button', { name: 'OS-2026-0007' }));
    await user.click(await screen.findByRole('button', { name: 'Add an item of evidence' }));
    await user.selectOptions(screen.getByLabelText('Kind'), 'device');
    await user.type(screen.getByLabelText('What it is'), "Tom's phone");
    await user.type(screen.getByLabelText('Where it is kept (e.g. locked cabinet, sealed bag number)'), 'DSL office safe');
    await user.click(screen.getByRole('button', { name: 'Add to the register' }));

    expect(await screen.findByText('Item added to the register.')).toBeTruthy();
    const added = screen.getByTestId('evidence-item');
    expect(added.getAttribute('data-label')).toBe('E1');
    expect(within(added).getByTestId('whereabouts').textContent).toContain('DSL office safe');
    const input = called('add_evidence')[0].args.input as Record<string, unknown>;
    expect(input).toMatchObject({ kind: 'device', description: "Tom's phone", storedAt: 'DSL office safe', switchedOn: 'notKnown' });
    expect(input.securedAt).toMatch(/Z$/);
    expect(called('list_evidence')).toHaveLength(1);
    expect(screen.queryByLabelText('What it is')).toBeNull();
  });
});

describe('settings', () => {
  it('saves the settings as numbers and adds a user to the list it already shows', async () => {
    const user = userEvent.setup();
    backend({
      get_settings: () => ({ schoolName: 'Oakfield Academy', idleMinutes: 10, smallNumberThreshold: 5, backupReminderDays: 7 }),
      update_settings: (args) => args.settings,
      list_users: () => [{ id: 1, name: 'Jo Bloggs', role: 'Dsl', addedAt: '2026-01-01T09:00:00Z', isYou: true }],
      assess_passphrase: () => ({ acceptable: true, score: 4, problems: [], suggestions: [] }),
      add_user: (args) => {
        const u = args.user as { name: string; role: string; passphrase: string; passphraseRepeat: string };
        if (u.passphrase !== u.passphraseRepeat) throw { kind: 'Validation', message: 'The two passphrases differ.', field: 'userPassphraseRepeat' };
        return { id: 2, name: u.name, role: u.role, addedAt: '2026-01-02T09:00:00Z', isYou: false };
      },
    });
    const { container } = render(App);
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    const idle = (await screen.findByLabelText('Lock after this many minutes without activity')) as HTMLInputElement;
    await screen.findByText('Jo Bloggs (you)');
    await user.clear(idle);
    await user.type(idle, '15');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Settings saved.')).toBeTruthy();
    expect(called('update_settings')[0].args.settings).toEqual({
      schoolName: 'Oakfield Academy',
      idleMinutes: 15,
      smallNumberThreshold: 5,
      backupReminderDays: 7,
    });

    const name = container.querySelector('#user-name') as HTMLInputElement;
    await user.type(name, 'Sam Deputy');
    await user.type(container.querySelector('#userPassphrase-passphrase') as HTMLInputElement, 'lantern mauve copper harbour');
    await user.type(container.querySelector('#userPassphrase-repeat') as HTMLInputElement, 'lantern mauve copper');
    await user.click(screen.getByRole('button', { name: 'Add user' }));
    // Said at the top and beside the field at fault, which takes focus.
    const said = await screen.findAllByText('The two passphrases differ.');
    expect(said.length).toBe(2);
    const beside = said.find((e) => e.classList.contains('field-error'));
    expect(beside?.id).toBe(`${document.activeElement?.id}-refused`);
    expect(container.querySelector('#userPassphrase-repeat')?.getAttribute('aria-invalid')).toBe('true');

    await user.type(container.querySelector('#userPassphrase-repeat') as HTMLInputElement, ' harbour');
    await user.click(screen.getByRole('button', { name: 'Add user' }));
    expect(await screen.findByText('Sam Deputy can now unlock the vault with their own passphrase.')).toBeTruthy();
    expect(screen.getAllByTestId('user-row').map((r) => r.textContent)).toEqual([
      expect.stringContaining('Jo Bloggs (you)'),
      expect.stringContaining('Sam Deputy'),
    ]);
    expect(called('add_user')[1].args.user).toEqual({
      name: 'Sam Deputy',
      role: 'DeputyDsl',
      passphrase: 'lantern mauve copper harbour',
      passphraseRepeat: 'lantern mauve copper harbour',
    });
    expect(name.value).toBe('');
    expect(called('list_users')).toHaveLength(1);
  });
});

describe('records', () => {
  it('sends only the chosen retention decision', async () => {
    const user = userEvent.setup();
    let due = [
      {
        incidentId: 4,
        reference: 'OS-2001-0004',
        reportedAt: '2001-03-01T09:00:00Z',
        activityType: 'Bullying',
        people: ['Pupil A'],
        reviewFrom: '2026-01-01',
        basis: "The pupil's 25th birthday",
        checkRetirement: false,
        dueSince: '2026-01-01',
      },
    ];
    backend({
      retention_due: () => due,
      list_tombstones: () => [],
      decide_retention: () => {
        due = [];
        return null;
      },
    });
    render(App);
    await user.click(await screen.findByRole('button', { name: 'Records' }));
    await user.click(await screen.findByRole('button', { name: 'Decide on OS-2001-0004…' }));
    await user.click(screen.getByLabelText('Destroy it'));
    await user.type(screen.getByLabelText('Type the reference (OS-2001-0004) to confirm'), 'OS-2001-0004');
    await user.click(screen.getByLabelText('Keep it, and review it again later'));
    await user.type(screen.getByLabelText('Reason'), 'A civil claim is open.');
    await user.click(screen.getByRole('button', { name: 'Keep the record' }));
    expect(await screen.findByText(/OS-2001-0004 is kept; it comes back for review on/)).toBeTruthy();
    const decision = called('decide_retention')[0].args.decision as Record<string, unknown>;
    expect(Object.keys(decision).sort()).toEqual(['decision', 'nextReview', 'reason']);
    expect(decision).toMatchObject({ decision: 'keep', reason: 'A civil claim is open.' });
    expect(await screen.findByTestId('retention-empty')).toBeTruthy();
  });
});

describe('create vault', () => {
  it("offers only DSL and Deputy DSL as the first user's role", async () => {
    backend({ vault_status: () => ({ exists: false, unlocked: false, demoMode: false }) });
    render(App);
    const select = await screen.findByLabelText('Your role');
    const roles = within(select)
      .getAllByRole('option')
      .map((o) => o.getAttribute('value'));
    expect(roles).toEqual(['Dsl', 'DeputyDsl']);
  });
});

describe('an older copy of the vault', () => {
  const rollback = {
    kind: 'olderCopy',
    seenAt: '2026-11-03T14:02:00Z',
    seenAtText: '3 November 2026 at 14:02',
    entriesThen: 41,
    entriesNow: 37,
  };

  it('asks before Home, with the date and figures, and opens only when told to', async () => {
    backend({
      get_session: () => ({ ...session, rollback }),
      open_older_copy: () => session,
    });
    render(App);
    const dialog = await screen.findByRole('alertdialog', {
      name: 'This copy of the vault is older than the one this computer opened',
    });
    expect(dialog.textContent).toContain('3 November 2026 at 14:02');
    expect(dialog.textContent).toMatch(/had\s+41 entries\s+then,\s+and this copy has\s+37 entries/);
    const lock = within(dialog).getByRole('button', { name: 'Lock' });
    await vi.waitFor(() => expect(document.activeElement).toBe(lock));
    expect(called('list_incidents')).toHaveLength(0);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Open this older copy' }));
    expect(await screen.findByRole('heading', { name: 'Incidents' })).toBeTruthy();
    expect(called('open_older_copy')).toHaveLength(1);
  });

  it('locks from Lock or Escape without opening it', async () => {
    backend({ get_session: () => ({ ...session, rollback }), lock: () => null });
    render(App);
    await screen.findByRole('alertdialog');
    await userEvent.keyboard('{Escape}');
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
    expect(screen.getByText('Locked. The older copy was not opened.')).toBeTruthy();
    expect(called('lock')).toHaveLength(1);
    expect(called('open_older_copy')).toHaveLength(0);
  });
});

describe('restore from a backup', () => {
  const preview = {
    createdAt: '2026-11-03T14:02:00Z',
    authenticated: true,
    users: [
      { id: 1, name: 'Jo Bloggs', role: 'Dsl', addedAt: '2026-09-01T08:00:00Z', isYou: true },
      { id: 2, name: 'Pat Head', role: 'Headteacher', addedAt: '2026-09-02T08:00:00Z', isYou: false },
    ],
    recoveryKeyMadeAt: '2026-09-01T08:00:00Z',
    lastChangeAt: '2026-11-03T13:00:00Z',
    auditEntries: 12,
  };

  it('shows the date, users and recovery key it brings back and restores only once the user agrees', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: false, unlocked: false, demoMode: false }),
      check_backup: () => preview,
      cancel_restore: () => null,
      restore_vault: () => session,
    });
    render(App);
    await user.type(await screen.findByLabelText("The backed-up vault's passphrase"), 'lantern mauve copper harbour');
    await user.click(screen.getByRole('button', { name: 'Choose a backup and restore…' }));
    const heading = await screen.findByRole('heading', { name: 'Check what this backup brings back' });
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement).toBe(heading);
    expect(called('check_backup')[0].args).toEqual({ passphrase: 'lantern mauve copper harbour' });
    const text = heading.closest('section')?.textContent ?? '';
    expect(text).toContain('This backup was made on 3 November 2026 at 14:02');
    expect(text).toContain('It brings back the users and recovery key of that date: 2 users.');
    expect(text).toContain('Pat Head, Headteacher');
    expect(text).toContain('The recovery key made on 1 September 2026 at 09:00 opens it again.');
    expect(screen.queryByRole('button', { name: 'Create vault' })).toBeNull();
    expect(text).toContain('Anyone removed since can open it again');
    expect(called('restore_vault')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Do not restore' }));
    expect(await screen.findByText('Nothing was restored.')).toBeTruthy();
    expect(called('cancel_restore')).toHaveLength(1);
    expect(called('restore_vault')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Choose a backup and restore…' }));
    await user.click(await screen.findByRole('button', { name: 'Restore this backup' }));
    expect(await screen.findByRole('heading', { name: 'Incidents' })).toBeTruthy();
    expect(called('restore_vault')).toHaveLength(1);
  });

  it('says plainly when an old backup cannot be authenticated', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: false, unlocked: false, demoMode: false }),
      check_backup: () => ({ ...preview, authenticated: false }),
    });
    render(App);
    await user.click(await screen.findByRole('button', { name: 'Choose a backup and restore…' }));
    const alert = await screen.findByText(/cannot be checked for changes made after it was made/);
    expect(alert.getAttribute('role')).toBe('alert');
  });
});
