/**
 * Secret values that are not the secret: references resolved at deploy time — 1Password
 * `op://`, Vault `vault:`, vals `ref+`, argocd-vault-plugin `<path:...>`, Flux post-build
 * `${VAR}` — and SOPS ciphertext `ENC[...]` (whole SOPS-encrypted objects: core/sops).
 */
const REFERENCE = /^\s*(?:op:\/\/\S+|vault:\S+|ref\+[a-z0-9]+:\/\/\S*|<path:[^>]+>|ENC\[[A-Z0-9_]+,data:.*\]|\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:=-][^}]*)?\})\s*$/;

/** True when a Secret value (plain for `stringData`, base64 for `data`) is a reference, not the secret itself. */
export function isSecretReference(value: unknown, base64: boolean): boolean {
  if (typeof value !== 'string') return false;
  if (REFERENCE.test(value)) return true;
  if (!base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value.trim())) return false;
  return REFERENCE.test(Buffer.from(value.trim(), 'base64').toString('utf8'));
}
