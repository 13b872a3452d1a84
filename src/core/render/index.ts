export * from './types';
export { renderApp, RenderCache, type RenderOptions } from './render';
export { toolchainFromEnv, toolHint, CLI_TOOL_HINTS, EDITOR_TOOL_HINTS, type Toolchain, type ToolHints } from './toolchain';
export { kustomizeInputs, parseImageOverride } from './kustomize';
export { substituteVariables } from './substitute';
