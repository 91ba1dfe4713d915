// `npm run backup -- FILE`: a consistent copy of Baton's database in FILE. PostgreSQL (DATABASE_URL) through
// pg_dump, while Baton runs; the embedded database (BATON_DATA_DIR) while no Baton runs on it.
import { backupPglite, backupPostgres } from '../src/storage/backup.js';
import { fileArgument, runCli, sizeOf, targetFromEnv } from './backupTarget.js';

runCli('backup', async () => {
  const file = fileArgument('backup');
  const target = targetFromEnv();
  const progress = (line: string) => console.error(line);
  const h = target.kind === 'postgres' ? await backupPostgres(target.url, file, progress) : await backupPglite(target.dataDir, file, progress);
  return `Backed up the ${target.shown} (${h.tickets} tickets, schema ${h.migration ?? 'unknown'}) to ${file} (${sizeOf(file)}).`;
});
