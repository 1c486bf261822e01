/**
 * `npm run preview`: the demo's replay as the page `warden replay --html` writes, and its screenshot
 * in headless Chromium (docs/replay-preview.png, shown in the README). CI runs it (.ci/run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { launch } from 'puppeteer-core';
import { replay } from '../cli/replay';

const ROOT = path.resolve(__dirname, '..');

/** Debian's chromium, or whatever `chromium` / `chromium-browser` / `google-chrome` is on PATH. */
export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Replays the demo into `dir`/demo.html and returns its path. */
export async function demoPage(dir = mkdtempSync(path.join(tmpdir(), 'warden-preview-'))): Promise<string> {
  const file = path.join(dir, 'demo.html');
  await replay({
    configFile: path.join(ROOT, 'config/warden.yml'),
    worldFile: path.join(ROOT, 'events/samples/samples.world.json'),
    json: true,
    html: file,
    paths: [path.join(ROOT, 'events/samples')],
    out: new PassThrough(),
  });
  return file;
}

async function main(): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('chromium not found: apt-get install chromium (CI installs it in .ci/run)');
  const page = await demoPage();
  const browser = await launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1400, height: 1600 });
    await tab.goto(`file://${page}`, { waitUntil: 'load' });
    const out = path.join(ROOT, 'docs/replay-preview.png');
    await tab.screenshot({ path: out });
    console.log(`${path.relative(ROOT, out)}: the demo's page (${path.relative(ROOT, page)}) in headless Chromium`);
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
