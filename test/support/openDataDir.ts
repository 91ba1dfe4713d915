// A child process for the data-directory lock tests: `node --import tsx test/support/openDataDir.ts DIR [NOTE]`.
// Opens Baton's embedded database in DIR (as `npm start` does), optionally appends NOTE to the `settings`
// table, prints `ready <pid>` and stays open until it gets SIGTERM (then closes cleanly) or SIGKILL.
// When the open fails it prints the error message on stderr and exits with code 3.
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/storage/db.js';

const [dir, note] = process.argv.slice(2);

try {
  const db = await openDatabase({ dataDir: dir });
  if (note) {
    // A table of the test's own: Baton keeps nothing of this kind.
    await db.db.execute(sql`create table if not exists settings (key text primary key, value jsonb not null)`);
    await db.db.execute(sql`insert into settings (key, value) values (${`note:${note}`}, ${JSON.stringify({ pid: process.pid })}::jsonb)`);
  }
  process.on('SIGTERM', () => {
    void db.close().then(() => process.exit(0));
  });
  process.stdout.write(`ready ${process.pid}\n`);
  setInterval(() => {}, 60_000);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(3);
}
