// Debian's headless Chromium through playwright-core (@proctor/testkit/browser), the one place it is launched: the
// shared flag list, a fake camera playing a .y4m file when asked, and either a browser whose contexts each start
// clean or one persistent context over a profile folder of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type LaunchOptions } from 'playwright-core';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumOptions {
  /** A .y4m file the fake camera plays (camera permission is granted without a prompt). */
  fakeVideo?: string;
  extraArgs?: string[];
}

function launchOptions(options: ChromiumOptions): LaunchOptions {
  const args = [...CHROMIUM_FLAGS, ...(options.extraArgs ?? [])];
  if (options.fakeVideo) {
    args.push(
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${options.fakeVideo}`,
    );
  }
  return { executablePath: '/usr/bin/chromium', headless: true, args };
}

export interface ChromiumProfile {
  context: BrowserContext;
  /** The fresh --user-data-dir: unique on the command line, so it finds this browser's processes in /proc. */
  userDataDir: string;
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
}

/**
 * Without `profile`, a browser whose every `newContext()` starts clean. With it, one persistent context over a fresh
 * profile folder (readable on disk, and a marker on the browser's command line), with the camera allowed.
 */
export function launchChromium(options?: ChromiumOptions & { profile?: false }): Promise<Browser>;
export function launchChromium(options: ChromiumOptions & { profile: true }): Promise<ChromiumProfile>;
export async function launchChromium(
  options: ChromiumOptions & { profile?: boolean } = {},
): Promise<Browser | ChromiumProfile> {
  if (!options.profile) return chromium.launch(launchOptions(options));
  const userDataDir = mkdtempSync(join(tmpdir(), 'proctor-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    ...launchOptions(options),
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
