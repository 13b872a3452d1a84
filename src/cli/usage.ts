// Usage of each command: what `gitops-lens <command> --help` prints (exit 0), and the
// overview `gitops-lens --help` is made of.

const CLUSTER = '[--dir DIR] [--context NAME] [--kubeconfig FILE] [--json]';

export const COMMAND_USAGE: Record<string, { synopsis: string; about: string; details?: string }> = {
  apps: {
    synopsis: 'apps [dir] [--json] [--kubeconfig FILE] [--strict]',
    about: 'list the GitOps apps of a repository',
    details: 'Exit 0 when the apps could be listed; their problems are printed as warnings.\n--strict  exit 2 when an app has an error (a missing path, an unknown source)',
  },
  render: { synopsis: 'render <app> [--json|--yaml] [--dir DIR]', about: "print an app's desired resources (Secret values masked)" },
  lint: {
    synopsis: 'lint [paths...] [--app NAME] [--format text|json|sarif] [--preset default|baseline|restricted]\n       [--fail-on error|warning|info] [--k8s-version X] [--root DIR] [--context NAME]',
    about: 'policy findings at file:line:col (exit 1 at/above --fail-on)',
    details: `The repository is the Git top level of the first path (or of the working directory, whose
files are then reported); its CRDs, policies and Flux sources feed the lint. Only what a
reconciler could deploy is judged: Kubernetes YAML inside the repo's Flux source (its
spec.ignore, .sourceignore), not .gitignored, not under ignore: or lint.skip in gitops-lens.yaml.
--context NAME  also validate custom resources against that cluster's CRDs
--root DIR      the repository root, when it is not the Git top level`,
  },
  diff: {
    synopsis: `diff <app|--all> ${CLUSTER}\n       diff <app> --from REV [--to REV] [--stat] [--json]`,
    about: 'normalized live-vs-Git diff per resource (exit 0 none, 1 drift, 2 error); with --from, the same as revdiff',
  },
  revdiff: { synopsis: 'revdiff <app> --from REV [--to REV] [--stat|--json] [--dir DIR]', about: 'rendered change between two revisions, no cluster (exit 0 none, 1 changes, 2 error)' },
  plan: { synopsis: `plan <app> [--prune] [--working-tree|--revision REV] [--resource KEY] [--no-diff] ${CLUSTER}`, about: 'ordered tasks, each dry-run on the server' },
  sync: {
    synopsis: `sync <app> [--prune] [--dry-run] [--working-tree [--allow-uncommitted]] [--force]\n       [--reconcile] [--wait-lock S] [--timeout S] [--concurrency N] [--resource KEY] ${CLUSTER}`,
    about: 'server-side apply wave by wave (committed HEAD by default)',
  },
  revert: {
    synopsis: `revert <app> --git [--commit SHA] [--whole-commit] [--mainline N] [--confirm-empty N] [--dry-run]\n       revert <app> --adopt KEY --path FIELD [--commit-change] [--dry-run]\n       revert <app> --to REV [--prune] [--dry-run] | --drift [--resource KEY]\n       revert --undo   ${CLUSTER}`,
    about: 'revert the app\'s files of the last commit that changed it (a new commit; --whole-commit: every file of the commit); write a live value into its source YAML; sync the app as REV has it | re-apply HEAD; undo the last Git change revert made here (if nothing moved)',
  },
  history: { synopsis: 'history [app] [--json] [--limit N] [--dir DIR] [--journal FILE]', about: 'journal of syncs and delivery figures' },
};

const SYNC_CODES = `plan/sync/revert exit codes: 0 done or nothing to change, 1 plan has changes,
  2 usage or error, 3 refused (dry-run/render failure, controller-managed app without
  --force, uncommitted changes, another sync running, a root or merge commit without
  --mainline, a conflicting revert, an app left empty without --confirm-empty N;
  nothing written), 4 sync failed part-way (see the journal), 130 cancelled`;

const TOOLS = `programs: helm, kustomize (or kubectl) and git from PATH, or GITOPS_LENS_HELM,
  GITOPS_LENS_KUSTOMIZE, GITOPS_LENS_KUBECTL; clusters from --kubeconfig, else $KUBECONFIG,
  else ~/.kube/config`;

/** `gitops-lens <command> --help`. */
export function commandUsage(cmd: string): string {
  const u = COMMAND_USAGE[cmd];
  const codes = ['plan', 'sync', 'revert'].includes(cmd) ? `\n\n${SYNC_CODES}` : '';
  return `usage: gitops-lens ${u.synopsis}\n\n${u.about}${u.details ? `\n\n${u.details}` : ''}${codes}`;
}

/** `gitops-lens --help`: every command, one synopsis each. */
export function overallUsage(): string {
  const rows = Object.values(COMMAND_USAGE).map((u) => {
    const [first, ...rest] = u.synopsis.split('\n');
    return [`  ${first}`, ...rest.map((l) => `  ${l}`), `${' '.repeat(38)}${u.about}`].join('\n');
  });
  return `usage: gitops-lens <command> [options]      (gitops-lens <command> --help for one command)\n\ncommands:\n${rows.join('\n')}\n\n${SYNC_CODES}\n\n${TOOLS}\n\nexit codes: 0 ok, 1 findings or drift, 2 usage or error`;
}
