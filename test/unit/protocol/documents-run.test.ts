// A question about a number in a PDF report: the search finds its page, the local worker reads
// that page (its prompt says which), the remote sees `path:lines p.N` in the digest, and the
// answer's citation carries the page. Real index, real clients, loopback model servers.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { runProtocol } from '../../../src/core/protocol/index';
import { collect, ofType, rig } from './helpers';
import { wordFinder, scriptedRemote } from '../../support/scripted-models';
import { schemaNameOf, type OpenAIChatBody } from '../../support/fake-openai';
import { notebookJson, textPdf } from '../../support/make-docs';
import { makeWorkspace, removeWorkspace } from '../index/workspace';

const made: string[] = [];
after(() => made.forEach(removeWorkspace));

/** Plans from the script; answers by citing the first location the digest shows for a PDF or notebook. */
function citingRemote(keywords: string[]) {
  const plan = scriptedRemote({ plans: [[{ instruction: 'Find the figure the question asks about', keywords, globs: [] }]], syntheses: [{ answer: '' }] });
  const digests: string[] = [];
  const chat = (body: OpenAIChatBody) => {
    if (schemaNameOf(body) !== 'minions_synthesis') return plan(body);
    const digest = body.messages.map((m) => m.content).join('\n');
    digests.push(digest);
    const m = /\[([^\]\s]+\.(?:pdf|ipynb)):(\d+)-(\d+) (p\.\d+|cell \d+)\]/.exec(digest);
    const answer = m ? `It is stated at ${m[1]}:${m[2]}-${m[3]}.` : 'Not found.';
    return { content: JSON.stringify({ decision: 'answer', answer, missing: '' }) };
  };
  return { chat, digests };
}

describe('MinionS over documents', () => {
  test('a number in a PDF report is found on its page and cited by page', async () => {
    const root = makeWorkspace({
      'reports/annual.pdf': await textPdf([
        ['Annual Report 2024', 'Acme Widgets Incorporated'],
        ['Operations', 'We opened two new plants in the north.'],
        ['Financial Highlights', 'Total revenue for fiscal 2024 was 4,812 million dollars.'],
      ]),
      'src/app.ts': 'export function start(): void {\n  console.log("widgets");\n}\n',
    });
    made.push(root);
    const remote = citingRemote(['revenue', 'fiscal', '2024']);
    const r = await rig({ root, ollama: { chat: wordFinder(['4,812']) }, openai: { chat: remote.chat } });
    try {
      const events = await collect(runProtocol({ question: 'What was the total revenue in fiscal 2024?', protocol: 'minions', maxRounds: 1, parallel: 2 }, r));
      const answered = ofType(events, 'job-finished').filter((j) => j.status === 'answered');
      assert.ok(answered.length >= 1);
      assert.equal(answered[0]!.citation!.path, 'reports/annual.pdf');
      assert.equal(answered[0]!.citation!.page, 3);
      const prompt = r.ollama.chatBodies().map((b) => b.messages.map((m) => m.content).join('\n')).find((t) => t.includes('4,812'))!;
      assert.match(prompt, /File: reports\/annual\.pdf \(page 3 of 3, lines \d+-\d+, pdf\)/, 'the job prompt shows the page');
      assert.match(remote.digests[0]!, /\[reports\/annual\.pdf:\d+-\d+ p\.3\]/, 'the remote sees path:lines p.N');
      const answer = ofType(events, 'answer')[0]!;
      assert.equal(answer.citations.length, 1);
      assert.equal(answer.citations[0]!.path, 'reports/annual.pdf');
      assert.equal(answer.citations[0]!.page, 3);
    } finally {
      await r.close();
    }
  });

  test('a notebook finding is cited by cell', async () => {
    const root = makeWorkspace({ 'analysis.ipynb': notebookJson() });
    made.push(root);
    const remote = citingRemote(['churn_rate', 'churn']);
    const r = await rig({ root, ollama: { chat: wordFinder(['churn_rate']) }, openai: { chat: remote.chat } });
    try {
      const events = await collect(runProtocol({ question: 'How is the churn rate computed?', protocol: 'minions', maxRounds: 1, parallel: 2 }, r));
      const answered = ofType(events, 'job-finished').filter((j) => j.status === 'answered');
      assert.equal(answered[0]!.citation!.cell, 2);
      assert.match(remote.digests[0]!, /\[analysis\.ipynb:\d+-\d+ cell 2\]/);
      assert.equal(ofType(events, 'answer')[0]!.citations[0]!.cell, 2);
    } finally {
      await r.close();
    }
  });
});
