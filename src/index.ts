// The notebook-facing API: notebooks import the project as a package,
// `import * as atlas from 'optimizer-atlas'` (compiled to dist/ by `npm run build`).
// Each area re-exports its public surface here as it lands.
export * from './backend';
