export { loadWorkspace, findApp, type Workspace, type LoadWorkspaceOptions } from './load';
