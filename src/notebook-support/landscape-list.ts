// Notebook 00's overview of the test landscapes. A list, not a table: a table cell holding a long
// formula is squeezed into a narrow column (classic Notebook wraps it one token per line), while a
// list item gives the formula the full width in classic Notebook, JupyterLab and the report alike.
import { LANDSCAPE_IDS, getLandscape } from '../landscapes/functions';

/** Markdown: one item per landscape — name, formula, what it teaches. */
export function landscapesMarkdown(): string {
  return LANDSCAPE_IDS.map((id) => {
    const l = getLandscape(id);
    return `- **${l.title}**: $${l.latex}$  \n  ${l.lesson}`;
  }).join('\n');
}
