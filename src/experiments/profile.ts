// Which profile a run, a report or a notebook uses: one rule for everyone.
//
//   1. an explicit choice (--profile, or a `profile` argument),
//   2. else ATLAS_PROFILE,
//   3. else, for notebooks only, the profile the last `npm run report` used (so a notebook opened
//      after building the report shows the report's numbers, read from the cache, no training),
//   4. else `smoke` for notebooks (a fresh checkout opens in seconds) and `default` for the
//      experiments CLI, the report and the results API.
//
// The report records its profile beside the results it read (`<results>/last-report.json`): the
// notebooks read the same results folder, so the record and the numbers travel together.
import * as path from 'node:path';
import { readTextIfPresent, writeFileAtomic } from '../files';
import { defaultResultsDir } from './cache';
import { parseProfile } from './plan';
import { PROFILE_NAMES, type ProfileName } from './types';

/** Who asks: notebooks fall back to the last report's profile, then to smoke; everything else to default. */
export type ProfileCaller = 'cli' | 'notebook';

export type ProfileSource = 'argument' | 'ATLAS_PROFILE' | 'last report' | 'fallback';

export interface ResolvedProfile {
  profile: ProfileName;
  source: ProfileSource;
  /** When source is 'last report': when that report was built (ISO time). */
  reportBuiltAt?: string;
}

export interface ResolveProfileOptions {
  caller: ProfileCaller;
  /** --profile or a function argument; undefined or '' when not given. */
  explicit?: string;
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the last report's record is looked for (default: the results folder). */
  resultsDir?: string;
}

export const LAST_REPORT_FILE = 'last-report.json';

interface LastReportRecord {
  profile: ProfileName;
  builtAt: string;
}

/** Path of the record `npm run report` leaves in a results folder. */
export function lastReportPath(resultsDir: string = defaultResultsDir()): string {
  return path.join(resultsDir, LAST_REPORT_FILE);
}

/** Called by the report once its experiments are in the cache: notebooks opened later show the same profile. */
export function recordReportProfile(profile: ProfileName, resultsDir: string = defaultResultsDir()): void {
  const record: LastReportRecord = { profile, builtAt: new Date().toISOString() };
  writeFileAtomic(lastReportPath(resultsDir), JSON.stringify(record, null, 2) + '\n'); // a notebook never reads half a record
}

/** The last report's profile, or undefined when there is none (a missing or unreadable record is simply ignored, with a note for a bad one). */
export function lastReportProfile(resultsDir: string = defaultResultsDir()): LastReportRecord | undefined {
  const file = lastReportPath(resultsDir);
  const text = readTextIfPresent(file);
  if (text === undefined) return undefined;
  try {
    const rec = JSON.parse(text) as Partial<LastReportRecord>;
    return { profile: parseProfile(String(rec.profile)), builtAt: String(rec.builtAt ?? '') };
  } catch (err) {
    process.stderr.write(`[optimizer-atlas] ignoring ${file}: ${(err as Error).message.split('\n')[0]}\n`);
    return undefined;
  }
}

/** The profile to use, and why (see the rule at the top of this file). Unknown names throw, listing the valid ones. */
export function resolveProfile(opts: ResolveProfileOptions): ResolvedProfile {
  const explicit = opts.explicit?.trim();
  if (explicit) return { profile: parseProfile(explicit), source: 'argument' };
  const fromEnv = (opts.env ?? process.env).ATLAS_PROFILE?.trim();
  if (fromEnv) return { profile: parseProfile(fromEnv), source: 'ATLAS_PROFILE' };
  if (opts.caller === 'notebook') {
    const last = lastReportProfile(opts.resultsDir);
    if (last) return { profile: last.profile, source: 'last report', reportBuiltAt: last.builtAt };
    return { profile: 'smoke', source: 'fallback' };
  }
  return { profile: 'default', source: 'fallback' };
}

/** One markdown line for the top of a notebook: which profile its results come from, why, and how to change it. */
export function profileNoticeMarkdown(resolved: ResolvedProfile = resolveProfile({ caller: 'notebook' })): string {
  const p = `\`${resolved.profile}\``;
  const why =
    resolved.source === 'argument' ? 'chosen in this notebook'
    : resolved.source === 'ATLAS_PROFILE' ? 'from `ATLAS_PROFILE`, set when Jupyter started'
    : resolved.source === 'last report' ? `the profile the last \`npm run report\` used${resolved.reportBuiltAt ? ` (${resolved.reportBuiltAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}: its results are read from the cache`
    : 'no report has been built yet, so the notebook uses the fast smoke profile (tiny data: the numbers mean nothing)';
  const others = PROFILE_NAMES.filter((n) => n !== resolved.profile).map((n) => `\`${n}\``).join(' or ');
  return (
    `**Results shown: profile ${p}** — ${why}. ` +
    `To see another, start Jupyter with \`ATLAS_PROFILE=${PROFILE_NAMES.find((n) => n !== resolved.profile)}\` (${others}), ` +
    `or build the report at that profile (\`npm run report -- --profile <name>\`), then restart the kernel; runs missing from the cache are trained in the kernel.`
  );
}
