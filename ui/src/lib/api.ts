// The only place that calls the backend: one typed function per command.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AboutInfo } from './bindings/AboutInfo';
import type { ApiError } from './bindings/ApiError';
import type { CreateVaultInput } from './bindings/CreateVaultInput';
import type { PassphraseAssessment } from './bindings/PassphraseAssessment';
import type { RecoveryKeyShown } from './bindings/RecoveryKeyShown';
import type { Session } from './bindings/Session';
import type { RollbackWarning } from './bindings/RollbackWarning';
import type { Settings } from './bindings/Settings';
import type { Restriction } from './bindings/Restriction';
import type { VaultStatus } from './bindings/VaultStatus';
import type { SignInChoice } from './bindings/SignInChoice';
import type { ActivityType } from './bindings/ActivityType';
import type { IncidentDetail } from './bindings/IncidentDetail';
import type { IncidentFacts } from './bindings/IncidentFacts';
import type { IncidentFilter } from './bindings/IncidentFilter';
import type { IncidentSummary } from './bindings/IncidentSummary';
import type { InvolvementInput } from './bindings/InvolvementInput';
import type { PersonCorrection } from './bindings/PersonCorrection';
import type { NewIncident } from './bindings/NewIncident';
import type { Person } from './bindings/Person';
import type { AccessEntry } from './bindings/AccessEntry';
import type { ConcernAdult } from './bindings/ConcernAdult';
import type { ConcernPattern } from './bindings/ConcernPattern';
import type { NewConcern } from './bindings/NewConcern';
import type { PersonHistory } from './bindings/PersonHistory';
import type { EntryInput } from './bindings/EntryInput';
import type { StepInput } from './bindings/StepInput';
import type { StepView } from './bindings/StepView';
import type { EvidenceItem } from './bindings/EvidenceItem';
import type { EvidenceInput } from './bindings/EvidenceInput';
import type { CustodyInput } from './bindings/CustodyInput';
import type { DigestCheck } from './bindings/DigestCheck';
import type { DeviceReview } from './bindings/DeviceReview';
import type { DeviceReviewInput } from './bindings/DeviceReviewInput';
import type { AuditCheck } from './bindings/AuditCheck';
import type { BackupPreview } from './bindings/BackupPreview';
import type { Term } from './bindings/Term';
import type { TermName } from './bindings/TermName';
import type { TermDashboard } from './bindings/TermDashboard';
import type { TermFigures } from './bindings/TermFigures';
import type { GovernorDraft } from './bindings/GovernorDraft';
import type { KnownMatch } from './bindings/KnownMatch';
import type { Breakdown } from './bindings/Breakdown';
import type { Cell } from './bindings/Cell';
import type { LessonCandidate } from './bindings/LessonCandidate';
import type { TrendPoint } from './bindings/TrendPoint';
import type { VaultUser } from './bindings/VaultUser';
import type { NewUser } from './bindings/NewUser';
import type { RetentionItem } from './bindings/RetentionItem';
import type { RetentionDecision } from './bindings/RetentionDecision';
import type { KeepDecision } from './bindings/KeepDecision';
import type { Tombstone } from './bindings/Tombstone';
import type { Transfer } from './bindings/Transfer';
import type { TransferInput } from './bindings/TransferInput';
import type { ReceiptInput } from './bindings/ReceiptInput';
import type { Receipt } from './bindings/Receipt';

export type { AboutInfo, ApiError, CreateVaultInput, PassphraseAssessment, RecoveryKeyShown, RollbackWarning, Session, Settings, SignInChoice, VaultStatus };
export type {
  ActivityType,
  IncidentDetail,
  IncidentFacts,
  IncidentFilter,
  IncidentSummary,
  InvolvementInput,
  PersonCorrection,
  NewIncident,
  Person,
  PersonHistory,
  EntryInput,
  StepInput,
  StepView,
  EvidenceItem,
  EvidenceInput,
  CustodyInput,
  DigestCheck,
  DeviceReview,
  DeviceReviewInput,
  AuditCheck,
  BackupPreview,
  Term,
  TermName,
  TermDashboard,
  TermFigures,
  GovernorDraft,
  KnownMatch,
  Breakdown,
  Cell,
  LessonCandidate,
  TrendPoint,
  VaultUser,
  NewUser,
  RetentionItem,
  RetentionDecision,
  KeepDecision,
  Tombstone,
  Transfer,
  TransferInput,
  ReceiptInput,
  Receipt,
};

/** True when `e` is the typed error the backend returns. */
export function isApiError(e: unknown): e is ApiError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** Turns anything thrown by a command into a typed error. */
export function asApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  return { kind: 'Internal', message: 'Something went wrong. Try again.' };
}

