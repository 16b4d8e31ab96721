// The run queue against a real redis-server (Debian's), started here on loopback with its own port
// and data dir and stopped at the end; workers are real `npm run worker` processes. Smoke profile.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, Job } from 'bullmq';
import { Redis } from 'ioredis';
import { initBackend } from '../src/backend';
import { readRecord, recordPath } from '../src/experiments/cache';
import { projectRoot } from '../src/experiments/fingerprint';
import { assertRedisReachable, connectionOptions, QUEUE_NAME } from '../src/experiments/queue/connection';
import { codeOrigin, decodeOutcome, encodeOutcome, jobIdOf, runIdentity, validateJob, type RunJobData } from '../src/experiments/queue/job';
import { parseCliArgs } from '../src/experiments/cli';
import { runExperiments } from '../src/experiments/runner';
import { planRuns } from '../src/experiments/plan';
import { EXPERIMENTS, getExperiment } from '../src/experiments/specs';
import { PROFILE_NAMES, type RunRecord } from '../src/experiments/types';

const ROOT = projectRoot();
const IDS = ['seed004-momentum', 'seed004-nesterov'];
const RUNS = 4;

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `atlas-queue-${name}-`));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface RedisServer { url: string; port: number; stop(): Promise<void> }

/** A redis-server of our own; with `tls`, TLS only, with a self-signed certificate (its PEM as the CA). */
async function startRedis(password?: string, tls?: { cert: string; key: string }, port?: number): Promise<RedisServer> {
  port ??= await freePort();
  const dir = tmp('redis');
  const listen = tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.cert, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const args = [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...(password ? ['--requirepass', password] : [])];
  const proc = spawn('redis-server', args, { stdio: 'ignore' });
  const url = `${tls ? 'rediss' : 'redis'}://${password ? `:${password}@` : ''}127.0.0.1:${port}`;
  await waitFor('redis-server', async () => {
    const c = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, ...(tls ? { tls: { ca: fs.readFileSync(tls.cert) } } : {}) });
    c.on('error', () => {});
    try { await c.connect(); return (await c.ping()) === 'PONG'; } catch { return false; } finally { c.disconnect(); }
  }, 10_000);
  return {
    url, port,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface WorkerProc { proc: ChildProcess; lines: string[]; starts(): string[]; dones(): string[]; stop(): Promise<void>; kill9(): void }

/** `npm run worker` as its own process group (so kill -9 takes its training process too, as a machine loss would). */
async function startWorker(url: string, env: NodeJS.ProcessEnv = {}): Promise<WorkerProc> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/experiments/queue/worker.ts', '--queue', url, '--stalled-ms', '3000'], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  let buf = '';
  proc.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  const pick = (word: string) => lines.filter((l) => l.startsWith(`${word} `)).map((l) => l.split(' ')[1]);
  const w: WorkerProc = {
    proc, lines,
    starts: () => pick('start'),
    dones: () => pick('done'),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      process.kill(-proc.pid!, 'SIGTERM');
      const t = setTimeout(() => { try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
      await exited;
      clearTimeout(t);
    },
    kill9() { process.kill(-proc.pid!, 'SIGKILL'); },
  };
  await waitFor('worker ready', () => {
    if (proc.exitCode !== null) throw new Error(`worker exited: ${lines.join('\n')}`);
    return lines.some((l) => l.startsWith('worker '));
  }, 90_000);
  return w;
}

/** A record without the fields that depend on when and where it ran. */
function comparable(r: RunRecord): unknown {
  const { wallSeconds: _w, createdAt: _c, backend, epochs, ...rest } = r;
  const { machine: _m, reason: _r, ...engine } = backend;
  return { ...rest, backend: engine, epochs: epochs.map(({ trainSeconds: _t, evalSeconds: _e, ...m }) => m) };
}

/** Every record file of a results folder (runs/<hash>.json), by file name. */
function recordsIn(dir: string): Map<string, RunRecord> {
  const runs = path.dirname(recordPath(dir, 'x'));
  return new Map(fs.readdirSync(runs).filter((f) => f.endsWith('.json')).map((f) => [f, readRecord(path.join(runs, f))!]));
}

async function flush(url: string): Promise<void> {
  const c = new Redis(url);
  await c.flushdb();
  c.disconnect();
}

test('job validation: the schema accepts every planned run of every profile and rejects hostile fields', async () => {
  const backend = await initBackend();
  const engine = { name: backend.name, tfjsVersion: backend.tfjsVersion, patches: backend.patches };
  for (const config of planRuns(getExperiment(IDS[0]), 'smoke')) {
    const job: RunJobData = { config, ...runIdentity(config, backend), backend: engine, origin: {} };
    assert.deepEqual(validateJob(JSON.parse(JSON.stringify(job))), job);
  }
  // (The hash is checked later, against the worker's code: here only the schema and the limits.)
  for (const spec of EXPERIMENTS) {
    for (const config of PROFILE_NAMES.flatMap((p) => planRuns(spec, p))) {
      const job: RunJobData = { config, hash: '0123456789abcdef', fingerprint: {}, backend: engine, origin: {} };
      assert.deepEqual(validateJob(JSON.parse(JSON.stringify(job))), job, `${config.experiment}/${config.series}`);
    }
  }
  const good = planRuns(getExperiment(IDS[0]), 'smoke')[0];
  const base = { hash: '0123456789abcdef', fingerprint: {}, backend: { name: 'wasm', tfjsVersion: '4.22.0', patches: [] }, origin: {} };
  const bad = (config: unknown) => () => validateJob({ ...base, config });
  assert.throws(bad({ ...good, optimizer: 'evil' }), /optimizer/);
  assert.throws(bad({ ...good, epochs: 1e9 }), /epochs/);
  assert.throws(bad({ ...good, series: '../../etc/passwd' }), /series: must be a plain identifier/);
  assert.throws(bad({ ...good, experiment: 'no-such' }), /known experiment/);
  assert.throws(bad({ ...good, extra: 1 }), /extra|Unrecognized/);
  assert.throws(bad({ ...good, data: { ...good.data, train: 1e7 } }), /data\.train/);
  assert.throws(bad({ ...good, hyperparams: { learningRate: 0.1, toString: 'x' } }), /hyperparams/);
  assert.throws(() => validateJob({ ...base, config: good, fingerprint: { '/etc/passwd': 'a'.repeat(64) } }), /fingerprint/);
  assert.throws(() => validateJob('rm -rf /'), /invalid job/);
  // Within the schema, but not within the planner's cost limit: 1000 epochs of the CNN at batch 1 on all of MNIST.
  assert.throws(bad({ ...good, model: 'cnn', epochs: 1000, batchSize: 1, data: { dataset: 'mnist', train: 60000, test: 10000, subsetSeed: 0 } }), /core-hours exceeds/);
  // The CLI refuses a URL that is not Redis's before planning anything.
  assert.equal(parseCliArgs(['seed000', '--queue', 'rediss://:pw@host:6380/2']).queue, 'rediss://:pw@host:6380/2');
  assert.throws(() => parseCliArgs(['--queue', 'http://host:6379']), /redis:\/\/ or rediss:\/\//);
  assert.throws(() => parseCliArgs(['--queue', 'host:6379']), /redis:\/\/ or rediss:\/\//);
  // A diverged run's NaN survives the trip through Redis.
  const o = decodeOutcome(encodeOutcome({ status: 'diverged', epochs: [], totalSteps: 1, wallSeconds: 1, resolvedHyperparams: { learningRate: NaN } }));
  assert.ok(Number.isNaN(o.resolvedHyperparams.learningRate));
});

describe('run queue on a real redis-server', { skip: hasRedis ? false : 'redis-server not installed (apt-get install redis-server)' }, () => {
  // Password-protected throughout (the password is in the URL); DB 1 is a second, separate queue
  // served by a worker on another backend.
  let redis: RedisServer;
  let db1: string;
  let w1: WorkerProc;
  let w2: WorkerProc;
  let cpu: WorkerProc;
  const dirs: string[] = [];
  const results = (name: string) => { const d = tmp(name); dirs.push(d); return d; };

  before(async () => {
    redis = await startRedis('s3cret-pass');
    db1 = `${redis.url}/1`;
    [w1, w2, cpu] = await Promise.all([startWorker(redis.url), startWorker(redis.url), startWorker(db1, { ATLAS_BACKEND: 'cpu' })]);
  });
  after(async () => {
    await Promise.allSettled([w1?.stop(), w2?.stop(), cpu?.stop()]);
    await redis?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('two coordinators at once + two workers: each run trained once, records identical to a local run', async () => {
    const [local, a, b] = [results('local'), results('qa'), results('qb')];
    const [, sa, sb] = await Promise.all([
      runExperiments({ ids: IDS, profile: 'smoke', jobs: 1, resultsDir: local }),
      runExperiments({ ids: IDS, profile: 'smoke', resultsDir: a, queue: redis.url }),
      runExperiments({ ids: IDS, profile: 'smoke', resultsDir: b, queue: redis.url }),
    ]);
    assert.equal(sa.ran, RUNS);
    assert.equal(sb.ran, RUNS);
    const starts = [...w1.starts(), ...w2.starts()];
    assert.equal(starts.length, RUNS, `each run queued and trained once: ${starts}`);
    assert.equal(new Set(starts).size, RUNS);
    assert.ok(w1.starts().length > 0 && w2.starts().length > 0, 'both workers took jobs');
    const expected = recordsIn(local);
    assert.equal(expected.size, RUNS);
    for (const dir of [a, b]) {
      const got = recordsIn(dir);
      assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
      for (const [file, record] of expected) assert.deepEqual(comparable(got.get(file)!), comparable(record), file);
    }
  });

  test('a hostile job pushed straight into the queue is rejected with the reason, not run', async () => {
    const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(redis.url) });
    try {
      const good = planRuns(getExperiment(IDS[0]), 'smoke')[0];
      const hostile = {
        config: { ...good, optimizer: 'evil', epochs: 1e9, series: '../../../etc/passwd', data: { ...good.data, train: '/etc/shadow' } },
        hash: 'deadbeefdeadbeef', fingerprint: {}, backend: { name: 'wasm', tfjsVersion: '4.22.0', patches: [] }, origin: {},
      };
      await queue.add('x', hostile, { jobId: 'deadbeefdeadbeef', attempts: 5 });
      await queue.add('y', { config: 'process.exit(1)' }, { jobId: 'feedfacefeedface' });
      for (const id of ['deadbeefdeadbeef', 'feedfacefeedface']) {
        await waitFor(`job ${id} to fail`, async () => (await Job.fromId(queue, id))!.isFailed(), 30_000);
      }
      const job = (await Job.fromId(queue, 'deadbeefdeadbeef'))!;
      assert.match(job.failedReason, /rejected by worker .*invalid job/);
      for (const field of ['config.optimizer', 'config.epochs', 'config.series', 'config.data.train']) assert.match(job.failedReason, new RegExp(field.replace(/\./g, '\\.')));
      assert.equal(job.attemptsMade, 1, 'a rejected job is not retried');
      assert.ok(![...w1.starts(), ...w2.starts()].some((h) => h === 'deadbeefdeadbeef' || h === 'feedfacefeedface'), 'never trained');
      assert.ok([...w1.lines, ...w2.lines].some((l) => l.startsWith('rejected job deadbeefdeadbeef')));
    } finally {
      await queue.close();
    }
  });

  test('a job planned by other code is refused, naming the files and the side to update', async () => {
    const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(redis.url) });
    try {
      const backend = await initBackend();
      const config = planRuns(getExperiment(IDS[0]), 'smoke')[0];
      const own = runIdentity(config, backend);
      // The coordinator's checkout has a different src/training/loop.ts (and is older).
      const fingerprint = { ...own.fingerprint, 'src/training/loop.ts': 'f'.repeat(64) };
      const { runHash } = await import('../src/experiments/fingerprint');
      const hash = runHash(config, backend, fingerprint);
      const data: RunJobData = { config, hash, fingerprint, backend: { name: backend.name, tfjsVersion: backend.tfjsVersion, patches: backend.patches }, origin: { commit: '0'.repeat(40), date: '2000-01-01T00:00:00Z' } };
      await queue.add('x', data, { jobId: jobIdOf(hash) });
      await waitFor('the job to fail', async () => (await Job.fromId(queue, jobIdOf(hash)))!.isFailed(), 30_000);
      const job = (await Job.fromId(queue, jobIdOf(hash)))!;
      const { commit } = codeOrigin();
      assert.ok(commit, 'the test runs in a git checkout');
      assert.match(job.failedReason, new RegExp(`refused by worker .*code differs in src/training/loop\\.ts.*The coordinator is older: bring its checkout to this worker's commit \\(git fetch && git checkout ${commit} && npm ci\\)`));
    } finally {
      await queue.close();
    }
  });

  test('a coordinator killed mid-sweep and restarted collects the finished runs without recomputing', async () => {
    await flush(redis.url);
    const dir = results('restart');
    const before = w1.dones().length + w2.dones().length;
    const started = w1.starts().length + w2.starts().length;
    const coordinator = spawn(process.execPath, ['--import', 'tsx', 'src/experiments/cli.ts', ...IDS, '--profile', 'smoke', '--results', dir, '--queue', redis.url], { cwd: ROOT, stdio: 'ignore' });
    await waitFor('a run to start', () => w1.starts().length + w2.starts().length > started, 90_000);
    coordinator.kill('SIGKILL');
    await waitFor('the workers to finish the queued runs', () => w1.dones().length + w2.dones().length === before + RUNS, 120_000);
    const startsBefore = w1.starts().length + w2.starts().length;
    const summary = await runExperiments({ ids: IDS, profile: 'smoke', resultsDir: dir, queue: redis.url });
    assert.equal(summary.records.length, RUNS);
    assert.ok(summary.records.every((r) => r.status === 'ok'));
    assert.equal(w1.starts().length + w2.starts().length, startsBefore, 'nothing recomputed');
  });

  test('kill -9 of a worker mid-run: its run is recovered by the other worker, every run completes exactly once', async () => {
    await flush(redis.url);
    const dir = results('kill');
    const [s1, d1, d2] = [w1.starts().length, w1.dones().length, w2.dones().length];
    let killed: string | undefined;
    const watcher = setInterval(() => {
      if (!killed && w1.starts().length > s1) {
        killed = w1.starts().at(-1);
        w1.kill9();
      }
    }, 20);
    try {
      const summary = await runExperiments({ ids: IDS, profile: 'smoke', resultsDir: dir, queue: redis.url });
      assert.ok(killed, 'worker 1 took a run and was killed');
      assert.equal(summary.ran, RUNS);
      assert.deepEqual(summary.records.map((r) => r.status), Array(RUNS).fill('ok'));
      const done = [...w1.dones().slice(d1), ...w2.dones().slice(d2)];
      assert.equal(done.length, RUNS, `each run completed once: ${done}`);
      assert.equal(new Set(done).size, RUNS);
      assert.ok(w2.dones().slice(d2).includes(killed!), 'the killed run was retried on the other worker');
      assert.equal(recordsIn(dir).size, RUNS);
    } finally {
      clearInterval(watcher);
    }
  });

  test('a worker on another backend refuses the jobs; the coordinator records why', async () => {
    const summary = await runExperiments({ ids: [IDS[0]], profile: 'smoke', resultsDir: results('cpu'), queue: db1 });
    assert.equal(summary.failed, 2);
    for (const r of summary.records) {
      assert.equal(r.status, 'error');
      assert.match(r.error!, /refused by worker .*backend differs: the run was planned for wasm.*this worker runs cpu.*ATLAS_BACKEND=wasm/);
    }
    assert.equal(cpu.starts().length, 0);
  });

  test('Redis with a password: a URL without it is a clear error', async () => {
    const noPassword = `redis://127.0.0.1:${redis.port}`;
    await assert.rejects(runExperiments({ ids: [IDS[0]], profile: 'smoke', resultsDir: results('noauth'), queue: noPassword }), /Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: NOAUTH.*password/s);
    const wrong = `redis://:wrong@127.0.0.1:${redis.port}`;
    await assert.rejects(runExperiments({ ids: [IDS[0]], profile: 'smoke', resultsDir: results('badauth'), queue: wrong }), (err: Error) => {
      assert.match(err.message, /WRONGPASS|invalid password/);
      assert.doesNotMatch(err.message, /wrong@/, 'the password is not echoed');
      return true;
    });
  });

  test('rediss:// (TLS) with a password: trusted through ATLAS_REDIS_CA; a clear error without it', async () => {
    const dir = tmp('tls');
    dirs.push(dir);
    const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    assert.equal(ssl.status, 0, ssl.stderr);
    const secured = await startRedis('tls-pass', { cert, key });
    const saved = process.env.ATLAS_REDIS_CA;
    try {
      assert.match(secured.url, /^rediss:\/\/:tls-pass@/);
      delete process.env.ATLAS_REDIS_CA;
      await assert.rejects(assertRedisReachable(secured.url), /Cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*certificate.*ATLAS_REDIS_CA/s);
      process.env.ATLAS_REDIS_CA = cert;
      await assertRedisReachable(secured.url);
      // A job through BullMQ over TLS, as the coordinator adds it and a worker reads it.
      const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(secured.url) });
      try {
        await queue.add('x', { hello: 'tls' }, { jobId: 'abc' });
        assert.deepEqual((await Job.fromId(queue, 'abc'))!.data, { hello: 'tls' });
      } finally {
        await queue.close();
      }
    } finally {
      if (saved === undefined) delete process.env.ATLAS_REDIS_CA;
      else process.env.ATLAS_REDIS_CA = saved;
      await secured.stop();
    }
  });

  test('Redis down: the coordinator and the worker fail fast with a clear error', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    await assert.rejects(runExperiments({ ids: [IDS[0]], profile: 'smoke', resultsDir: results('down'), queue: url }), /Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*redis-server running/s);
    assert.ok(Date.now() - started < 15_000);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/experiments/queue/worker.ts', '--queue', url], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /worker: Cannot reach Redis/);
  });
});

