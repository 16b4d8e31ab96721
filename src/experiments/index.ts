// Experiments: specs, the cached parallel runner, and the results API for notebooks and the report.
export * from './types';
export { EXPERIMENTS, EXPERIMENT_IDS, getExperiment, KERAS_DEFAULTS, TORCH_DEFAULTS, LR_GRID } from './specs';
export { resolveProfile, recordReportProfile, lastReportProfile, lastReportPath, profileNoticeMarkdown, type ResolvedProfile, type ProfileCaller } from './profile';
export { planRuns, parseProfile, validateSpec, estimateSeconds, seriesLabel } from './plan';
export { runExperiments, defaultJobs, type RunnerOptions, type RunSummary, type RunnerEvent, type PlannedRun } from './runner';
export { getResults, getCachedResults, curves, summarize, meanInterval, bySeries, collapsedToChance, type Interval, type SeriesCurve, type SeriesSummary, type MetricSelector, type GetResultsOptions } from './api';
export { executeRun, type RunOutcome } from './execute';
export { planHyperparams, runUpdates, type SpecHyperparams, type ScheduleTemplate, type RunFraction } from './spec-hyperparams';
export { runHash, runSources, canonicalJson } from './fingerprint';
export { defaultResultsDir, recordPath, readRecord } from './cache';
export { runnerDisplay, formatRunResult, formatDuration } from './display';
