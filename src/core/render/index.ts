export * from './types';
export { renderApp, RenderCache, type RenderOptions } from './render';
export { toolchainFromEnv, TOOL_SETTINGS, type Toolchain } from './toolchain';
export { kustomizeInputs, parseImageOverride } from './kustomize';
export { substituteVariables } from './substitute';
