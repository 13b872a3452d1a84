export * from './types';
export * from './identity';
export { parseManifestFile, syntaxFor, positionAt, rangeOf } from './parse';
export { parseJsonPath, formatJsonPath, locatePath, valueAtPath, type PathLocation } from './paths';
export { setValueInText, type EditResult } from './edit';
