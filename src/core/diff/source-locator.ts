/**
 * Where a drifted field is written in Git: the rendered resource's origin, refined by the
 * files its render read (a kustomize patch may be the line that really sets the value).
 * Files come from the caller's parsed snapshot when it has them, else from disk, read at
 * most once per diff pass however many fields point into them.
 */
import { readFileSync } from 'node:fs';
import type { JsonPath, ManifestFile, Range } from '../manifest';
import { parseManifestFile } from '../manifest';
import { locateField } from '../render/field-origin';
import type { RenderedResource } from '../render/types';

export class SourceLocator {
  private readonly files = new Map<string, { pass: number; text?: string; file?: ManifestFile }>();
  private pass = 0;
  /** The files each rendered resource's render read: where a patched field's value may be written. */
  private readonly inputsOf = new WeakMap<RenderedResource, readonly string[]>();

  constructor(private readonly given?: (path: string) => ManifestFile | undefined) {}

  /** Starts a diff pass: files read from disk before it are checked for changes again. */
  nextPass(): void { this.pass++; }

  /** Records which files a render read, for the resources it produced. */
  rendered(resources: readonly RenderedResource[], inputs: readonly string[]): void {
    for (const r of resources) this.inputsOf.set(r, inputs);
  }

  locate(r: RenderedResource, path: JsonPath): { file: string; range: Range } | undefined {
    if (!r.origin) return undefined;
    const inputs = this.inputsOf.get(r) ?? [];
    let loc = locateField(r, path, inputs, (p) => this.fileFor(p));
    // A Secret value written as stringData in Git is compared as data.
    if (loc && !loc.exact && path[0] === 'data' && r.id.kind === 'Secret') {
      const alt = locateField(r, ['stringData', ...path.slice(1)], inputs, (p) => this.fileFor(p));
      if (alt?.exact) loc = alt;
    }
    return loc ? { file: loc.file, range: loc.range } : undefined;
  }

  private fileFor(path: string): ManifestFile | undefined {
    const given = this.given?.(path);
    if (given) return given;
    const cached = this.files.get(path);
    if (cached?.pass === this.pass) return cached.file;
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch { this.files.set(path, { pass: this.pass }); return undefined; }
    const file = cached?.file && cached.text === text ? cached.file : parseManifestFile(path, text);
    this.files.set(path, { pass: this.pass, text, file });
    return file;
  }
}
