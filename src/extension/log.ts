// The "Minions" output channel. Every line goes through `redact` with the key currently held,
// so a key can never reach the log even if an upstream error message echoes it. The channel's
// language id `minions-log` is coloured by syntaxes/minions-log.tmLanguage.json.

import * as vscode from 'vscode';
import type { RunEvent } from '../core/protocol/events';
import { formatRunEvent, redact } from './logFormat';

export class MinionsLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Minions', 'minions-log');
  private secrets: readonly (string | undefined)[] = [];

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

  private write(line: string): void {
    this.channel.appendLine(redact(line, this.secrets));
  }

  dispose(): void {
    this.channel.dispose();
  }
}
