// The tslab kernel shuts down cleanly when Jupyter asks it to (issue 10: "Error: Socket is closed",
// EBADF, a stack from tfjs-backend-wasm, at the end of `jupyter nbconvert --execute`). A real
// jupyter_client KernelManager starts this project's kernel, runs one cell that starts the wasm
// backend as every notebook does (atlas.initBackend), then shuts the kernel down gracefully, as
// nbclient and the Jupyter server do (shutdown_request, then wait). The cell leaves a timer that
// writes to stderr after that: tslab keeps stdout/stderr routed to the last cell, so the write throws
// "Socket is closed" once the kernel has closed its sockets. tslab's own listener would log it;
// tfjs-backend-wasm's leftover `throw ex` listener made it fatal (exit code 7, the stack on stderr).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDist, distIsStale } from '../src/build-dist';
import { projectRoot } from '../src/project-root';
import { findPythonWithNbclient, writeKernelSpec } from '../src/report/jupyter';

let python: string | undefined;
try {
  python = findPythonWithNbclient();
} catch {
  python = undefined;
}

// The kernel's working directory is a temporary folder, so the cell imports the project by path.
const CELL = [
  `import * as atlas from ${JSON.stringify(projectRoot())};`,
  'const backend = await atlas.initBackend();',
  'console.log(`backend: ${backend.name}`);',
  "setTimeout(() => process.stderr.write('late output\\n'), 500); // after the shutdown below",
].join('\n');

// Start the kernel, run CELL, shut down gracefully; print the cell's output and the kernel's exit code.
const DRIVER = `
import json, sys, time
from jupyter_client.manager import KernelManager
cell, cwd, err_path = sys.argv[1], sys.argv[2], sys.argv[3]
km = KernelManager(kernel_name='tslab')
with open(err_path, 'w') as err:
    km.start_kernel(stdout=err, stderr=err, cwd=cwd)
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=120)
out = []
reply = kc.execute_interactive(cell, timeout=240, output_hook=lambda m: out.append(m['content'].get('text', '')) if m['msg_type'] == 'stream' else None)
proc = km.provisioner.process
km.request_shutdown()
deadline = time.time() + 15
while proc.poll() is None and time.time() < deadline:
    time.sleep(0.1)
code = proc.poll()
kc.stop_channels()
if code is None:
    proc.kill()
print(json.dumps({'status': reply['content']['status'], 'output': ''.join(out), 'exit_code': code}))
`;

describe('tslab kernel shutdown', { skip: python ? false : 'no Python with jupyter_client (Debian: apt-get install python3-nbclient)' }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-kernel-shutdown-'));
  before(() => {
    if (distIsStale(projectRoot())) buildDist(projectRoot());
    writeKernelSpec(path.join(work, 'jupyter'), projectRoot());
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('exits with code 0 and no stack trace, even when output arrives after the sockets are closed', { timeout: 300_000 }, () => {
    const errFile = path.join(work, 'kernel-stderr.txt');
    const r = spawnSync(python!, ['-c', DRIVER, CELL, work, errFile], {
      encoding: 'utf8',
      env: { ...process.env, JUPYTER_PATH: path.join(work, 'jupyter'), ATLAS_PROFILE: 'smoke', PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      timeout: 240_000,
    });
    const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    assert.ok(line.startsWith('{'), `the driver failed:\n${(r.stderr ?? '').slice(-3000)}`);
    const result = JSON.parse(line) as { status: string; output: string; exit_code: number | null };
    const stderr = fs.readFileSync(errFile, 'utf8');
    assert.equal(result.status, 'ok');
    assert.match(result.output, /backend: wasm/, 'the cell ran on the wasm backend');
    assert.doesNotMatch(stderr, /Socket is closed|EBADF/, `the kernel's stderr:\n${stderr.slice(-3000)}`);
    assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace:\n${stderr.slice(-3000)}`);
    assert.doesNotMatch(stderr, /tf-backend-wasm|throw ex/, `no fatal exception:\n${stderr.slice(-3000)}`);
    assert.equal(result.exit_code, 0, `the kernel exits cleanly (exit code ${result.exit_code}; 7 is a fatal exception in a handler)`);
  });
});
