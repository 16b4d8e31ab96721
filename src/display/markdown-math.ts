// Math in markdown, as markdown-it rules that turn $…$, $$…$$, \(…\) and \[…\] into `math` tokens.
// Shared by the report (which renders the tokens with KaTeX) and the notebook outputs (which hand
// them to the front end's MathJax), so both read a formula the same way.
import type MarkdownIt from 'markdown-it';

// The parser states, taken from markdown-it's own rule signatures (its deep type paths differ between CJS and ESM).
type StateInline = Parameters<Parameters<MarkdownIt['inline']['ruler']['before']>[2]>[0];
type StateBlock = Parameters<Parameters<MarkdownIt['block']['ruler']['before']>[2]>[0];

// Inline: $$…$$ (display), $…$ (pandoc's rule: no space inside the delimiters, closing $ not followed
// by a digit, no code span inside, so "$5 and $10" stays text), \(…\) and \[…\]. Runs before markdown-it's escape rule,
// which would otherwise eat the backslashes.
export function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  let open: string, close: string, display: boolean;
  if (src.startsWith('$$', start)) [open, close, display] = ['$$', '$$', true];
  else if (src[start] === '$') [open, close, display] = ['$', '$', false];
  else if (src.startsWith('\\(', start)) [open, close, display] = ['\\(', '\\)', false];
  else if (src.startsWith('\\[', start)) [open, close, display] = ['\\[', '\\]', true];
  else return false;

  let end = start + open.length;
  for (;;) {
    end = src.indexOf(close, end);
    if (end < 0) return false;
    if (src[end - 1] === '\\' && open === '$') {
      end += 1; // an escaped \$ inside the formula
      continue;
    }
    break;
  }
  const content = src.slice(start + open.length, end);
  if (!content.trim()) return false;
  // A backtick inside means the closing $ belongs to a code span: code takes precedence over math.
  if (open === '$' && (/^\s/.test(content) || /\s$/.test(content) || content.includes('`') || /\d/.test(src[end + 1] ?? ''))) return false;
  if (!silent) {
    const token = state.push('math', 'math', 0);
    token.content = content;
    token.meta = { display };
  }
  state.pos = end + close.length;
  return true;
}

// Block: a paragraph that opens with $$ or \[ on its own line(s) and closes with $$ or \].
export function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineText = (line: number) => state.src.slice(state.bMarks[line] + state.tShift[line], state.eMarks[line]);
  const first = lineText(startLine);
  const open = first.startsWith('$$') ? '$$' : first.startsWith('\\[') ? '\\[' : '';
  if (!open || state.sCount[startLine] - state.blkIndent >= 4) return false;
  const close = open === '$$' ? '$$' : '\\]';
  let content = '';
  let line = startLine;
  let rest = first.slice(open.length);
  for (;;) {
    const at = rest.indexOf(close);
    if (at >= 0) {
      if (rest.slice(at + close.length).trim()) return false; // text after the formula: leave it to the inline rule
      content += rest.slice(0, at);
      break;
    }
    content += rest + '\n';
    line++;
    if (line >= endLine) return false;
    rest = lineText(line);
  }
  if (silent) return true;
  const token = state.push('math', 'math', 0);
  token.content = content;
  token.meta = { display: true, block: true };
  token.map = [startLine, line + 1];
  state.line = line + 1;
  return true;
}

