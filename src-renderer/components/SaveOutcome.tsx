import { ErrorNote } from './ErrorNote';

/** Under a settings form: "Saved." after a save, or what went wrong. */
export function SaveOutcome({ saved, error }: { saved: boolean; error: { code: string; message: string } | null }) {
  return (
    <>
      {saved && (
        <p role="status" className="ok">
          Saved.
        </p>
      )}
      <ErrorNote error={error} />
    </>
  );
}
