// createModel(name, opts): every model the experiments use, by name.
import type { Edge } from '../data/karate';
import { createCnn } from './cnn';
import { createGcn, type GraphInput } from './gcn';
import { createKarateConv1d } from './karate-conv1d';
import { createMlp } from './mlp';
import type { Model, ModelTask } from './types';

export const MODEL_NAMES = ['mlp-128-64', 'mlp-500-linear', 'cnn', 'gcn', 'karate-conv1d'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelInfo {
  task: ModelTask;
  description: string;
  /** Which source document defines it. */
  seed: string;
  /** The file that defines it, relative to the repository root (run fingerprints follow its imports). */
  sourceFile: string;
}

export const MODEL_INFO: Record<ModelName, ModelInfo> = {
  'mlp-128-64': { task: 'classification', seed: '000', sourceFile: 'src/models/mlp.ts', description: 'MLP 784 → 128 ReLU → 64 ReLU → 10' },
  'mlp-500-linear': { task: 'classification', seed: '003', sourceFile: 'src/models/mlp.ts', description: 'MLP 784 → 500 linear → 10' },
  cnn: { task: 'classification', seed: '001', sourceFile: 'src/models/cnn.ts', description: 'Conv2D 32 3×3 ReLU → MaxPool 2×2 → Dropout 0.25 → Dense 256 ReLU → Dropout 0.5 → Dense 10' },
  gcn: { task: 'link-prediction', seed: '003', sourceFile: 'src/models/gcn.ts', description: '2-layer GCN encoder (34 → 32 ReLU → 16, one-hot node features) + dot-product decoder' },
  'karate-conv1d': { task: 'link-prediction', seed: '003', sourceFile: 'src/models/karate-conv1d.ts', description: "seed 003's embedding → two Conv1D → global max pool → dense (graph-blind baseline)" },
};

export interface ModelOptions {
  /** Seeds the weight initialisation (and dropout masks): same seed, identical model. */
  seed: number;
  /**
   * Graph for the link predictors: { numNodes, edges } or a KarateLinkSplit (its
   * messagePassingEdges are used, so test edges never reach the encoder).
   */
  graph?: GraphInput | { numNodes: number; messagePassingEdges: readonly Edge[] };
  /** gcn only: dropout on the hidden layer while training (default 0, as in the graph auto-encoder). */
  dropout?: number;
}

function graphOf(name: string, opts: ModelOptions): GraphInput {
  const g = opts.graph;
  if (!g) throw new Error(`Model "${name}" needs opts.graph: pass the split from loadKarateLinkSplit({ seed }) (its training edges are used for message passing) or { numNodes, edges }.`);
  return 'edges' in g ? g : { numNodes: g.numNodes, edges: g.messagePassingEdges };
}

export function createModel(name: ModelName, opts: ModelOptions): Model {
  if (!opts || !Number.isInteger(opts.seed)) throw new Error(`createModel("${name}"): opts.seed must be an integer (it seeds the weight initialisation).`);
  switch (name) {
    case 'mlp-128-64':
      return createMlp(name, [{ units: 128, activation: 'relu' }, { units: 64, activation: 'relu' }], opts.seed);
    case 'mlp-500-linear':
      return createMlp(name, [{ units: 500, activation: 'linear' }], opts.seed);
    case 'cnn':
      return createCnn(name, opts.seed);
    case 'gcn':
      return createGcn(name, opts.seed, graphOf(name, opts), { dropout: opts.dropout });
    case 'karate-conv1d':
      return createKarateConv1d(name, opts.seed, graphOf(name, opts).numNodes);
    default:
      throw new Error(`Unknown model "${String(name)}". Valid: ${MODEL_NAMES.join(', ')}.`);
  }
}

export type { Model, ModelTask } from './types';
export type { GraphInput } from './gcn';
export { normalizedAdjacency } from './gcn';
export { countParams } from './init';
export * from './losses';
