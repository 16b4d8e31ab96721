// The one adapter that turns any optimizer rule (./types Rule) into a tf.Optimizer: lazily created,
// stably named state variables, the step counter, learning-rate schedules, cached coefficient scalars,
// getWeights/setWeights, getConfig/fromConfig and serialization registration. Rules hold only math.
import * as tf from '@tensorflow/tfjs';
import { canFuseUpdate, fusedUpdateInPlace, runFusedUpdate } from '../backend/patches/fused-update';
import { resolveHyperparams, serializeHyperparams, type ResolvedHyperparams } from './hyperparams';
import { isSchedule, learningRateAt } from './schedules';
import type {
  AnyRule, HyperparameterKey, Hyperparams, OptimizerDefinition, OptimizerName, StateTensors,
} from './types';

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/** State of one parameter: its variables by key (m, v, …), named `${parameterName}/${key}` in getWeights. */
type Slot = Map<string, tf.Variable>;

interface CachedScalar {
  value: number;
  scalar: tf.Scalar;
}

export abstract class RuleOptimizer extends tf.Optimizer {
  readonly optimizerName: OptimizerName;
  /** Validated hyperparameters, defaults filled in (learningRate may be a schedule). */
  readonly hyperparams: Readonly<ResolvedHyperparams>;
  private readonly rule: AnyRule;
  /** Keyed by the parameter's variable name, not by position: tfjs's built-ins key state by the index
   *  of the gradient in the call, so passing gradients in another order silently mixes states up. */
  private readonly slots = new Map<string, Slot>();
  /** One kept scalar per coefficient name, re-uploaded only when its value changes (bias corrections
   *  change every step; hyperparameters never do). */
  private readonly coefficientCache = new Map<string, CachedScalar>();
  /** Parameters restored by setWeights and not yet seen by applyGradients, in saved order. A reloaded
   *  tf.layers model names its variables anew (dense_Dense1/kernel → …_1), so a restored slot whose name
   *  never comes back is claimed, in order, by the first unknown variable — the order in which a model
   *  passes its gradients does not change between save and reload. */
  private unclaimed: string[] = [];

  protected constructor(definition: OptimizerDefinition, hp?: Hyperparams) {
    super();
    this.optimizerName = definition.info.name;
    this.rule = definition.rule;
    this.hyperparams = Object.freeze(resolveHyperparams(`Optimizer "${definition.info.name}"`, definition.info.defaults, hp));
  }

  /** Learning rate used by the next update (evaluates a schedule at the step counter, checking its output). */
  get currentLearningRate(): number {
    const lr = this.hyperparams.learningRate;
    return isSchedule(lr) ? learningRateAt(lr, this.iterations) : lr;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: [string, tf.Tensor | null | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    const t = this.iterations + 1; // 1-based step, as in torch's bias corrections
    const hp = { ...this.hyperparams, learningRate: this.currentLearningRate } as Record<HyperparameterKey, number>;
    const coefficients = this.rule.coefficients(hp, t);
    // On wasm, one kernel per parameter runs the rule's element-wise transcription (see
    // src/backend/patches/fused-update.ts), over θ and its state in place where nothing else shares
    // their memory; elsewhere, or when that patch is off, the rule's ops run.
    let c: Record<string, tf.Scalar> | undefined; // created on first use: the fused path needs none
    const registered = tf.engine().registeredVariables;
    tf.tidy(() => {
      for (const [name, g] of pairs) {
        if (g == null) continue; // no gradient for this variable in this step (as tfjs's built-ins)
        const p = registered[name];
        if (p === undefined) {
          throw new Error(`applyGradients: no variable named "${name}" is registered. Pass gradients keyed by the variable's name (tf.Variable.name).`);
        }
        const slot = this.slotFor(name, p, hp);
        const state: StateTensors = {};
        for (const [key, variable] of slot) state[key] = variable;
        const fused = canFuseUpdate(this.optimizerName, p.size);
        if (fused && fusedUpdateInPlace(this.optimizerName, p, g, state, coefficients, hp)) continue;
        const next = fused
          ? runFusedUpdate(this.optimizerName, p, g, state, coefficients, hp)
          : this.rule.update(state, g, p, (c ??= this.coefficientScalars(coefficients)), hp);
        p.assign(next.param);
        for (const [key, variable] of slot) {
          const value = next.state[key];
          if (value === undefined) throw new Error(`Optimizer "${this.optimizerName}": its rule dropped state "${key}".`);
          if (value !== variable) variable.assign(value);
        }
      }
    });
    this.incrementIterations();
  }

  private coefficientScalars(coefficients: Record<string, number>): Record<string, tf.Scalar> {
    const out: Record<string, tf.Scalar> = {};
    for (const [key, value] of Object.entries(coefficients)) {
      let cached = this.coefficientCache.get(key);
      if (cached === undefined || !Object.is(cached.value, value)) {
        cached?.scalar.dispose();
        // keep(): applyGradients may run inside a caller's tidy (tf.layers does so), which must not free the cache.
        cached = { value, scalar: tf.keep(tf.scalar(value, 'float32')) };
        this.coefficientCache.set(key, cached);
      }
      out[key] = cached.scalar;
    }
    return out;
  }

  private slotFor(name: string, p: tf.Variable, hp: Record<HyperparameterKey, number>): Slot {
    let existing = this.slots.get(name);
    if (existing !== undefined) {
      this.unclaimed = this.unclaimed.filter((n) => n !== name);
    } else if (this.unclaimed.length > 0) {
      const restoredName = this.unclaimed.shift()!;
      existing = this.slots.get(restoredName)!;
      this.slots.delete(restoredName);
      this.slots.set(name, existing);
    }
    if (existing !== undefined) {
      for (const [key, v] of existing) {
        if (!tf.util.arraysEqual(v.shape, p.shape)) {
          throw new Error(`Optimizer "${this.optimizerName}": state "${key}" for variable "${name}" has shape [${v.shape}] but the variable has shape [${p.shape}] (restored state must come from the same model).`);
        }
      }
      return existing;
    }
    const slot: Slot = new Map();
    tf.tidy(() => {
      for (const [key, init] of Object.entries(this.rule.init(p, hp))) {
        if (init !== undefined) slot.set(key, tf.variable(init, false)); // non-trainable: minimize() must not train it
      }
    });
    this.slots.set(name, slot);
    return slot;
  }

  /** The state keys this rule keeps for a parameter of `shape` (e.g. ['m', 'v']). */
  private stateKeys(shape: number[]): string[] {
    const hp = { ...this.hyperparams, learningRate: this.currentLearningRate } as Record<HyperparameterKey, number>;
    return tf.tidy(() => {
      const state = this.rule.init(tf.zeros(shape), hp);
      return Object.keys(state).filter((k) => state[k] !== undefined);
    });
  }

  /** [iterations, then `${variableName}/${stateKey}` for every parameter seen, in first-seen order]. */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [await this.saveIterations()];
    for (const [name, slot] of this.slots) {
      for (const [key, variable] of slot) weights.push({ name: `${name}/${key}`, tensor: variable });
    }
    return weights;
  }

