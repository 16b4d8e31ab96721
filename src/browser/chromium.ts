// The one place that knows the browser: which Chromium prints the PDF, draws the notebooks' static
// chart images and runs the browser tests (PUPPETEER_EXECUTABLE_PATH, else a system Chromium/Chrome —
// offline machines cannot download one — else the browser puppeteer downloaded), its flags, launching.
// Below both src/report and src/display; it imports neither. puppeteer is loaded only when needed:
// a notebook kernel that imports the display must not pay for it.
import * as fs from 'node:fs';
import type { Browser, Page } from 'puppeteer';

function puppeteer(): typeof import('puppeteer').default {
  return (require('puppeteer') as typeof import('puppeteer')).default;
}

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

/** Headless flags for a shared, offline CI machine: no sandbox (containers run as root), no GPU, no background traffic. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
  '--font-render-hinting=none',
];

export interface BrowserChoice {
  executablePath: string;
  source: 'PUPPETEER_EXECUTABLE_PATH' | 'system' | 'puppeteer';
}

export function findBrowser(): BrowserChoice {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`PUPPETEER_EXECUTABLE_PATH=${fromEnv} does not exist. Point it at a Chromium or Chrome binary, or unset it.`);
    return { executablePath: fromEnv, source: 'PUPPETEER_EXECUTABLE_PATH' };
  }
  const system = SYSTEM_BROWSERS.find((p) => fs.existsSync(p));
  if (system) return { executablePath: system, source: 'system' };
  let own = '';
  try {
    own = puppeteer().executablePath();
  } catch {
    /* no download configured */
  }
  if (own && fs.existsSync(own)) return { executablePath: own, source: 'puppeteer' };
  throw new Error(
    [
      'No Chromium or Chrome was found to print the PDF.',
      '  Debian/Ubuntu: sudo apt-get install chromium',
      '  macOS/Windows: install Google Chrome, or run `npx puppeteer browsers install chrome` (needs internet)',
      '  Or set PUPPETEER_EXECUTABLE_PATH to a Chromium/Chrome binary.',
      'To build only the HTML, run the report with --no-pdf.',
    ].join('\n'),
  );
}

/** Extra flags for a browser started inside another process (a notebook kernel): no crash-reporter daemon outliving it. */
export const EMBEDDED_CHROMIUM_FLAGS = [...CHROMIUM_FLAGS, '--disable-breakpad', '--disable-crash-reporter'];

export async function launchBrowser(opts: { args?: string[]; protocolTimeoutMs?: number } = {}): Promise<Browser> {
  const { executablePath } = findBrowser();
  return puppeteer().launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS, ...(opts.args ?? [])], timeout: 60_000, protocolTimeout: opts.protocolTimeoutMs });
}

/** Refuse every request that would leave the machine; returns the list of refused URLs. */
export async function blockNetwork(page: Page): Promise<string[]> {
  const refused: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (/^(file|data|blob|about):/i.test(url)) void req.continue();
    else {
      refused.push(url);
      void req.abort('blockedbyclient');
    }
  });
  return refused;
}
