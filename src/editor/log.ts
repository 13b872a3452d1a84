import * as vscode from 'vscode';

/** The "GitOps Lens" log: what ran, against which context, how long it took. */
export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  constructor() {
    this.channel = vscode.window.createOutputChannel('GitOps Lens', { log: true });
  }

  info(msg: string): void { this.channel.info(msg); }
  warn(msg: string): void { this.channel.warn(msg); }
  error(msg: string): void { this.channel.error(msg); }
  debug(msg: string): void { this.channel.debug(msg); }

  /** Runs `fn`, logging `what` (and the context it ran against) with its duration or its error. */
  async timed<T>(what: string, fn: () => Promise<T>, context?: string): Promise<T> {
    const started = Date.now();
    const against = context ? ` [context ${context}]` : '';
    try {
      const result = await fn();
      this.channel.info(`${what}${against}: ${Date.now() - started} ms`);
      return result;
    } catch (e) {
      this.channel.error(`${what}${against}: failed after ${Date.now() - started} ms: ${errorMessage(e)}`);
      throw e;
    }
  }

  show(): void { this.channel.show(true); }
  dispose(): void { this.channel.dispose(); }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
