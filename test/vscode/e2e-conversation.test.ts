// End to end on the packaged .vsix in code-server + Chromium: a three-turn conversation in the
// panel. Ask from the palette, then two follow-ups from the box under the answer; the earlier
// turns stay above, the remote's requests carry them, repeated jobs come from the job cache, and
// the third answer streams in (screenshot mid-stream) with an XSS payload in the partial text
// that stays inert. The loopback model servers run in this process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { E2ESession } from './harness/e2e';
import { copyFixtureWorkspace, removeWorkspaceCopy, setInheritedEnv, writeWorkspaceSettings } from './harness/workspace';
import { until } from './harness/wait';
import { ensurePackaged } from './harness/prepare';
import { startScriptedServers, FAKE_KEY, LOCAL_MODEL, REMOTE_MODEL, type ScriptedServers } from './exthost/suites/host-fakes';
import { schemaNameOf, type OpenAIChatBody } from '../support/fake-openai';

const Q1 = 'How does the retry policy back off?';
const Q2 = 'And how many attempts does it make?';
const Q3 = 'What happens after the last attempt fails?';
const A1 = 'It doubles the delay after each failure (src/retry.ts:9).';
const A2 = 'It tries up to 3 times (src/retry.ts:2-12).';
const A3 = 'After the last attempt the error is rethrown to the caller <img src=x onerror="window.__minionsPwned=\'stream\'"> as the final step of `withRetry` (src/retry.ts:9-12). ' + 'The caller sees the original error, unchanged. '.repeat(12);
const TASK = { instruction: 'Find where failed operations are retried and how the delay between attempts grows.', keywords: ['retry', 'delay', 'attempt', 'backoff'], globs: [] };

function remote(body: OpenAIChatBody) {
  const user = body.messages.at(-1)!.content;
  if (schemaNameOf(body) === 'minions_plan') return { content: JSON.stringify({ tasks: [TASK], advice: '' }) };
  if (/Findings \(round 0 of/.test(user)) return { content: JSON.stringify({ decision: 'continue', answer: '', missing: 'the details of this follow-up', tasks: [TASK], advice: '' }) };
  const answer = user.includes(Q3) ? A3 : user.includes(Q2) ? A2 : A1;
  return { content: JSON.stringify({ decision: 'answer', answer, missing: '', tasks: [], advice: '' }), ...(answer === A3 ? { chunkDelayMs: 120 } : {}) };
}

describe('end to end: a conversation in the panel', () => {
  let servers: ScriptedServers | undefined;
  let session: E2ESession | undefined;
  let workspace: string | undefined;
  let restoreKey: (() => void) | undefined;

  before(async () => {
    ensurePackaged();
    servers = await startScriptedServers();
    servers.openai.chat = remote;
    workspace = copyFixtureWorkspace('e2e-conversation');
    writeWorkspaceSettings(workspace, {
      'minions.local.url': servers.ollama.url, 'minions.local.model': LOCAL_MODEL,
      'minions.remote.baseUrl': servers.openai.url, 'minions.remote.model': REMOTE_MODEL,
    });
    restoreKey = setInheritedEnv('MINIONS_REMOTE_API_KEY', FAKE_KEY);
    session = await E2ESession.start({ name: 'e2e-conversation', workspace });
    await session.page.locator('.statusbar-item', { hasText: /\$\d/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    await servers?.close();
    removeWorkspaceCopy(workspace);
    restoreKey?.();
  });

  const ask = (question: string) => session!.ask(question);

  async function followUp(question: string): Promise<void> {
    const box = session!.webview().locator('#follow-up');
    await box.waitFor({ state: 'visible', timeout: 30_000 });
    await box.fill(question);
    await box.press('Enter');
  }

  it('three turns: earlier turns above, follow-ups carry them, the last answer streams in and stays inert', async () => {
    const s = session!;
    const web = s.webview();
    await s.step('turn-1', async () => {
      await ask(Q1);
      await until(async () => (await s.webviewText('#answer-body', { timeoutMs: 60_000 })).includes('doubles the delay'), 'the first answer');
    });
    const localAfterTurn1 = servers!.ollama.chatBodies().length;
    await s.step('turn-2', async () => {
      await followUp(Q2);
      await until(async () => (await s.webviewText('#answer-body', { timeoutMs: 60_000 })).includes('up to 3 times'), 'the second answer');
      assert.match(await s.webviewText('#thread-turns'), /Turn 1: How does the retry policy back off\?/);
      assert.equal(servers!.ollama.chatBodies().length, localAfterTurn1, 'the repeated task came from the job cache: no local request');
      assert.match(await s.webviewText('#jobs'), /cached/);
    });
    await s.step('turn-3-streaming', async () => {
      await followUp(Q3);
      const streaming = web.locator('#answer.streaming');
      await streaming.waitFor({ state: 'visible', timeout: 60_000 });
      await until(async () => (await web.locator('#answer-body').innerText()).includes('rethrown to the caller'), 'part of the streamed answer');
      await s.screenshot('e2e-conversation-streaming');
      assert.equal(await streaming.count(), 1, 'still streaming when the screenshot was taken');
      const probe = await web.locator('#answer-body').evaluate((el) => ({
        pwned: (window as unknown as { __minionsPwned?: string }).__minionsPwned ?? null,
        imgs: el.querySelectorAll('img').length,
        handlers: [...el.querySelectorAll('*')].filter((n) => [...n.attributes].some((a) => a.name.startsWith('on'))).length,
        text: el.textContent ?? '',
      }));
      assert.deepEqual({ pwned: probe.pwned, imgs: probe.imgs, handlers: probe.handlers }, { pwned: null, imgs: 0, handlers: 0 }, 'the partial answer is inert');
      await web.locator('#answer:not(.streaming)').waitFor({ state: 'visible', timeout: 60_000 });
      const link = web.locator('#answer-body a', { hasText: 'src/retry.ts:9-12' });
      await link.first().waitFor({ state: 'visible', timeout: 10_000 });
      await until(async () => /3 turns/.test(await s.webviewText('#thread-title')), 'the thread header to count three turns');
      const turns = await s.webviewText('#thread-turns');
      assert.match(turns, /Turn 1: How does the retry policy back off\?/);
      assert.match(turns, /Turn 2: And how many attempts does it make\?/);
      await s.screenshot('e2e-conversation-three-turns');
      const last = servers!.openai.chatBodies().filter((b) => b.messages.at(-1)!.content.includes(Q3));
      assert.ok(last.length > 0 && last.every((b) => b.messages.at(-1)!.content.includes(Q1) && b.messages.at(-1)!.content.includes(Q2)), 'the remote saw the earlier turns');
      assert.ok(last.some((b) => b.stream === true), 'the synthesis was streamed');
    });
  });
});
