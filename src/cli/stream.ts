// Output of any size: text is written in chunks, waiting for the stream to drain, and a
// JSON document is written piece by piece around its one big array, never built as one
// string (V8 strings stop at about 512 MB: `RangeError: Invalid string length`).

const CHUNK = 64 * 1024;

/** Buffers writes into chunks and waits for `drain` when the stream asks for it. */
export class ChunkedWriter {
  private buf = '';
  constructor(private readonly out: NodeJS.WritableStream) {}

  async write(text: string): Promise<void> {
    this.buf += text;
    if (this.buf.length >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buf) return;
    const text = this.buf;
    this.buf = '';
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }
}

const MARKER = '\u0000gitops-lens-items\u0000';

/**
 * Writes `JSON.stringify(doc, null, 2)` where `doc` holds `items` at the place marked by
 * `placeholder` (a value that `withItems` puts there): the same text, produced item by item.
 */
export async function writeJsonWithArray<T>(out: NodeJS.WritableStream, withItems: (placeholder: unknown) => unknown, items: Iterable<T>): Promise<void> {
  const text = JSON.stringify(withItems(MARKER), null, 2);
  const at = text.indexOf(JSON.stringify(MARKER));
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = ' '.repeat(text.slice(lineStart).search(/\S/));
  const w = new ChunkedWriter(out);
  await w.write(text.slice(0, at));
  let first = true;
  for (const item of items) {
    await w.write(`${first ? '[\n' : ',\n'}${indent}  ${JSON.stringify(item, null, 2).replace(/\n/g, `\n${indent}  `)}`);
    first = false;
  }
  await w.write(first ? '[]' : `\n${indent}]`);
  await w.write(text.slice(at + JSON.stringify(MARKER).length) + '\n');
  await w.flush();
}
