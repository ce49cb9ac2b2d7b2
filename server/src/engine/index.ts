// The engine's public surface: pure hcron semantics, no editor or LSP code.
export * from './config';
export * from './event';
export * from './late';
export * from './lines';
export * from './load';
export * from './py';
export * from './scan';
export * from './status';
export * from './substitute';
export * from './tree';
export * from './when';
export * from './lint';
export * from './snapshot';
export * from './verdict';
export * from './scanPack';
export * from './probe';
