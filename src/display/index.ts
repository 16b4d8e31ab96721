// Plotly figure builders with one look, tables, and Jupyter display bundles (tslab).
export * from './palette';
export * from './theme';
export * from './charts';
export * from './landscape-figures';
export * from './table';
export * from './bundle';
export * from './show';
export { renderPngSync, closeStaticRenderer, staticImageStatus, staticImageBrowser, plotlyScriptPath } from './static-image';
export { decodePng, encodePng, optimizePng, type DecodedPng } from './png';
