// How the tests inside the extension host hand their results to the node:test file outside.
// Each result is one JSON line: printed on the extension host's console behind MARKER (VS Code
// forwards it to the browser page), and appended to the file named by RESULTS_FILE_ENV when
// that variable is set in code-server's environment (the extension host inherits it).

export const MARKER = 'MINIONS_EXTHOST_RESULT ';
export const RESULTS_FILE_ENV = 'MINIONS_EXTHOST_RESULTS';

export interface HostTestResult {
  name: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}
