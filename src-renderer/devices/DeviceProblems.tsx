import { ErrorNote } from '../components/ErrorNote';
import { useApiQuery } from '../lib/query';
import { RefusalTable } from './RefusalTable';

/** How often the device page asks for new refusals: a technician watching a device being commissioned sees them at once. */
const refreshMs = 1_000;

/** "Why is my data not arriving": what the hub refused from this device lately, and why. */
export function DeviceProblems({ deviceId }: { deviceId: number }) {
  const problems = useApiQuery('devices.problems', { deviceId, limit: 20 }, { refreshMs });
  return (
    <section aria-labelledby="problems-title" data-testid="device-problems">
      <h2 id="problems-title">Last problems</h2>
      {problems.state === 'error' ? (
        <ErrorNote error={problems} title="Could not load the recent refusals." />
      ) : problems.state === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : problems.value.length === 0 ? (
        <p className="muted">Nothing from this device was refused lately.</p>
      ) : (
        <RefusalTable rows={problems.value} showDevice={false} testId="problems-table" />
      )}
    </section>
  );
}
