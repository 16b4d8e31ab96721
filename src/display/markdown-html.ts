// Markdown → HTML for notebook outputs. Why: classic Notebook does not show an untrusted output that
// has only `text/markdown` (a shared or executed notebook opened from disk), while every front end
// shows sanitized `text/html`. Math is left as \(…\) / \[…\] text for the front end's own MathJax
// (classic Notebook and JupyterLab typeset HTML outputs, trusted or not); code is left unhighlighted.
import MarkdownIt from 'markdown-it';
import { mathBlock, mathInline } from './markdown-math';

let md: MarkdownIt | undefined;

function escapeHtml(s: string): string {
  return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

function markdown(): MarkdownIt {
  if (md) return md;
  md = new MarkdownIt({ html: false, linkify: false, typographer: true });
  md.inline.ruler.before('escape', 'math', mathInline);
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.math = (tokens, idx) => {
    const { display, block } = tokens[idx].meta as { display: boolean; block?: boolean };
    const tex = escapeHtml(tokens[idx].content);
    return display ? `${block ? '<p>' : ''}\\[${tex}\\]${block ? '</p>\n' : ''}` : `\\(${tex}\\)`;
  };
  return md;
}

/** The markdown as HTML a notebook front end can show untrusted; formulas stay TeX for its MathJax. */
export function markdownToHtml(text: string): string {
  return markdown().render(text);
}
