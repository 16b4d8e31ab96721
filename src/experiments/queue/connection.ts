// Redis connection settings for the run queue, from one URL (redis://[user:password@]host:port[/db],
// or rediss:// for TLS; ioredis parses both), and a reachability check so a wrong URL, a stopped
// server or a bad password is a clear error at start instead of an endless reconnect loop.
import * as fs from 'node:fs';
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** BullMQ's queue name for experiment runs (one queue: a job is named by its run's hash). */
export const QUEUE_NAME = 'atlas-runs';

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<unparsable Redis URL>';
  }
}

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue expects a Redis URL like redis://127.0.0.1:6379 (or rediss:// for TLS, redis://:PASSWORD@HOST:PORT/DB), got "${url}".`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(`--queue expects a redis:// or rediss:// URL, got "${redactUrl(url)}".`);
  }
}

/**
 * BullMQ connection options. `maxRetriesPerRequest: null` is what BullMQ requires for its blocking
 * commands; ioredis then reconnects after a transient outage. For rediss://, ATLAS_REDIS_CA names a
 * PEM file of the certificate authority to trust (a private CA or a self-signed server certificate);
 * without it, the system's trusted CAs apply.
 */
export function connectionOptions(url: string): RedisOptions & { url: string } {
  checkUrl(url);
  const ca = process.env.ATLAS_REDIS_CA;
  if (!ca || !url.startsWith('rediss:')) return { url, maxRetriesPerRequest: null };
  let pem: Buffer;
  try {
    pem = fs.readFileSync(ca);
  } catch (err) {
    throw new Error(`ATLAS_REDIS_CA: cannot read ${ca}: ${(err as Error).message}`);
  }
  return { url, maxRetriesPerRequest: null, tls: { ca: pem } };
}

/** Connect once, PING, disconnect; throws an error that names the URL (without its password) and the cause. */
export async function assertRedisReachable(url: string, timeoutMs = 5000): Promise<void> {
  const { url: _u, ...opts } = connectionOptions(url);
  const client = new Redis(url, {
    ...opts, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    retryStrategy: () => null, // one attempt: the answer is needed now
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, a TLS failure) arrives here; connect() then
  // only says "Connection is closed".
  let socketError: Error | undefined;
  client.on('error', (err: Error) => { socketError ??= err; });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const reason = (socketError ?? (err as Error))?.message ?? String(err);
    const hint = /NOAUTH|WRONGPASS|invalid password|AUTH/i.test(reason)
      ? 'The server wants a password: put it in the URL (redis://:PASSWORD@HOST:PORT).'
      : /certificate|self.signed|SSL|TLS/i.test(reason)
        ? 'TLS: trust the server\'s certificate authority with ATLAS_REDIS_CA=/path/to/ca.pem.'
        : 'Is redis-server running there, and is the host/port (and rediss:// for TLS) right?';
    throw new Error(`Cannot reach Redis at ${redactUrl(url)}: ${reason}. ${hint}`);
  } finally {
    client.disconnect();
  }
}

/** What watchConnection reads of an ioredis client. */
interface RedisClientState {
  readonly status: string;
  on(event: 'ready' | 'close', listener: () => void): unknown;
}

/** The Redis clients behind BullMQ queues, workers and event streams: each one's own, and its blocking one if it has one. */
export async function redisClientsOf(...owners: Array<{ getBackend(): { client: Promise<unknown>; blockingClient?: Promise<unknown> } }>): Promise<RedisClientState[]> {
  const clients = owners.flatMap((o) => [o.getBackend().client, o.getBackend().blockingClient]);
  return (await Promise.all(clients.filter((c) => c !== undefined))) as RedisClientState[];
}

/** How long a client may stay closed before it counts as an outage: BullMQ itself closes and reopens a
 *  blocking connection whose read outlived its timeout, which takes milliseconds. */
const OUTAGE_GRACE_MS = 3000;

/**
 * Reports an outage of Redis once: `onLost` when one of `clients` has stayed closed for `graceMs`,
 * `onBack` (with the outage's length in seconds) once every client is ready again; ioredis
 * reconnects in between. `stop()` before closing them on purpose. `closed` is true from a client's
 * close until all are ready (its connection errors are expected then).
 */
export function watchConnection(clients: RedisClientState[], onLost: () => void, onBack: (seconds: number) => void, graceMs = OUTAGE_GRACE_MS): { stop(): void; readonly closed: boolean } {
  let closedAt: number | undefined;
  let reported = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const allReady = () => clients.every((c) => c.status === 'ready');
  for (const c of clients) {
    c.on('close', () => {
      if (stopped || closedAt !== undefined) return;
      closedAt = Date.now();
      timer = setTimeout(() => {
        if (stopped || closedAt === undefined) return;
        if (allReady()) closedAt = undefined;
        else {
          reported = true;
          onLost();
        }
      }, graceMs);
      timer.unref();
    });
    c.on('ready', () => {
      if (stopped || closedAt === undefined || !allReady()) return;
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - closedAt) / 1000);
      const wasReported = reported;
      closedAt = undefined;
      reported = false;
      if (wasReported) onBack(seconds);
    });
  }
  return {
    stop: () => { stopped = true; clearTimeout(timer); },
    get closed() { return closedAt !== undefined; },
  };
}
