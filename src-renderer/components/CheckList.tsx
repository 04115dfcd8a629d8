/** A labelled set of checkboxes choosing ids (devices, members) or names (scopes). */
export function CheckList<T extends string | number>({ legend, options, chosen, onChange }: { legend: string; options: { value: T; label: string }[]; chosen: T[]; onChange: (next: T[]) => void }) {
  return (
    <fieldset className="checklist">
      <legend>{legend}</legend>
      {options.length === 0 && <span className="muted">None yet.</span>}
      {options.map((o) => (
        <label key={String(o.value)} className="check">
          <input type="checkbox" checked={chosen.includes(o.value)} onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value))} />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