  /** Restores what getWeights returned (values are copied; the caller may dispose its tensors). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const incoming = new Map<string, Map<string, tf.Tensor>>();
    for (const { name, tensor } of rest) {
      const cut = name.lastIndexOf('/');
      if (cut <= 0) throw new Error(`setWeights: weight "${name}" is not of the form "<variableName>/<stateKey>".`);
      const param = name.slice(0, cut);
      if (!incoming.has(param)) incoming.set(param, new Map());
      incoming.get(param)!.set(name.slice(cut + 1), tensor);
    }
    for (const [param, byKey] of incoming) {
      const first = byKey.values().next().value as tf.Tensor;
      const expected = this.stateKeys(first.shape);
      const got = [...byKey.keys()];
      if (expected.length !== got.length || expected.some((k) => !byKey.has(k))) {
        throw new Error(`setWeights: "${param}" has state [${got.join(', ')}], but optimizer "${this.optimizerName}" keeps [${expected.join(', ')}].`);
      }
    }
    this.disposeSlots();
    for (const [param, byKey] of incoming) {
      const slot: Slot = new Map();
      // In a tidy: the variable keeps the clone's buffer, and the clone itself would leak.
      for (const [key, tensor] of byKey) slot.set(key, tf.tidy(() => tf.variable(tensor.clone(), false)));
      this.slots.set(param, slot);
    }
    this.unclaimed = [...incoming.keys()];
  }

  /** The hyperparameters as JSON: a schedule as its config, which the constructor accepts back. */
  override getConfig(): tf.serialization.ConfigDict {
    return serializeHyperparams(this.hyperparams) as unknown as tf.serialization.ConfigDict;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict,
  ): T {
    // tf.layers' deserializer adds `customObjects` to every config it passes on; it is not a hyperparameter.
    const { customObjects: _ignored, ...hp } = config;
    return new cls(hp); // a schedule's config is a valid learningRate
  }

  private disposeSlots(): void {
    for (const slot of this.slots.values()) for (const v of slot.values()) v.dispose();
    this.slots.clear();
    this.unclaimed = [];
  }

  override dispose(): void {
    this.disposeSlots();
    for (const { scalar } of this.coefficientCache.values()) scalar.dispose();
    this.coefficientCache.clear();
    super.dispose();
  }
}

export type RuleOptimizerClass = (new (hp?: Hyperparams) => RuleOptimizer) & {
  className: string;
  fromConfig: typeof RuleOptimizer.fromConfig;
};

/** The tf.Optimizer subclass for one rule, registered for tf.serialization as `Atlas<DisplayName>`. */
export function optimizerClass(definition: OptimizerDefinition): RuleOptimizerClass {
  const className = `Atlas${definition.info.displayName.replace(/[^A-Za-z0-9]/g, '')}`;
  const cls = class extends RuleOptimizer {
    static className = className;
    constructor(hp?: Hyperparams) {
      super(definition, hp);
    }
  };
  Object.defineProperty(cls, 'name', { value: className });
  tf.serialization.registerClass(cls);
  return cls;
}
