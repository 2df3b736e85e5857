// The "Minions" output channel. Every line goes through `redact` with the key currently held,
// so a key can never reach the log even if an upstream error message echoes it. The channel's
// language id `minions-log` is coloured by syntaxes/minions-log.tmLanguage.json.

import * as vscode from 'vscode';
import type { RunEvent } from '../core/protocol/events';
import { formatRunEvent } from './logFormat';
import { redactSecrets } from '../shared/redact';

export class MinionsLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Minions', 'minions-log');
  private secrets: readonly (string | undefined)[] = [];
  /** The last lines written, as written (the channel's own text cannot be read back through the API). */
  private readonly tail: string[] = [];

  /** The values that must never be written (the API key); updated when the key changes. */
  setSecrets(secrets: readonly (string | undefined)[]): void {
    this.secrets = secrets;
  }

  info(message: string): void {
    this.write(`${new Date().toISOString().slice(11, 23)} [minions] ${message}`);
  }

  error(message: string): void {
    this.write(`${new Date().toISOString().slice(11, 23)} [minions] ERROR ${message}`);
  }

  event(event: RunEvent): void {
    const line = formatRunEvent(event);
    if (line !== undefined) this.write(line);
  }

  show(): void {
    this.channel.show(true);
  }

  /** The last lines written (up to 500), e.g. for tests and a future "copy diagnostics". */
  recent(): readonly string[] {
    return this.tail;
  }

  private write(line: string): void {
    const safe = redactSecrets(line, this.secrets);
    this.channel.appendLine(safe);
    this.tail.push(safe);
    if (this.tail.length > 500) this.tail.splice(0, this.tail.length - 500);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
