// The remote API key. It lives only in VS Code's SecretStorage; as a documented fallback the
// environment variables MINIONS_REMOTE_API_KEY / OPENAI_API_KEY (the CLI's) are honoured when
// no key is stored. The key is never written to settings, logs, webview state or errors.

import * as vscode from 'vscode';

const SECRET_ID = 'minions.remote.apiKey';
export const KEY_ENV_VARS = ['MINIONS_REMOTE_API_KEY', 'OPENAI_API_KEY'] as const;

export type KeySource = 'secret-storage' | 'environment' | 'none';

export class ApiKeyStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly env: NodeJS.ProcessEnv = process.env) {
    secrets.onDidChange((e) => {
      if (e.key === SECRET_ID) this.changed.fire();
    });
  }

  async get(): Promise<{ key: string | undefined; source: KeySource }> {
    const stored = await this.secrets.get(SECRET_ID);
    if (stored) return { key: stored, source: 'secret-storage' };
    for (const name of KEY_ENV_VARS) {
      const v = this.env[name];
      if (v && v.trim() !== '') return { key: v.trim(), source: 'environment' };
    }
    return { key: undefined, source: 'none' };
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(SECRET_ID, key.trim());
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_ID);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
