// Options every command takes that change how apps are rendered: `--refresh` (fetch remote
// charts and Git sources that can move again) and `--plugin NAME=COMMAND` (the program that
// renders an Argo CD config management plugin). They are the flag forms of the environment
// variables GITOPS_LENS_REFRESH and GITOPS_LENS_PLUGINS, which the core reads.
import { pluginsFromEnv } from '../core/render/toolchain';

export const TOOL_FLAGS_USAGE = `options of every command that renders:
  --refresh                           fetch remote charts (ranges, newest) and Git branches/tags
                                      again; otherwise the cached copies are used, offline too
                                      (env GITOPS_LENS_REFRESH=<ms since epoch> does the same)
  --plugin NAME=COMMAND               render the Argo CD config management plugin NAME with
                                      COMMAND (words split on spaces, or a JSON array), run in
                                      the source folder with Argo CD's plugin environment;
                                      repeatable. Env: GITOPS_LENS_PLUGINS='{"NAME":["prog","arg"]}'.
                                      Commands never come from files in the repository.`;

/** Removes the tool flags from `argv` and returns the environment that carries them. */
export function takeToolFlags(argv: string[], env: NodeJS.ProcessEnv, now = Date.now()): { argv: string[]; env: NodeJS.ProcessEnv } | { error: string } {
  const rest: string[] = [];
  const plugins: Record<string, string[]> = {};
  let refresh = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--refresh') {
      refresh = true;
      continue;
    }
    if (a === '--plugin' || a.startsWith('--plugin=')) {
      const value = a === '--plugin' ? argv[++i] : a.slice('--plugin='.length);
      const parsed = value === undefined ? undefined : pluginFlag(value);
      if (!parsed) return { error: `--plugin needs NAME=COMMAND (e.g. --plugin 'kustomize-build-with-helm=kustomize build --enable-helm .'), got ${value === undefined ? 'nothing' : `"${value}"`}` };
      plugins[parsed.name] = parsed.command;
      continue;
    }
    rest.push(a);
  }
  const out: NodeJS.ProcessEnv = { ...env };
  if (refresh) out.GITOPS_LENS_REFRESH = String(now);
  if (Object.keys(plugins).length) out.GITOPS_LENS_PLUGINS = JSON.stringify({ ...pluginsFromEnv(env.GITOPS_LENS_PLUGINS), ...plugins });
  return { argv: rest, env: out };
}

/** `NAME=prog arg arg` or `NAME=["prog","arg with space"]`. */
function pluginFlag(value: string): { name: string; command: string[] } | undefined {
  const eq = value.indexOf('=');
  if (eq <= 0) return undefined;
  const name = value.slice(0, eq).trim();
  const text = value.slice(eq + 1).trim();
  let command: string[] | undefined;
  if (text.startsWith('[')) command = pluginsFromEnv(JSON.stringify({ [name]: safeJson(text) }))?.[name];
  else command = text.split(/\s+/).filter(Boolean);
  return name && command && command.length ? { name, command } : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
