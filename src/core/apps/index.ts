export * from './types';
export { discoverApps, childApps, referencedDirs, type Discovery } from './discover';
export { readRepoConfig, CONFIG_FILE, type RepoConfig } from './config';
export { resolveDestination } from './destination';
