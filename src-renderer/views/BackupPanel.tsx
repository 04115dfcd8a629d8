import { useState } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { ErrorNote } from '../components/ErrorNote';
import { api } from '../lib/api';
import { useAction, useApiQuery } from '../lib/query';

/** The hub owner's "back up now" (hub.backup, audited): the file goes into the data directory's backups folder. */
export function BackupPanel() {
  const me = useApiQuery('auth.me', {});
  const action = useAction();
  const [done, setDone] = useState<ApiOutput<'hub.backup'> | null>(null);
  if (me.state !== 'ready' || !me.value.hubAdmin) return null;
  return (
    <div>
      <h2>Backup</h2>
      <p className="muted">
        An encrypted snapshot of the whole hub, taken while it runs. Restoring it needs the master key: keep a copy made with <code>outpost key export</code> apart from the
        backups.
      </p>
      <button type="button" disabled={action.busy} onClick={() => void action.run(async () => setDone(await api.call('hub.backup', {})))}>
        {action.busy ? 'Backing up…' : 'Back up now'}
      </button>
      <ErrorNote error={action.error} />
      {done && (
        <div role="status" className="ok" data-testid="backup-done">
          Backup written: <span className="mono">{done.file}</span> ({Math.ceil(done.bytes / 1024)} KiB, SHA-256 <span className="mono">{done.sha256.slice(0, 16)}…</span>).
        </div>
      )}
    </div>
  );
}
