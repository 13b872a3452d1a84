export { isSopsEncrypted, isCiphertext, withoutSopsMetadata, withoutCiphertext } from './detect';
export { decryptFile, SOPS_SETTING, type SopsOptions } from './decrypt';
