// Helpers the notebooks call so they stay thin: markdown from the optimizer registry and the rules'
// source files, step-by-step tables, trajectory presets, the Karate Club drawing, experiment views.
export * from './optimizer-docs';
export * from './step-by-step';
export * from './trajectory-presets';
export * from './karate-graph';
export * from './experiment-views';
export * from './seed-comparisons';
export * from './implementation-comparison';
export * from './choose';
export * from './schedule-views';
export * from './intervals';
export * from './landscape-list';
export * from './time-to-target';
export * from './tuning-budget';