export const api = {
  vaultStatus: () => invoke<VaultStatus>('vault_status'),
  assessPassphrase: (passphrase: string, context: string[]) =>
    invoke<PassphraseAssessment>('assess_passphrase', { passphrase, context }),
  createVault: (input: CreateVaultInput) => invoke<RecoveryKeyShown>('create_vault', { input }),
  saveRecoverySheet: () => invoke<string>('save_recovery_sheet'),
  confirmRecoveryKey: (answers: string[]) => invoke<Session>('confirm_recovery_key', { answers }),
  regenerateRecoveryKey: (current: string) => invoke<RecoveryKeyShown>('regenerate_recovery_key', { current }),
  unlock: (slotId: string, passphrase: string) => invoke<Session>('unlock', { slotId, passphrase }),
  unlockWithRecovery: (recoveryKey: string, newPassphrase: string, newPassphraseRepeat: string) =>
    invoke<Session>('unlock_with_recovery', { recoveryKey, newPassphrase, newPassphraseRepeat }),
  lock: () => invoke<void>('lock'),
  reportActivity: () => invoke<void>('report_activity'),
  getSession: () => invoke<Session>('get_session'),
  openOlderCopy: () => invoke<Session>('open_older_copy'),
  getSettings: () => invoke<Settings>('get_settings'),
  updateSettings: (settings: Settings) => invoke<Settings>('update_settings', { settings }),
  changePassphrase: (current: string, newPassphrase: string, newPassphraseRepeat: string) =>
    invoke<void>('change_passphrase', { current, newPassphrase, newPassphraseRepeat }),
  about: () => invoke<AboutInfo>('about'),
  verifyVault: () => invoke<AuditCheck>('verify_vault'),
  backupVault: () => invoke<string>('backup_vault'),
  checkBackup: (passphrase: string) => invoke<BackupPreview>('check_backup', { passphrase }),
  restoreVault: () => invoke<Session>('restore_vault'),
  cancelRestore: () => invoke<void>('cancel_restore'),
  chooseKeyFile: () => invoke<void>('choose_key_file'),
  activityTypes: () => invoke<ActivityType[]>('activity_types'),
  createIncident: (input: NewIncident) => invoke<IncidentDetail>('create_incident', { input }),
  getIncident: (id: number) => invoke<IncidentDetail>('get_incident', { id }),
  recordEntry: (id: number, input: EntryInput) => invoke<IncidentDetail>('record_entry', { id, input }),
  recordStep: (id: number, input: StepInput) => invoke<IncidentDetail>('record_step', { id, input }),
  reaskStep: (id: number, nodeId: string, personId: number | null) =>
    invoke<StepView>('reask_step', { id, nodeId, personId }),
  addPerson: (id: number, input: InvolvementInput) => invoke<IncidentDetail>('add_person', { id, input }),
  correctPerson: (id: number, input: PersonCorrection) => invoke<IncidentDetail>('correct_person', { id, input }),
  correctFacts: (id: number, facts: IncidentFacts, reason: string) => invoke<IncidentDetail>('correct_facts', { id, facts, reason }),
  listIncidents: (filter: IncidentFilter) => invoke<IncidentSummary[]>('list_incidents', { filter }),
  findPeople: (text: string) => invoke<Person[]>('find_people', { text }),
  dueIncidents: () => invoke<IncidentSummary[]>('due_incidents'),
  accessLog: (incidentId: number | null) => invoke<AccessEntry[]>('access_log', { incidentId }),
  incidentRestriction: (id: number) => invoke<Restriction>('incident_restriction', { id }),
  restrictIncident: (id: number, userIds: number[]) =>
    invoke<Restriction>('restrict_incident', { id, userIds }),
  concernsRestriction: (personId: number) => invoke<Restriction>('concerns_restriction', { personId }),
  restrictConcerns: (personId: number, userIds: number[]) =>
    invoke<Restriction>('restrict_concerns', { personId, userIds }),
  personHistory: (personId: number) => invoke<PersonHistory>('person_history', { personId }),
  listEvidence: (incidentId: number) => invoke<EvidenceItem[]>('list_evidence', { incidentId }),
  allEvidence: () => invoke<EvidenceItem[]>('all_evidence'),
  addEvidence: (incidentId: number, input: EvidenceInput) => invoke<EvidenceItem>('add_evidence', { incidentId, input }),
  addCustody: (itemId: number, input: CustodyInput) => invoke<EvidenceItem>('add_custody', { itemId, input }),
  fingerprintFile: (itemId: number) => invoke<EvidenceItem>('fingerprint_file', { itemId }),
  checkFile: (itemId: number, digestId: number) => invoke<DigestCheck>('check_file', { itemId, digestId }),
  addDeviceReview: (incidentId: number, input: DeviceReviewInput) =>
    invoke<DeviceReview[]>('add_device_review', { incidentId, input }),
  listDeviceReviews: (incidentId: number) => invoke<DeviceReview[]>('list_device_reviews', { incidentId }),
  exportIncidentReport: (id: number, redact: boolean, keepPersonId: number | null) =>
    invoke<string>('export_incident_report', { id, redact, keepPersonId }),
  openLastExport: () => invoke<void>('open_last_export'),
  termChoices: () => invoke<Term[]>('term_choices'),
  termsOfYear: (year: number) => invoke<Term[]>('terms_of_year', { year }),
  saveTerms: (terms: Term[]) => invoke<Term[]>('save_terms', { terms }),
  termDashboard: (year: number, term: TermName) => invoke<TermDashboard>('term_dashboard', { year, term }),
  saveGovernorDraft: (year: number, term: TermName, draft: GovernorDraft) =>
    invoke<GovernorDraft>('save_governor_draft', { year, term, draft }),
  knownInText: (text: string) => invoke<KnownMatch[]>('known_in_text', { text }),
  exportGovernorReport: (year: number, term: TermName) =>
    invoke<string>('export_governor_report', { year, term }),
  createDemoVault: () => invoke<Session>('create_demo_vault'),
  listUsers: () => invoke<VaultUser[]>('list_users'),
  addUser: (user: NewUser) => invoke<VaultUser>('add_user', { user }),
  removeUser: (id: number) => invoke<void>('remove_user', { id }),
  retentionDue: () => invoke<RetentionItem[]>('retention_due'),
  concernRegister: () => invoke<ConcernAdult[]>('concern_register'),
  concernsAbout: (personId: number) => invoke<ConcernPattern>('concerns_about', { personId }),
  addConcern: (concern: NewConcern) => invoke<ConcernPattern>('add_concern', { concern }),
  escalateConcerns: (personId: number, concernIds: number[]) =>
    invoke<IncidentDetail>('escalate_concerns', { personId, concernIds }),
  destroyConcerns: (personId: number, reason: string) =>
    invoke<number>('destroy_concerns', { personId, reason }),
  setStaffDetails: (personId: number, headteacher: boolean, leftOn: string | null) =>
    invoke<Person>('set_staff_details', { personId, headteacher, leftOn }),
  concernYears: () => invoke<number>('concern_years'),
  linkUserPerson: (userId: number, personId: number | null) => invoke<void>('link_user_person', { userId, personId }),
  setConcernYears: (years: number) => invoke<void>('set_concern_years', { years }),
  retentionOf: (id: number) => invoke<RetentionItem>('retention_of', { id }),
  decideRetention: (id: number, decision: RetentionDecision) => invoke<void>('decide_retention', { id, decision }),
  listTombstones: () => invoke<Tombstone[]>('list_tombstones'),
  listTransfers: (personId: number | null) => invoke<Transfer[]>('list_transfers', { personId }),
  exportTransfer: (transfer: TransferInput) => invoke<Transfer>('export_transfer', { transfer }),
  recordReceipt: (receipt: ReceiptInput) => invoke<void>('record_receipt', { receipt }),
  exportSubjectAccess: (personId: number) => invoke<string>('export_subject_access', { personId }),
};

/** Why the vault was locked: no activity for the idle limit, the Lock button or quick hide, or the
 * computer going to sleep or its screen being locked. */
export type LockReason = 'idle' | 'user' | 'system';

/** Calls `handler` whenever the backend locks the vault. */
export function onLocked(handler: (reason: LockReason) => void): Promise<UnlistenFn> {
  return listen<{ reason: LockReason }>('vault-locked', (event) => handler(event.payload.reason));
}

/** Calls `handler` with the fraction done (0 to 1) while the vault is re-encrypted under a new key. */
export function onRekey(handler: (fraction: number) => void): Promise<UnlistenFn> {
  return listen<{ fraction: number }>('vault-rekey', (event) => handler(event.payload.fraction));
}

/** Calls `handler` with the entries checked so far, and the total, while Verify runs. */
export function onVerify(handler: (checked: number, total: number) => void): Promise<UnlistenFn> {
  return listen<{ checked: number; total: number }>('vault-verify', (event) =>
    handler(event.payload.checked, event.payload.total),
  );
}
