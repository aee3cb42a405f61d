import type { Sql } from './db/db.ts';

/** Small key/value settings stored in the database (survive restarts, shared by all nodes). */
export async function getSetting<T>(sql: Sql, key: string): Promise<T | undefined> {
  const rows = await sql.query<{ value: T }>(`SELECT value FROM platform_settings WHERE key = $1`, [key]);
  return rows[0]?.value;
}

export async function setSetting(sql: Sql, key: string, value: unknown, by?: string): Promise<void> {
  await sql.query(
    `INSERT INTO platform_settings (key, value, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
    [key, JSON.stringify(value), by ?? null],
  );
}

/** Returns the stored value, or stores `make()` on first use (first writer wins across nodes). */
export async function getOrCreateSetting<T>(sql: Sql, key: string, make: () => T): Promise<T> {
  await sql.query(`INSERT INTO platform_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [key, JSON.stringify(make())]);
  return (await getSetting<T>(sql, key)) as T;
}
