// Markdown → HTML for the report: markdown-it, math rendered now by KaTeX ($…$, $$…$$, \(…\), \[…\]),
// so the reader's browser needs no script to show a formula; code highlighted by highlight.js.
import hljs from 'highlight.js';
import katex from 'katex';
import MarkdownIt from 'markdown-it';
import { mathBlock, mathInline } from '../display/markdown-math';

export class MathError extends Error {}

/** Render one formula; a malformed one is an error naming the formula (never a red blob in the report). */
export function renderMath(tex: string, displayMode: boolean): string {
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: true, output: 'htmlAndMathml', strict: 'ignore' });
  } catch (err) {
    throw new MathError(`KaTeX cannot render ${displayMode ? 'display' : 'inline'} math "${tex.trim()}": ${(err as Error).message}`);
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Highlighted HTML for a code block (TypeScript unless the fence names another language hljs knows). */
export function highlightCode(code: string, lang = 'typescript'): string {
  const language = hljs.getLanguage(lang) ? lang : 'typescript';
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

export function createMarkdown(): MarkdownIt {
  const md: MarkdownIt = new MarkdownIt({
    html: true,
    linkify: false,
    typographer: true,
    highlight: (code, lang) => `<pre class="code hljs"><code class="language-${escapeHtml(lang || 'typescript')}">${highlightCode(code, lang || 'typescript')}</code></pre>`,
  });
  md.inline.ruler.before('escape', 'math', mathInline);
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.math = (tokens, idx) => {
    const { display, block } = tokens[idx].meta as { display: boolean; block?: boolean };
    const html = renderMath(tokens[idx].content, display);
    return block ? `<div class="math-display">${html}</div>\n` : html;
  };
  return md;
}
