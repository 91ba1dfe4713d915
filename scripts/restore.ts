// `npm run restore -- FILE`: loads a backup made by `npm run backup` into an empty database (DATABASE_URL)
// or an empty BATON_DATA_DIR. Start Baton on it afterwards: migrations newer than the backup apply then.
import { restorePglite, restorePostgres } from '../src/storage/backup.js';
import { fileArgument, runCli, targetFromEnv } from './backupTarget.js';

runCli('restore', async () => {
  const file = fileArgument('restore');
  const target = targetFromEnv();
  const progress = (line: string) => console.error(line);
  const h = target.kind === 'postgres' ? await restorePostgres(target.url, file, progress) : await restorePglite(target.dataDir, file, progress);
  return `Restored ${file} (${h.tickets} tickets, schema ${h.migration ?? 'unknown'}, made ${h.createdAt}) into the ${target.shown}. Start Baton on it.`;
});
