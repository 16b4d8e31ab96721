// Zachary's Karate Club (W. W. Zachary, "An Information Flow Model for Conflict and Fission in
// Small Groups", J. Anthropological Research 33(4), 1977): 34 members, 78 friendships.
// Nodes are 0-based here (node 1 of the paper is index 0).
import { createRng, deriveSeed, shuffleInPlace } from './random';

export const KARATE_NUM_NODES = 34;

/** Edge list, 1-based as published: each row is [member, friends with a higher number]. */
const ADJACENCY_1_BASED: ReadonlyArray<readonly [number, readonly number[]]> = [
  [1, [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 18, 20, 22, 32]],
  [2, [3, 4, 8, 14, 18, 20, 22, 31]],
  [3, [4, 8, 9, 10, 14, 28, 29, 33]],
  [4, [8, 13, 14]],
  [5, [7, 11]],
  [6, [7, 11, 17]],
  [7, [17]],
  [9, [31, 33, 34]],
  [10, [34]],
  [14, [34]],
  [15, [33, 34]],
  [16, [33, 34]],
  [19, [33, 34]],
  [20, [34]],
  [21, [33, 34]],
  [23, [33, 34]],
  [24, [26, 28, 30, 33, 34]],
  [25, [26, 28, 32]],
  [26, [32]],
  [27, [30, 34]],
  [28, [34]],
  [29, [32, 34]],
  [30, [33, 34]],
  [31, [33, 34]],
  [32, [33, 34]],
  [33, [34]],
];

export type Edge = readonly [number, number];

/** The 78 undirected edges, 0-based, each as [u, v] with u < v, in a fixed order. */
export const KARATE_EDGES: readonly Edge[] = ADJACENCY_1_BASED.flatMap(([u, vs]) => vs.map((v) => [u - 1, v - 1] as const));

/** Node degrees for an undirected edge list. */
export function degrees(numNodes: number, edges: readonly Edge[]): number[] {
  const deg = new Array<number>(numNodes).fill(0);
  for (const [u, v] of edges) {
    deg[u]++;
    deg[v]++;
  }
  return deg;
}

/** Link-prediction examples of one split: pairs [u0, v0, u1, v1, ...] and 1/0 labels. */
export interface LinkExamples {
  /** count × 2 node indices, row-major (feed as an int32 tensor [count, 2]). */
  pairs: Int32Array;
  /** 1 for a real edge, 0 for a sampled non-edge. */
  labels: Float32Array;
  count: number;
}

export interface KarateLinkSplit {
  numNodes: number;
  trainPositive: Edge[];
  trainNegative: Edge[];
  testPositive: Edge[];
  testNegative: Edge[];
  /** Edges the model may propagate messages over: the training positives only. */
  messagePassingEdges: Edge[];
  /** Positives then negatives, shuffled (seeded). */
  train: LinkExamples;
  test: LinkExamples;
  seed: number;
  testFraction: number;
}

export interface KarateSplitOptions {
  seed: number;
  /** Share of the real edges held out for testing (default 0.2: 16 of 78). */
  testFraction?: number;
}

const pairKey = (u: number, v: number): number => (u < v ? u * KARATE_NUM_NODES + v : v * KARATE_NUM_NODES + u);

function toExamples(positive: Edge[], negative: Edge[], seed: number): LinkExamples {
  const all = [...positive.map((e) => [e, 1] as const), ...negative.map((e) => [e, 0] as const)];
  shuffleInPlace(all, createRng(seed));
  const pairs = new Int32Array(all.length * 2);
  const labels = new Float32Array(all.length);
  all.forEach(([[u, v], y], i) => {
    pairs[2 * i] = u;
    pairs[2 * i + 1] = v;
    labels[i] = y;
  });
  return { pairs, labels, count: all.length };
}

/**
 * Seeded link-prediction split: the real edges are split train/test; as many negative pairs
 * (distinct non-edges of the full graph, no self-loops) are drawn for each side, disjoint between
 * train and test. Message passing sees the training positives only, so no test edge leaks.
 */
export function loadKarateLinkSplit(opts: KarateSplitOptions): KarateLinkSplit {
  const { seed } = opts;
  const testFraction = opts.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be in (0, 1), got ${testFraction}.`);
  const edges = KARATE_EDGES.map((e) => [e[0], e[1]] as const);
  shuffleInPlace(edges, createRng(deriveSeed(seed, 'karate-positive')));
  const testCount = Math.round(edges.length * testFraction);
  if (testCount < 1 || testCount >= edges.length) throw new Error(`testFraction ${testFraction} leaves no training or no test edges.`);
  const testPositive = edges.slice(0, testCount);
  const trainPositive = edges.slice(testCount);

  const isEdge = new Set(KARATE_EDGES.map(([u, v]) => pairKey(u, v)));
  const nonEdges: Edge[] = [];
  for (let u = 0; u < KARATE_NUM_NODES; u++) {
    for (let v = u + 1; v < KARATE_NUM_NODES; v++) if (!isEdge.has(pairKey(u, v))) nonEdges.push([u, v]);
  }
  // A shuffle then a cut samples without replacement: no duplicates, train/test disjoint.
  shuffleInPlace(nonEdges, createRng(deriveSeed(seed, 'karate-negative')));
  const testNegative = nonEdges.slice(0, testPositive.length);
  const trainNegative = nonEdges.slice(testPositive.length, testPositive.length + trainPositive.length);

  return {
    numNodes: KARATE_NUM_NODES,
    trainPositive,
    trainNegative,
    testPositive,
    testNegative,
    messagePassingEdges: trainPositive.slice(),
    train: toExamples(trainPositive, trainNegative, deriveSeed(seed, 'karate-train-order')),
    test: toExamples(testPositive, testNegative, deriveSeed(seed, 'karate-test-order')),
    seed,
    testFraction,
  };
}
