// 2-D test functions, optimizer trajectories on them, and the 1-D learning-rate demo.
export * from './functions';
export * from './trajectory';
export * from './learning-rate-demo';
