import type { ReactNode } from 'react';
import { ErrorNote } from './ErrorNote';

/** A labelled field: the label text (with an optional note in grey) above its control. */
export function Field({ label, note, children }: { label: string; note?: string | undefined; children: ReactNode }) {
  return (
    <label>
      <span>
        {label} {note && <span className="muted">({note})</span>}
      </span>
      {children}
    </label>
  );
}

/** The end of a form: the hub's error for this form, then submit and (when given) cancel. */
export function FormActions({ submit, busy, error, onCancel }: { submit: string; busy: boolean; error: { code: string; message: string } | null; onCancel?: () => void }) {
  return (
    <>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {submit}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </>
  );
}
