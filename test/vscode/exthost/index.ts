// Entry of the extension-host test bundle (out/test/exthost.js). VS Code loads it as
// extensionTestsPath and calls run(); the outcome reaches the browser through
// codeAutomationExit (0 when run() resolves, 1 when it rejects).
import { appendFileSync } from 'node:fs';
import { MARKER, RESULTS_FILE_ENV } from './protocol';
import { runRegistered } from './registry';

export async function run(): Promise<void> {
  const resultsFile = process.env[RESULTS_FILE_ENV];
  const results = await runRegistered((result) => {
    console.log(MARKER + JSON.stringify(result));
    if (resultsFile) appendFileSync(resultsFile, `${JSON.stringify(result)}\n`);
  });
  if (results.length === 0) {
    throw new Error('no extension-host tests were registered: is test/vscode/exthost/suites/ empty, or did the bundle not import it?');
  }
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    throw new Error(`${failed.length} of ${results.length} extension-host tests failed: ${failed.map((r) => r.name).join('; ')}`);
  }
}
