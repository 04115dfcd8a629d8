import type { Db } from '../../store/database';
import { one, all } from '../../store/rows';

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
  return all(db, 'SELECT * FROM organisations ORDER BY id', toOrganisation);
}

export function organisationBySlug(db: Db, slug: string): Organisation | undefined {
  return one(db, 'SELECT * FROM organisations WHERE slug = ?', toOrganisation, slug);
}

export function insertOrganisation(db: Db, slug: string, name: string, now: number): Organisation {
  const id = Number(db.prepare('INSERT INTO organisations (slug, name, created_at) VALUES (?, ?, ?)').run(slug, name, now).lastInsertRowid);
  return { id, slug, name, createdAt: now };
}

export function organisationById(db: Db, id: number): Organisation | undefined {
  return one(db, 'SELECT * FROM organisations WHERE id = ?', toOrganisation, id);
}

/** The hub's first organisation (created with the database): its owners own the hub until they grant hub:admin to others. */
export function firstOrganisationId(db: Db): number {
  return (db.prepare('SELECT min(id) FROM organisations').pluck().get() as number | null) ?? 1;
}
