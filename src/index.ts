// The notebook-facing API: notebooks import the project as a package,
// `import * as atlas from 'optimizer-atlas'` (compiled to dist/ by `npm run build`).
// Each area re-exports its public surface here as it lands; `export *` collisions are compile errors,
// so a name exported twice must be renamed at its source.
export * from './backend';
export * from './optimizers';
export * from './data';
export * from './models';
export * from './training';
export * from './landscapes';
export * from './experiments';
export * from './display';
export * from './notebook-support';
