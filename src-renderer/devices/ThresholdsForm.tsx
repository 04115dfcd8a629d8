import { useState, type FormEvent } from 'react';
import { defaultThresholds } from '../../src-shared/health';
import { SaveOutcome } from '../components/SaveOutcome';
import { api } from '../lib/api';
import { useAction, useApiQuery } from '../lib/query';

/** After how many minutes without a reading this device is stale, then offline (empty: the hub's defaults). */
export function ThresholdsForm({ deviceId }: { deviceId: number }) {
  const board = useApiQuery('devices.health', {});
  // Held here, not in the editor: saving refetches the board, the new thresholds remount the editor, and "Saved." must survive that.
  const [saved, setSaved] = useState(false);
  const mine = board.state === 'ready' ? board.value.find((d) => d.id === deviceId) : undefined;
  if (!mine) return null;
  return (
    <ThresholdsEditor
      key={`${mine.thresholds.staleAfterS}/${mine.thresholds.offlineAfterS}/${mine.customThresholds}`}
      deviceId={deviceId}
      initial={mine.customThresholds ? mine.thresholds : null}
      saved={saved}
      setSaved={setSaved}
    />
  );
}

const minutes = (s: number) => String(Math.round((s / 60) * 100) / 100);

interface EditorProps {
  deviceId: number;
  initial: { staleAfterS: number; offlineAfterS: number } | null;
  saved: boolean;
  setSaved: (saved: boolean) => void;
}

function ThresholdsEditor({ deviceId, initial, saved, setSaved }: EditorProps) {
  const [stale, setStale] = useState(initial ? minutes(initial.staleAfterS) : '');
  const [offline, setOffline] = useState(initial ? minutes(initial.offlineAfterS) : '');
  const action = useAction();
  const save = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const both = stale.trim() !== '' || offline.trim() !== '';
    const thresholds = both
      ? { staleAfterS: Math.round(Number(stale || minutes(defaultThresholds.staleAfterS)) * 60), offlineAfterS: Math.round(Number(offline || minutes(defaultThresholds.offlineAfterS)) * 60) }
      : null;
    void action.run(async () => {
      await api.call('devices.setThresholds', { deviceId, thresholds });
      setSaved(true);
    });
  };
  return (
    <form className="card" onSubmit={save} aria-labelledby="thresholds-title" data-testid="thresholds-form">
      <h2 id="thresholds-title">Online thresholds</h2>
      <p className="muted small">
        A device with an open MQTT session is online. Otherwise it is stale, then offline, after this long without a reading. Empty: the hub’s defaults ({minutes(defaultThresholds.staleAfterS)} and{' '}
        {minutes(defaultThresholds.offlineAfterS)} minutes). A device that reports every 15 minutes needs more than 15.
      </p>
      <label>
        Stale after (minutes)
        <input inputMode="decimal" value={stale} placeholder={minutes(defaultThresholds.staleAfterS)} onChange={(e) => (setStale(e.target.value), setSaved(false))} />
      </label>
      <label>
        Offline after (minutes)
        <input inputMode="decimal" value={offline} placeholder={minutes(defaultThresholds.offlineAfterS)} onChange={(e) => (setOffline(e.target.value), setSaved(false))} />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy}>
          Save thresholds
        </button>
      </div>
      <SaveOutcome saved={saved} error={action.error} />
    </form>
  );
}
