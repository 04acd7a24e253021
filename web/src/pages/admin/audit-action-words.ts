/**
 * Audit actions in words a partner reads, and the groups the filter offers. An action missing here
 * is shown by its code made readable ("matter.legal_hold_set" → "matter: legal hold set").
 */
export const ACTION_WORDS: Record<string, string> = {
  'auth.login': 'Signed in',
  'auth.logout': 'Signed out',
  'auth.logout_all': 'Signed out everywhere',
  'auth.password_change': 'Changed password',
  'auth.password_reset': 'Reset password',
  'auth.lockout': 'Locked out after failed sign-ins',
  'mfa.totp_enrolled': 'Set up an authenticator',
  'mfa.step_up': 'Confirmed identity again',
  'admin.unlock': 'Unlocked a member locked out by failed sign-ins',
  'admin.force_logout': 'Signed a member out everywhere',
  'member.invite': 'Invited a member',
  'member.join': 'Joined the organization',
  'member.role_change': 'Changed a role',
  'member.remove': 'Removed a member',
  'matter.create': 'Opened a matter',
  'matter.view': 'Viewed a matter',
  'matter.update': 'Edited a matter',
  'matter.close': 'Closed a matter',
  'matter.reopen': 'Reopened a matter',
  'matter.archive': 'Archived a matter',
  'matter.search': 'Searched matters',
  'matter.wall_set': 'Set an ethical wall',
  'matter.wall_lift': 'Lifted an ethical wall',
  'matter.legal_hold_set': 'Placed a legal hold',
  'matter.legal_hold_lift': 'Lifted a legal hold',
  'document.upload': 'Uploaded a document',
  'document.view': 'Viewed a document',
  'document.download': 'Downloaded a document',
  'document.delete': 'Deleted a document',
  'document.share': 'Shared a document',
  'workspace.search': 'Searched',
  'client.create': 'Added a client',
  'client.personal_data_export': "Exported a client's personal data",
  'client.erase': "Erased a client's personal data",
  'conflict.check': 'Ran a conflict check',
  'audit.export': 'Exported the signed audit bundle',
  'audit.export_csv': 'Exported the audit trail (CSV)',
  'org.settings_change': 'Changed security settings',
  'org.onboarding_dismissed': 'Dismissed the onboarding checklist',
  'retention.purge': 'Retention deleted documents',
};

/** What the action filter offers: a whole family or one action, by words. */
export const ACTION_FILTERS: Array<{ value: string; label: string }> = [
  { value: '', label: 'Any action' },
  { value: 'auth.*', label: 'Sign-ins and sessions' },
  { value: 'member.*', label: 'Members and roles' },
  { value: 'matter.*', label: 'Matters' },
  { value: 'document.*', label: 'Documents' },
  { value: 'client.*', label: 'Clients' },
  { value: 'audit.*', label: 'Audit exports' },
  ...Object.entries(ACTION_WORDS).map(([value, label]) => ({ value, label })),
];

export function actionInWords(action: string): string {
  return ACTION_WORDS[action] ?? action.replace('.', ': ').replace(/_/g, ' ');
}
