// LintPool on stand-in workers (a small script speaking the worker protocol, told what to do by the file
// name): results in file order whatever order they finish in, a bounded number held, and a dying worker
// ending the run with an internal error rather than a hang.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { FileResult } from '../../server/src/cli/file-result';
import { BATCH, LintPool, MAX_AHEAD } from '../../server/src/cli/lint-pool';
import { tempDir } from './run-cli';

// Each file of a batch is answered in its own message (the protocol allows any grouping). `slow-*` answers
// after 300 ms, `exit-*` ends the thread, `throw-*` throws outside any handler, `fail-*` answers as lintFile
// throwing; anything else answers at once. `notices` holds when the answer was sent and the batch's size.
const STAND_IN = `
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
parentPort.postMessage({ type: 'ready' });
const answer = (a) => parentPort.postMessage({ type: 'answers', answers: [a] });
parentPort.on('message', (jobs) => {
	for (const job of jobs) {
		const name = job.file.split('/').pop();
		const done = () => answer({ index: job.index, result: JSON.stringify({ path: name, uri: '', status: 'analysed', problems: [], findings: [], notices: [String(performance.timeOrigin + performance.now()), String(jobs.length)] }) });
		if (name.startsWith('slow-')) setTimeout(done, 300);
		else if (name.startsWith('exit-')) process.exit(3);
		else if (name.startsWith('throw-')) setTimeout(() => { throw new Error('boom'); }, 10);
		else if (name.startsWith('fail-')) answer({ index: job.index, failure: 'cannot read properties of undefined' });
		else done();
	}
});
`;

describe('cli: LintPool', () => {
	const t = tempDir();
	after(() => t.cleanup());
	const script = path.join(t.dir, 'stand-in.js');
	writeFileSync(script, STAND_IN);
	const pool = (names: string[], workers = 3, file = script) =>
		new LintPool({ script: file, workers, data: { options: { cwd: '/w' }, configs: [], bicep: false } }, names.map((n) => ({ file: `/w/${n}`, config: -1 })));
	const collect = async (p: LintPool): Promise<{ results: FileResult[]; error?: Error }> => {
		const results: FileResult[] = [];
		try {
			for await (const r of p.results()) results.push(r);
			return { results };
		} catch (error) {
			return { results, error: error as Error };
		} finally {
			await p.close();
		}
	};
	const answeredAt = (r: FileResult) => Number(r.notices[0]);
	const batchOf = (r: FileResult) => Number(r.notices[1]);

	it('hands results back in file order when the first file finishes last', async () => {
		const names = ['slow-0.json', ...Array.from({ length: 30 }, (_, i) => `f-${i + 1}.json`)];
		const { results, error } = await collect(pool(names));
		assert.equal(error, undefined);
		assert.deepEqual(
			results.map((r) => r.path),
			names,
		);
		assert.ok(results.slice(1).every((r) => answeredAt(r) < answeredAt(results[0])), 'the other workers finished their files first');
	});

	it(`holds at most ${MAX_AHEAD} files past the one it waits for`, async () => {
		const names = ['slow-0.json', ...Array.from({ length: MAX_AHEAD * 2 }, (_, i) => `f-${i + 1}.json`)];
		const { results } = await collect(pool(names));
		assert.equal(results.length, names.length);
		const early = results.filter((r) => answeredAt(r) < answeredAt(results[0])).length;
		assert.ok(early > 0 && early < MAX_AHEAD, `${early} files answered before the first one`);
	});

	it(`sends files in batches of at most ${BATCH}, one by one at the end`, async () => {
		const names = Array.from({ length: 1000 }, (_, i) => `f-${i}.json`);
		const { results, error } = await collect(pool(names, 2));
		assert.equal(error, undefined);
		assert.deepEqual(
			results.map((r) => r.path),
			names,
		);
		assert.equal(batchOf(results[0]), BATCH);
		assert.equal(batchOf(results[results.length - 1]), 1);
		assert.ok(results.every((r) => batchOf(r) >= 1 && batchOf(r) <= BATCH));
	});

	it('a worker that exits stops the run at its file with an internal error, after the files before it', async () => {
		const names = ['a.json', 'b.json', 'c.json', 'exit-d.json', 'e.json', 'f.json', 'g.json'];
		const { results, error } = await collect(pool(names, 2));
		assert.deepEqual(
			results.map((r) => r.path),
			['a.json', 'b.json', 'c.json'],
		);
		assert.equal(error?.message, 'exit-d.json: lint worker stopped: exit code 3');
	});

	it('an exception thrown in a worker outside lintFile is reported, not waited for', async () => {
		const { results, error } = await collect(pool(['a.json', 'throw-b.json', 'c.json'], 2));
		assert.deepEqual(
			results.map((r) => r.path),
			['a.json'],
		);
		assert.equal(error?.message, 'throw-b.json: lint worker stopped: boom');
	});

	it('when lintFile throws, the run stops at that file with its message, as in one thread', async () => {
		const { results, error } = await collect(pool(['a.json', 'b.json', 'fail-c.json', 'd.json']));
		assert.deepEqual(
			results.map((r) => r.path),
			['a.json', 'b.json'],
		);
		assert.equal(error?.message, 'cannot read properties of undefined');
	});

	it('workers that cannot start end the run with an internal error', async () => {
		const broken = path.join(t.dir, 'broken.js');
		writeFileSync(broken, "throw new Error('cannot load');\n");
		const p = pool(['a.json', 'b.json', 'c.json'], 2, broken);
		assert.equal(await p.bicepFailure, undefined);
		const { results, error } = await collect(p);
		assert.deepEqual(results, []);
		assert.equal(error?.message, 'a.json: lint worker stopped: cannot load');
	});
});
