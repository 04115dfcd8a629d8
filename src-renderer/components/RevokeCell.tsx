import { useAction } from '../lib/query';
import { ConfirmButton } from './ConfirmButton';
import { ErrorNote } from './ErrorNote';

/** The last cell of a credential's row: "Revoke" with a confirmation, or "Revoked". */
export function RevokeCell({ name, revoked, revoke }: { name: string; revoked: boolean; revoke: () => Promise<unknown> }) {
  const action = useAction();
  if (revoked) return <td className="muted">Revoked</td>;
  return (
    <td className="row-actions">
      <ConfirmButton label="Revoke" question={`Revoke ${name}? It stops working at once.`} disabled={action.busy} onConfirm={() => void action.run(revoke)} />
      <ErrorNote error={action.error} />
    </td>
  );
}
