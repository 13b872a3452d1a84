/**
 * One spelling per repository, so `git@host:org/repo.git`, `ssh://git@host/org/repo` and
 * `https://Host/org/repo.git/` compare equal. Host case is folded; path case is kept.
 */
export function normalizeGitUrl(url: string): string {
  let u = url.trim();
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(.+)$/.exec(u);
  if (scp && !/^[a-z][\w+.-]*:\/\//i.test(u)) u = `ssh://${scp[1]}/${scp[2]}`;
  try {
    const parsed = new URL(u);
    const host = parsed.hostname.toLowerCase();
    const port = parsed.port && !['22', '443', '80'].includes(parsed.port) ? `:${parsed.port}` : '';
    const path = decodeURIComponent(parsed.pathname).replace(/\/+$/, '').replace(/\.git$/, '').replace(/^\/+/, '');
    if (parsed.protocol === 'file:') return `file/${path}`;
    return `${host}${port}/${path}`;
  } catch {
    return u.replace(/\/+$/, '').replace(/\.git$/, '');
  }
}

export function sameRepo(a: string, b: string): boolean {
  return normalizeGitUrl(a) === normalizeGitUrl(b);
}
