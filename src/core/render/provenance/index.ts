export * from './types';
export { explainFields, describeProvenance, type ExplainRequest } from './explain';
export type { TraceContext } from './trace';
