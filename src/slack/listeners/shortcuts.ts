// Shortcuts and option requests: Baton has none, but acknowledges them so Slack is not left waiting.
import type { App } from '@slack/bolt';

export function registerShortcuts(app: App): void {
  app.shortcut(/.*/, async ({ ack }) => {
    await ack();
  });
  app.options(/.*/, async ({ ack }) => {
    await ack({ options: [] });
  });
}
