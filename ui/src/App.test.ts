// The vault screens driven as a user would, with the backend mocked at the IPC boundary.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, cleanup, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import App from './App.svelte';

type Call = { cmd: string; args: Record<string, unknown> };
type Handler = (args: Record<string, unknown>) => unknown;

const session = {
  userId: 1,
  userName: 'Siobhán Zoë',
  role: 'Dsl',
  schoolName: 'Oakfield Academy',
  idleMinutes: 10,
  demo: false,
  backupReminderDays: 7,
};
const PASS = 'lantern mauve copper harbour';

let calls: Call[];

function backend(handlers: Record<string, Handler>) {
  calls = [];
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
}

/** What the home screen asks for in a vault with no incidents yet. */
const emptyVault: Record<string, Handler> = {
  activity_types: () => [],
  list_incidents: () => [],
};

const acceptable = () => ({ acceptable: true, score: 4, problems: [], suggestions: [] });

beforeEach(() => {
  calls = [];
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe('first run', () => {
  it('creates a vault, shows the recovery key once and asks for two groups back', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: false, unlocked: false }),
      assess_passphrase: acceptable,
      create_vault: () => ({ grouped: '7K3M-9QXA-0B1C-DEFG-HJKM-NPQR-STVW-XYZ2', confirmGroups: [2, 7] }),
      confirm_recovery_key: (args) => {
        const answers = args.answers as string[];
        if (answers[0] !== '9QXA' || answers[1] !== 'STVW') {
          throw { kind: 'Validation', message: 'Group 2 does not match the key.', field: 'group2' };
        }
        return session;
      },
      report_activity: () => null,
      ...emptyVault,
    });
    render(App);
    expect(await screen.findByRole('heading', { name: 'Create your vault' })).toBeTruthy();
    await user.type(screen.getByLabelText('School name'), 'Oakfield Academy');
    await user.type(screen.getByLabelText('Your name'), 'Siobhán Zoë');
    await user.selectOptions(screen.getByLabelText('Your role'), 'DeputyDsl');
    await user.type(screen.getByLabelText('Passphrase'), PASS);
    await user.type(screen.getByLabelText('Type it again'), PASS);
    await user.click(screen.getByRole('button', { name: 'Create vault' }));

    expect(await screen.findByRole('heading', { name: 'Your recovery key' })).toBeTruthy();
    const create = calls.find((c) => c.cmd === 'create_vault');
    expect(create?.args.input).toEqual({
      schoolName: 'Oakfield Academy',
      userName: 'Siobhán Zoë',
      role: 'DeputyDsl',
      passphrase: PASS,
      passphraseRepeat: PASS,
    });
    expect(screen.getByTestId('recovery-key').textContent).toContain('NPQR');

    await user.type(screen.getByLabelText(/group 2\)/), '9QXB');
    await user.type(screen.getByLabelText(/group 7\)/), 'STVW');
    await user.click(screen.getByRole('button', { name: /I have kept the key/ }));
    expect((await screen.findByRole('alert')).textContent).toContain('Group 2 does not match');

    await user.clear(screen.getByLabelText(/group 2\)/));
    await user.type(screen.getByLabelText(/group 2\)/), '9QXA');
    await user.click(screen.getByRole('button', { name: /I have kept the key/ }));
    expect(await screen.findByRole('heading', { name: 'Incidents' })).toBeTruthy();
    expect(await screen.findByText(/No incidents are recorded/)).toBeTruthy();
  });

  it('shows why a weak passphrase is refused', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: false, unlocked: false }),
      assess_passphrase: () => ({
        acceptable: false,
        score: 0,
        problems: ['It is too short: use at least 12 characters (it has 8).'],
        suggestions: [],
      }),
      create_vault: () => {
        throw { kind: 'Validation', message: 'It is too short: use at least 12 characters (it has 8).', field: 'passphrase' };
      },
    });
    render(App);
    await user.type(await screen.findByLabelText('Passphrase'), 'password');
    expect(await screen.findByText(/not accepted/)).toBeTruthy();
    expect(screen.getAllByText(/too short/).length).toBeGreaterThan(0);
    await user.click(screen.getByRole('button', { name: 'Create vault' }));
    expect((await screen.findByRole('alert')).textContent).toContain('too short');
    expect(screen.getByRole('heading', { name: 'Create your vault' })).toBeTruthy();
  });
});

