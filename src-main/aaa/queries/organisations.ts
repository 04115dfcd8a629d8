import type { Db } from '../../store/database';

interface OrganisationRow {
  id: number;
  slug: string;
  name: string;
  created_at: number;
}

export interface Organisation {
  id: number;
  slug: string;
  name: string;
  createdAt: number;
}

const toOrganisation = (r: OrganisationRow): Organisation => ({ id: r.id, slug: r.slug, name: r.name, createdAt: r.created_at });

export function listOrganisations(db: Db): Organisation[] {
  return (db.prepare('SELECT * FROM organisations ORDER BY id').all() as OrganisationRow[]).map(toOrganisation);
}

export function organisationBySlug(db: Db, slug: string): Organisation | undefined {
  const row = db.prepare('SELECT * FROM organisations WHERE slug = ?').get(slug) as OrganisationRow | undefined;
  return row && toOrganisation(row);
}

export function insertOrganisation(db: Db, slug: string, name: string, now: number): Organisation {
  const id = Number(db.prepare('INSERT INTO organisations (slug, name, created_at) VALUES (?, ?, ?)').run(slug, name, now).lastInsertRowid);
  return { id, slug, name, createdAt: now };
}
