// Debian's headless Chromium through playwright-core (@proctor/testkit/browser): the one shared flag list, and a
// persistent context with a fake camera playing a .y4m file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  context: BrowserContext;
  /** The fresh --user-data-dir: unique on the command line, so it finds this browser's processes in /proc. */
  userDataDir: string;
  close(): Promise<void>;
}

export async function launchChromium(options: { fakeVideo?: string; extraArgs?: string[] } = {}): Promise<Chromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'proctor-client-chromium-'));
  const args = [...CHROMIUM_FLAGS, ...(options.extraArgs ?? [])];
  if (options.fakeVideo) {
    args.push(
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${options.fakeVideo}`,
    );
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args,
    viewport: { width: 1100, height: 900 },
  });
  await context.grantPermissions(['camera']);
  return {
    context,
    userDataDir,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
