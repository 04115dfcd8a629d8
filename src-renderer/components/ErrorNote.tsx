/** An API error where it happened: what went wrong (the hub's message says what to do), with its code for support. */
export function ErrorNote({ error, title }: { error: { code: string; message: string } | null; title?: string }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {title && <strong>{title} </strong>}
      {error.message} <span className="code">({error.code})</span>
    </div>
  );
}
