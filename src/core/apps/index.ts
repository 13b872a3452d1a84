export * from './types';
export { discoverApps, childApps, type Discovery } from './discover';
export { readRepoConfig, CONFIG_FILE, type RepoConfig } from './config';
