/** Column headings; `actions` adds a last column for row buttons, named for screen readers only. */
export function TableHead({ columns, numeric = [], actions = false }: { columns: string[]; numeric?: string[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col" className={numeric.includes(c) ? 'num' : undefined}>
            {c}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
