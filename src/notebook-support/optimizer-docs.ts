// Markdown for a notebook's "the math / the code / the seeds / pros and cons" cells, generated from
// the optimizer registry and the rule's own source file, so a notebook never restates either.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getOptimizerInfo, type OptimizerName } from '../optimizers';
import { projectRoot } from '../project-root';

/** `$$…$$` display math for markdown outputs (JupyterLab's MathJax and the report's KaTeX both read it). */
export function displayMath(latex: string): string {
  return `$$\n${latex.trim()}\n$$`;
}

function paperLine(name: OptimizerName): string {
  const { paper } = getOptimizerInfo(name);
  const title = paper.url ? `[${paper.title}](${paper.url})` : paper.title;
  return `${paper.authors} (${paper.year}), *${title}*${paper.venue ? `, ${paper.venue}` : ''}.`;
}

function hyperparamList(name: OptimizerName): string {
  const d = getOptimizerInfo(name).defaults;
  return Object.entries(d).map(([k, v]) => `\`${k}\` = ${v}`).join(', ');
}

/** The update rule as the registry writes it, with the paper, the defaults and the symbol ↔ code map. */
export function optimizerMathMarkdown(name: OptimizerName): string {
  const info = getOptimizerInfo(name);
  const symbols = Object.entries(info.symbols).map(([tex, code]) => `| $${tex}$ | \`${code}\` |`).join('\n');
  return [
    `#### ${info.displayName}: the update rule`,
    '',
    displayMath(info.latex),
    '',
    `Paper: ${paperLine(name)} Defaults: ${hyperparamList(name)}${info.defaultsNote ? ` (${info.defaultsNote})` : ''}.`,
    `PyTorch equivalent: \`${info.torch}\`.`,
    '',
    '| symbol | name in the code |',
    '|---|---|',
    symbols,
    ...(info.notes?.length ? ['', ...info.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

/** Absolute path of the file holding an optimizer's rule. */
export function ruleSourcePath(name: OptimizerName): string {
  return path.join(projectRoot(), getOptimizerInfo(name).sourceFile);
}

export interface RuleSource {
  file: string;
  /** 1-based line numbers of the excerpt in the file. */
  firstLine: number;
  lastLine: number;
  code: string;
}

/**
 * The rule's definition read from its source file: the file's header comment and the
 * `export const <name>Rule … };` block (the metadata below it is left out: the math cell shows it).
 */
export function ruleSource(name: OptimizerName): RuleSource {
  const info = getOptimizerInfo(name);
  const file = ruleSourcePath(name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the rule of "${name}" at ${file} (registry sourceFile "${info.sourceFile}"): ${(err as Error).message}`);
  }
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^export const \w+Rule\b/.test(l));
  if (start < 0) throw new Error(`${info.sourceFile} has no "export const <name>Rule" block; the rule's source cannot be shown.`);
  const end = lines.findIndex((l, i) => i > start && /^};\s*$/.test(l));
  if (end < 0) throw new Error(`${info.sourceFile}: the rule block starting at line ${start + 1} has no closing "};" at column 0.`);
  let header = 0;
  while (header < lines.length && lines[header].startsWith('//')) header++;
  const code = [...lines.slice(0, header), '', ...lines.slice(start, end + 1)].join('\n');
  return { file: info.sourceFile, firstLine: start + 1, lastLine: end + 1, code };
}

/** The rule's code as a fenced TypeScript block, with where it comes from. */
export function ruleSourceMarkdown(name: OptimizerName): string {
  const src = ruleSource(name);
  return [
    `#### ${getOptimizerInfo(name).displayName}: the code`,
    '',
    `Read from \`${src.file}\` (header and lines ${src.firstLine}–${src.lastLine}) when this cell ran. ` +
      '`update` is the formula above, line for line; the shared adapter (`src/optimizers/adapter.ts`) turns it into a `tf.Optimizer`.',
    '',
    '```ts',
    src.code,
    '```',
  ].join('\n');
}

/** Where the seeds write the rule differently: their formula, the difference, and why we follow torch. */
export function seedNotesMarkdown(name: OptimizerName): string {
  const info = getOptimizerInfo(name);
  if (info.seedNotes.length === 0) return `#### ${info.displayName} in the seeds\n\nNo seed writes this rule differently from ours.`;
  const parts = info.seedNotes.map((n) => [
    `**Seed ${n.seed} writes**`,
    '',
    displayMath(n.writes),
    '',
    `*Difference:* ${n.difference}`,
    '',
    `*What we use, and why:* ${n.whyTorch}`,
  ].join('\n'));
  return [`#### ${info.displayName} in the seeds`, '', ...parts.flatMap((p) => [p, ''])].join('\n').trimEnd();
}

/** Pros, cons and when to use it, from the registry (seed 002's "choose an algorithm" columns). */
export function prosConsMarkdown(name: OptimizerName): string {
  const info = getOptimizerInfo(name);
  const list = (xs: string[]) => xs.map((x) => `- ${x}`).join('\n');
  const tfjs = info.tfjs
    ? `tfjs built-in: \`${info.tfjs.builtin}\`${info.tfjs.differences.length ? ` — differs: ${info.tfjs.differences.map((d) => d.text).join(' ')}` : ' (same rule).'}`
    : 'tfjs has no built-in for this optimizer.';
  return [
    `#### ${info.displayName}: pros, cons, when to use`,
    '',
    '**Pros**',
    list(info.pros),
    '',
    '**Cons**',
    list(info.cons),
    '',
    '**When to use**',
    list(info.whenToUse),
    '',
    tfjs,
  ].join('\n');
}