describe('unlock', () => {
  it('opens the vault with the right passphrase', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: true, unlocked: false }),
      unlock: (args) => (args.passphrase === PASS ? session : null),
      report_activity: () => null,
      ...emptyVault,
    });
    render(App);
    await user.type(await screen.findByLabelText('Passphrase'), PASS);
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('heading', { name: 'Incidents' })).toBeTruthy();
    expect(screen.getByText('Oakfield Academy')).toBeTruthy();
    expect(calls.filter((c) => c.cmd === 'unlock')).toHaveLength(1);
  });

  it('says plainly when the passphrase is wrong, and stays locked', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: true, unlocked: false }),
      unlock: () => {
        throw { kind: 'WrongCredentials', message: 'That did not open the vault. Check it and try again.' };
      },
    });
    render(App);
    await user.type(await screen.findByLabelText('Passphrase'), 'wrong passphrase here');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('That did not open the vault. Check it and try again.');
    expect(screen.getByRole('heading', { name: 'Unlock' })).toBeTruthy();
    expect((screen.getByLabelText('Passphrase') as HTMLInputElement).value).toBe('');
  });

  it('waits out the delay after repeated failures', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: true, unlocked: false }),
      unlock: () => {
        throw { kind: 'TooManyAttempts', message: 'Too many wrong attempts. To slow down guessing, DSL Desk waits before it tests another passphrase or recovery key. Wait 5 seconds, then try again. The wait grows with each wrong attempt, up to 5 minutes, and restarting DSL Desk does not end it.', retryAfterSeconds: 5 };
      },
    });
    render(App);
    await user.type(await screen.findByLabelText('Passphrase'), 'again wrong');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Too many wrong attempts');
    const button = screen.getByRole('button', { name: /Wait \d s/ }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
  });
});

describe('lock', () => {
  it('the Lock button locks the vault and forgets the session', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: true, unlocked: true }),
      get_session: () => session,
      lock: () => null,
      report_activity: () => null,
      ...emptyVault,
    });
    render(App);
    expect(await screen.findByText('Siobhán Zoë · DSL')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Lock' }));
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
    expect(calls.some((c) => c.cmd === 'lock')).toBe(true);
    expect(screen.queryByText(/Siobhán/)).toBeNull();
    expect(screen.queryByText('Oakfield Academy')).toBeNull();
  });

  it('an idle lock from the backend clears the screen and says why', async () => {
    backend({
      vault_status: () => ({ exists: true, unlocked: true }),
      get_session: () => session,
      report_activity: () => null,
      ...emptyVault,
    });
    render(App);
    expect(await screen.findByText('Siobhán Zoë · DSL')).toBeTruthy();
    await emit('vault-locked', { reason: 'idle' });
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
    expect(screen.getByText(/locked itself after a period without activity/)).toBeTruthy();
    expect(screen.queryByText(/Siobhán/)).toBeNull();
  });

  it('a lock on sleep or screen lock clears the screen and says why', async () => {
    backend({
      vault_status: () => ({ exists: true, unlocked: true }),
      get_session: () => session,
      report_activity: () => null,
      ...emptyVault,
    });
    render(App);
    expect(await screen.findByText('Siobhán Zoë · DSL')).toBeTruthy();
    await emit('vault-locked', { reason: 'system' });
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
    expect(screen.getByText(/went to sleep or its screen was locked/)).toBeTruthy();
    expect(screen.queryByText(/Siobhán/)).toBeNull();
  });

  it('quick hide blanks the screen at once and locks', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: true, unlocked: true }),
      get_session: () => session,
      lock: () => null,
      report_activity: () => null,
      ...emptyVault,
    });
    render(App);
    expect(await screen.findByText('Siobhán Zoë · DSL')).toBeTruthy();
    await user.keyboard('{Control>}{Shift>}H{/Shift}{/Control}');
    expect(screen.getByTestId('hidden-screen')).toBeTruthy();
    expect(screen.queryByText(/Siobhán/)).toBeNull();
    await waitFor(() => expect(calls.some((c) => c.cmd === 'lock')).toBe(true));
    await new Promise((r) => setTimeout(r, 450));
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
  });
});