describe('Redis restarted in the middle of a sweep', { skip: hasRedis ? false : 'redis-server not installed (apt-get install redis-server)' }, () => {
  test('the coordinator and the worker say so once, the runs the empty server lost are queued again, every run completes', { timeout: 240_000 }, async () => {
    let redis = await startRedis();
    const worker = await startWorker(redis.url);
    const dir = tmp('redis-restart');
    const warnings: string[] = [];
    try {
      const sweep = runExperiments({
        ids: IDS, profile: 'smoke', resultsDir: dir, queue: redis.url,
        onEvent: (e) => { if (e.kind === 'warning') warnings.push(e.message); },
      });
      await waitFor('a run to start', () => worker.starts().length > 0, 90_000);
      const down = Date.now();
      await redis.stop(); // no persistence: the queue's jobs are gone with it
      await waitFor('the lost connection to be reported', () => warnings.some((w) => /^Lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ .*reconnecting.*Ctrl-C/s.test(w)), 30_000);
      // Longer than BullMQ's blocking-read timeout (~11 s), whose own reconnection must not count as an outage.
      await new Promise((r) => setTimeout(r, Math.max(0, down + 14_000 - Date.now())));
      redis = await startRedis(undefined, undefined, redis.port);
      const summary = await sweep;
      assert.deepEqual(summary.records.map((r) => r.status), Array(RUNS).fill('ok'));
      assert.equal(recordsIn(dir).size, RUNS);
      assert.ok(warnings.some((w) => /^Redis at redis:\/\/127\.0\.0\.1:\d+ is back \(.*after \d+ s\)/.test(w)), warnings.join('\n'));
      assert.equal(warnings.filter((w) => w.startsWith('Lost the connection')).length, 1, `one outage, one message: ${warnings.join('\n')}`);
      // The worker: one line when the outage starts and one when it ends, not one per reconnection
      // attempt, and none when BullMQ reopens its blocking connection on its own ~11 s later.
      await waitFor('the worker to reconnect', () => worker.lines.some((l) => /^reconnected to Redis after \d+ s$/.test(l)), 30_000);
      await new Promise((r) => setTimeout(r, 15_000));
      assert.equal(worker.lines.filter((l) => /^lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+; reconnecting/.test(l)).length, 1, worker.lines.join('\n'));
      assert.ok(!worker.lines.some((l) => /ECONNREFUSED/.test(l)), worker.lines.join('\n'));
    } finally {
      await worker.stop();
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
