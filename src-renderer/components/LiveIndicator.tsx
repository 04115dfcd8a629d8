import type { LiveMode } from '../lib/live';

const text: Record<LiveMode, string> = { connecting: 'Connecting…', live: 'Live', polling: 'Refreshing every 10 s' };
const hint: Record<LiveMode, string> = {
  connecting: 'Opening the live channel to the hub.',
  live: 'New readings appear as soon as the hub has stored them.',
  polling: 'The live channel is not available; the page asks the hub every 10 seconds and keeps trying to go live.',
};

export function LiveIndicator({ mode }: { mode: LiveMode }) {
  return (
    <span className={`live-indicator ${mode}`} role="status" title={hint[mode]} data-testid="live-mode" data-mode={mode}>
      <span className="dot" aria-hidden="true" />
      {text[mode]}
    </span>
  );
}
