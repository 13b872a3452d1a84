export * from './journal';
export { journalPath, repoHash, stateDir } from './paths';
