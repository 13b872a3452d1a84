/** `https://github.com/org/repo.git`, `git@github.com:org/repo` → `github.com/org/repo`. */
export function normalizeRepoURL(url: string): string {
  let u = url.trim().toLowerCase();
  u = u.replace(/^[a-z+]+:\/\//, '').replace(/^[^@/]+@/, '');
  const scp = /^([^/:]+):(?!\d+\/)(.*)$/.exec(u);
  if (scp) u = `${scp[1]}/${scp[2]}`;
  u = u.replace(/:\d+\//, '/');
  return u.replace(/\/+$/, '').replace(/\.git$/, '');
}

export function isThisRepo(repoURL: unknown, repoURLs: readonly string[]): boolean {
  if (typeof repoURL !== 'string' || repoURLs.length === 0) return false;
  const n = normalizeRepoURL(repoURL);
  return repoURLs.some((u) => normalizeRepoURL(u) === n);
}
