export * from './random';
export * from './idx';
export * from './mnist';
export * from './karate';
