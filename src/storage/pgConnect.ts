// A postgres.js client for a DATABASE_URL. Beside postgres.js's own URL forms it takes libpq's way of naming a
// Unix socket, `?host=/directory` (e.g. `postgresql://baton@localhost/baton?host=/var/run/postgresql`):
// PostgreSQL on the same machine is then reached without TCP, which costs less CPU per round trip.
import postgres from 'postgres';

/** The URL without a socket directory, and that directory (null: TCP). */
export function socketOf(url: string): { url: string; socketDir: string | null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, socketDir: null };
  }
  const dir = u.searchParams.get('host');
  if (!dir?.startsWith('/')) return { url, socketDir: null };
  u.searchParams.delete('host');
  return { url: u.toString(), socketDir: dir };
}

export function connectPostgres(url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  const { url: rest, socketDir } = socketOf(url);
  return postgres(rest, socketDir ? { ...options, host: socketDir } : options);
}
