// Which Pod Security checks run for a level and version, as the admission library's
// policy/registry.go decides: each control contributes the check of the newest version
// not above the requested one; restricted runs the baseline controls too, minus those a
// restricted check overrides at that version; versions above the newest known check
// (and `latest`) evaluate as the newest.
import type { PodSpecRef } from '../podspec';
import { BASELINE_CONTROLS } from './baseline';
import { podView, type CheckPod, type Control, type FieldViolation, type PssLevel } from './control';
import { RESTRICTED_CONTROLS } from './restricted';

export type { PssLevel } from './control';

const ALL: readonly Control[] = [...BASELINE_CONTROLS, ...RESTRICTED_CONTROLS];

/** The newest Kubernetes minor version whose Pod Security checks this module knows (1.37). */
export const PSS_LATEST_MINOR = Math.max(...ALL.flatMap((c) => c.versions.map((v) => v.min)));

/** The minor version the checks of `v1.N` / `1.N.P` / `latest` evaluate as. */
export function pssMinor(version: string | undefined): number {
  const m = /^v?1\.(\d+)/.exec(version ?? '');
  return m ? Math.min(Number(m[1]), PSS_LATEST_MINOR) : PSS_LATEST_MINOR;
}

interface ActiveCheck { control: string; level: PssLevel; check: CheckPod }

const cache = new Map<string, ActiveCheck[]>();

function checksFor(level: PssLevel, minor: number): ActiveCheck[] {
  const key = `${level}:${minor}`;
  let out = cache.get(key);
  if (out) return out;
  const pick = (c: Control) => [...c.versions].reverse().find((v) => v.min <= minor);
  const overridden = new Set<string>();
  if (level === 'restricted') for (const c of RESTRICTED_CONTROLS) for (const o of pick(c)?.overrides ?? []) overridden.add(o);
  const controls = level === 'baseline' ? BASELINE_CONTROLS : ALL.filter((c) => !overridden.has(c.id));
  out = controls.flatMap((c) => { const v = pick(c); return v ? [{ control: c.id, level: c.level, check: v.check }] : []; });
  cache.set(key, out);
  return out;
}

export interface PssViolation extends FieldViolation {
  /** The admission library's check id, e.g. `allowPrivilegeEscalation`. */
  control: string;
  /** The API server's forbidden reason, e.g. `allowPrivilegeEscalation != false`. */
  reason: string;
  /** The level of the control (a restricted evaluation also runs baseline controls). */
  controlLevel: PssLevel;
}

/** Every failing field of a pod spec under a Pod Security level and version. */
export function evaluatePodSecurity(ref: PodSpecRef, level: PssLevel, minor: number): PssViolation[] {
  const pod = podView(ref);
  const out: PssViolation[] = [];
  for (const c of checksFor(level, minor)) {
    const r = c.check(pod);
    if (r) for (const f of r.fields) out.push({ ...f, control: c.control, reason: r.reason, controlLevel: c.level });
  }
  return out;
}
