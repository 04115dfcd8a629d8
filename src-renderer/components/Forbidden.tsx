export function Forbidden({ needs }: { needs: string }) {
  return (
    <div className="notice" role="alert">
      <h1>Not available to you</h1>
      <p>
        This page needs the permission <code>{needs}</code>, which your role does not have. Ask an admin of your organisation if you need it.
      </p>
    </div>
  );
}