describe('demo vault and governor report', () => {
  const term = { academicYear: 2025, name: 'summer', starts: '2026-04-06', ends: '2026-08-31' };
  const cell = (label: string, count: number, shown = 'exact') => ({ label, count, shown });
  const dashboard = {
    figures: {
      term,
      termLabel: 'Summer term 2025/26',
      threshold: 5,
      openAtStart: 6,
      opened: 52,
      reopened: 3,
      closed: 58,
      openAtEnd: 3,
      medianDaysToClose: 13,
      breakdowns: [
        {
          title: 'Risk area',
          rows: [cell('Content', 48), cell('Contact', 3, 'fewerThan'), cell('Conduct', 1, 'fewerThan'), cell('Commerce', 0)],
          total: 52,
          withheld: false,
          aboutAdults: false,
        },
        {
          title: 'Allegations about adults',
          rows: [cell('Allegations', 6)],
          total: 6,
          window: 'the last three terms (Autumn term 2025/26 to Summer term 2025/26)',
          withheld: false,
          aboutAdults: true,
        },
      ],
      typeByKeyStage: { title: 'Type of activity by key stage', rowLabels: [], columnLabels: [], cells: [], withheld: false },
      trend: [{ term: 'Summer term 2025/26', opened: 52, closed: 58, illegal: 9, openAtEnd: 3 }],
      filteringChanges: [],
    },
    lessons: [{ entryId: 9, recordedOn: '2026-05-01', text: 'Alerts go to two people.', times: 2 }],
    draft: { narrative: '', lessons: [] },
  };

  it('makes the marked demo vault, shows the dashboard and saves the chosen lesson', async () => {
    const user = userEvent.setup();
    backend({
      vault_status: () => ({ exists: false, unlocked: false, demoMode: true, demoPassphrase: 'demo pass' }),
      create_demo_vault: () => ({ ...session, schoolName: 'Demo Academy', demo: true }),
      report_activity: () => null,
      term_choices: () => [term],
      term_dashboard: () => dashboard,
      save_governor_draft: (args) => args.draft,
      known_in_text: () => [],
      ...emptyVault,
    });
    render(App);
    await user.click(await screen.findByRole('button', { name: 'Make the demo vault' }));
    expect(await screen.findByText(/DEMO vault: generated data/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Governor report' }));
    expect(await screen.findByRole('heading', { name: 'Governor report' })).toBeTruthy();
    expect((await screen.findByTestId('headlines')).textContent).toContain('Opened52');
    expect(screen.getAllByText('prints as “fewer than 5”')).toHaveLength(2);
    // Figures about adults stand in their own section, over the longer window they were counted over.
    expect(screen.getByRole('heading', { name: 'Concerns and allegations about adults' })).toBeTruthy();
    expect(screen.getByText(/Counted over the last three terms \(Autumn term 2025\/26 to Summer term 2025\/26\)\./)).toBeTruthy();
    expect(screen.getByText('(flagged in 2 incidents)')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Add to report' }));
    expect(calls.find((c) => c.cmd === 'known_in_text')?.args).toMatchObject({ text: 'Alerts go to two people.' });
    expect(((await screen.findByLabelText('Lesson 1 as printed')) as HTMLTextAreaElement).value).toBe('Alerts go to two people.');
    expect(screen.getByRole('button', { name: 'Added' })).toHaveProperty('disabled', true);
    await user.type(screen.getByLabelText("The headteacher's summary"), 'A steady term.');
    await user.click(screen.getByRole('button', { name: 'Save report text' }));
    expect(await screen.findByText('Report text saved.')).toBeTruthy();
    const saved = calls.find((c) => c.cmd === 'save_governor_draft');
    expect(saved?.args).toMatchObject({
      year: 2025,
      term: 'summer',
      draft: { narrative: 'A steady term.', lessons: ['Alerts go to two people.'] },
    });
  });
});
