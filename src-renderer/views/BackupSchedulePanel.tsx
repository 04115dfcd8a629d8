import { HubSettingsForm } from '../components/HubSettingsForm';
import { useApiQuery } from '../lib/query';

const fields = [
  { name: 'backup-interval-hours', label: 'Every (hours, or off)' },
  { name: 'backup-keep', label: 'Backups kept' },
  { name: 'backup-dir', label: 'Folder (or default)' },
];

/** The hub owner's scheduled backups (hub.backupSchedule; settings through hubSettings.set, audited) and how the last run went. */
export function BackupSchedulePanel() {
  const me = useApiQuery('auth.me', {});
  const schedule = useApiQuery('hub.backupSchedule', {}, { enabled: me.state === 'ready' && me.value.hubAdmin, refreshMs: 30_000 });
  if (schedule.state !== 'ready') return null;
  const { last, nextAt, dir } = schedule.value;
  return (
    <div>
      <HubSettingsForm
        id="backup-schedule"
        title="Scheduled backups"
        intro={`The running hub backs up by itself and deletes its own oldest scheduled backups beyond the number kept (backups made by hand are never deleted). Folder now: ${dir}`}
        fields={fields}
      />
      <p data-testid="backup-last" className={last && !last.ok ? 'error' : 'muted'} role={last && !last.ok ? 'alert' : undefined}>
        {!last && 'No scheduled backup has run yet.'}
        {last?.ok && `Last scheduled backup ${new Date(last.at).toLocaleString()}: ${last.file}.`}
        {last && !last.ok && `The scheduled backup of ${new Date(last.at).toLocaleString()} failed: ${last.message} ${last.hint ?? ''} (${last.code})`}
        {nextAt !== null && ` Next: ${new Date(Math.max(nextAt, Date.now())).toLocaleString()}.`}
      </p>
    </div>
  );
}
