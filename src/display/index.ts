// Plotly figure builders with one look, tables, and Jupyter display bundles (tslab).
export * from './palette';
export * from './theme';
export * from './charts';
export * from './landscape-figures';
export * from './table';
export * from './bundle';
export * from './show';
export { renderPngSync, closeStaticRenderer, staticImageStatus, staticImageBrowser } from './static-image';
export { plotlyScriptPath } from '../browser/assets';
export { decodePng, encodePalettePng, encodePng, optimizePng, paletteOptimizePng, type DecodedPng } from './png';
