// Browser side of the JupyterLab rendering test: JupyterLab 4's own output area, renderers, sanitizer
// and MathJax typesetter, bundled by esbuild (see lab-render.ts). window.renderNotebook(nb, trusted)
// renders every code cell's outputs as Lab would and reports what each output shows.
import { Sanitizer } from '@jupyterlab/apputils';
import { MathJaxTypesetter } from '@jupyterlab/mathjax-extension';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';

/** What JupyterLab showed for one output (read by lab-render.ts in node). */
export interface Shown {
  cell: number;
  mimes: string[];
  /** The MIME type Lab chose to render (data-mime-type of the output node). */
  rendered: string | null;
  text: string;
  hasImage: boolean;
  isChart: boolean;
  mathTypeset: number;
}

const joinText = (v: unknown): unknown => (Array.isArray(v) ? v.join('') : v);

async function renderNotebook(nb: { cells: { cell_type: string; outputs?: any[] }[] }, trusted: boolean): Promise<Shown[]> {
  document.body.innerHTML = '';
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories, sanitizer: new Sanitizer(), latexTypesetter: new MathJaxTypesetter() });
  const areas: { cell: number; area: OutputArea }[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code' || !cell.outputs?.length) return;
    const host = document.createElement('div');
    host.className = 'cell';
    document.body.appendChild(host);
    const model = new OutputAreaModel({ trusted });
    const area = new OutputArea({ model, rendermime });
    Widget.attach(area, host); // attached first: Lab typesets math only in attached outputs
    // The Jupyter server joins .ipynb multi-line strings before Lab sees them; do the same.
    for (const o of cell.outputs) {
      const out = { ...o };
      if (out.data) out.data = Object.fromEntries(Object.entries(out.data).map(([k, v]) => [k, k.endsWith('json') ? v : joinText(v)]));
      if (out.text) out.text = joinText(out.text);
      model.add(out);
    }
    areas.push({ cell: i + 1, area });
  });
  await new Promise((r) => setTimeout(r, 1500));
  const shown: Shown[] = [];
  for (const { cell, area } of areas) {
    area.model.toJSON().forEach((o: any, j: number) => {
      if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') return;
      const node = area.widgets[j]?.node as HTMLElement | undefined;
      const out = node?.querySelector('.jp-OutputArea-output') as HTMLElement | null;
      shown.push({
        cell,
        mimes: Object.keys(o.data),
        rendered: out?.getAttribute('data-mime-type') ?? null,
        text: (out?.innerText ?? '').trim(),
        hasImage: !!out?.querySelector('img'),
        isChart: !!out?.querySelector('.atlas-chart'),
        mathTypeset: out?.querySelectorAll('mjx-container').length ?? 0,
      });
    });
  }
  return shown;
}

(window as any).renderNotebook = renderNotebook;
