// `npm run kernel:install`: registers this project's tslab as the Jupyter kernel "tslab" for the
// current user (no root, no global npm install), then asks Jupyter to confirm it sees it.
import { spawnSync } from 'node:child_process';
import { KERNEL_DISPLAY_NAME, KERNEL_NAME, findJupyter, findPythonWithNbclient, jupyterDataDir, writeKernelSpec } from './jupyter';

function confirmWithJupyter(expectedDir: string): string {
  let python: string;
  try {
    python = findPythonWithNbclient();
  } catch {
    return '(could not confirm: no Python with jupyter_client found; JupyterLab/Notebook will still find the kernel in the folder above)';
  }
  const code = `from jupyter_client.kernelspec import KernelSpecManager; print(KernelSpecManager().get_kernel_spec(${JSON.stringify(KERNEL_NAME)}).resource_dir)`;
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8' });
  const seen = (r.stdout ?? '').trim();
  if (r.status !== 0) return `warning: Jupyter does not list the kernel: ${(r.stderr ?? '').trim().split('\n').pop()}`;
  if (seen !== expectedDir) return `warning: Jupyter resolves "${KERNEL_NAME}" to ${seen}, which shadows this one; remove it or set JUPYTER_PATH.`;
  return 'Jupyter lists it.';
}

function main(): void {
  const jupyter = findJupyter();
  const dataDir = jupyterDataDir(jupyter);
  const dir = writeKernelSpec(dataDir);
  console.log(`Installed kernel "${KERNEL_NAME}" (${KERNEL_DISPLAY_NAME}) in ${dir}, with plotly.js for the notebooks' charts`);
  console.log(confirmWithJupyter(dir));
  console.log('Open notebooks/ in JupyterLab, Jupyter Notebook or VS Code and pick that kernel.');
}

try {
  main();
} catch (err) {
  console.error(`kernel:install failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
