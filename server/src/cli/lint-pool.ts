// Linting on worker threads (`--jobs N`), with the results handed back in file order whatever order the
// workers finish in. Files go to whichever worker is free in batches (smaller towards the end, so the
// workers finish together), a second batch sent before the first is answered so that a worker never waits
// for its next file; results that arrive early wait, but never more than MAX_AHEAD files past the one the
// report is waiting for, so memory stays flat however many files there are.
//
// A worker that dies (outside lintFile, whose throws come back as messages) fails the files it was
// linting: the report stops at the first of them with an internal error, as in one thread. Nothing waits
// for a dead worker, so the run cannot hang on one.

import { Worker } from 'node:worker_threads';
import { displayPath } from './collect-files';
import type { FileResult } from './file-result';
import { lintWorkerData, type LintAnswer, type LintJob, type LintWorkerData, type LintWorkerMessage } from './lint-worker';

/** Files in one batch at most. A worker gets another batch while fewer than this many of its files are unanswered. */
export const BATCH = 16;
/** Files past the next one to report that may be sent (and their results held) at most. */
export const MAX_AHEAD = 256;

export interface PoolSetup {
	/** The script each worker runs: the CLI's entry (dist/cli.js, or out/server/src/cli/main.js). */
	script: string;
	workers: number;
	data: Omit<LintWorkerData, 'role'>;
}

type Outcome = { result: FileResult } | { failure: string };

interface Slot {
	worker: Worker;
	alive: boolean;
	/** Job indexes sent and not answered. */
	inFlight: Set<number>;
	error?: string;
}

export class LintPool {
	/** The Bicep grammar's outcome in the first worker ready (all load the same files): why it failed, if it did. */
	readonly bicepFailure: Promise<string | undefined>;
	private readonly slots: Slot[] = [];
	private readonly outcomes = new Map<number, Outcome>();
	private nextToSend = 0;
	private nextToReport = 0;
	/** A worker died with files in flight: the report stops there, so no more files are sent. */
	private stopped = false;
	private closing = false;
	private wake: (() => void) | undefined;
	private ready!: (failure: string | undefined) => void;

	constructor(
		private readonly setup: PoolSetup,
		private readonly jobs: readonly Omit<LintJob, 'index'>[],
	) {
		this.bicepFailure = new Promise((resolve) => (this.ready = resolve));
		const workerData = lintWorkerData(setup.data);
		for (let i = 0; i < setup.workers; i++) this.start(workerData);
		this.dispatch();
	}

	/** Every file's result, in job order. Throws (an internal error) at the first file a worker failed. */
	async *results(): AsyncGenerator<FileResult> {
		while (this.nextToReport < this.jobs.length) {
			const outcome = this.outcomes.get(this.nextToReport);
			if (!outcome) {
				await new Promise<void>((resolve) => (this.wake = resolve));
				continue;
			}
			this.outcomes.delete(this.nextToReport++);
			this.dispatch();
			if ('failure' in outcome) throw new Error(outcome.failure);
			yield outcome.result;
		}
	}

	/** Stop every worker (idle or not). */
	async close(): Promise<void> {
		this.closing = true;
		await Promise.all(this.slots.map((s) => s.worker.terminate()));
	}

	private start(workerData: LintWorkerData): void {
		const slot: Slot = { worker: new Worker(this.setup.script, { workerData }), alive: true, inFlight: new Set() };
		this.slots.push(slot);
		slot.worker.on('message', (m: LintWorkerMessage) => this.onMessage(slot, m));
		slot.worker.on('error', (error) => {
			slot.error ??= error instanceof Error ? error.message : String(error);
		});
		slot.worker.on('messageerror', (error) => {
			// A message that cannot be read: the worker's state is unknown, so it is treated as dead.
			slot.error ??= `unreadable message: ${error.message}`;
			void slot.worker.terminate();
		});
		slot.worker.on('exit', (code) => this.onExit(slot, code));
	}

	private onMessage(slot: Slot, m: LintWorkerMessage): void {
		if (m.type === 'ready') {
			this.ready(m.bicepFailure);
			return;
		}
		for (const a of m.answers) {
			if (slot.inFlight.delete(a.index)) this.outcomes.set(a.index, outcomeOf(a));
		}
		this.dispatch();
		this.notify();
	}

	private onExit(slot: Slot, code: number): void {
		slot.alive = false;
		if (this.closing) return;
		const reason = slot.error ?? `exit code ${code}`;
		for (const index of slot.inFlight) this.outcomes.set(index, { failure: `${this.shown(index)}: lint worker stopped: ${reason}` });
		if (slot.inFlight.size > 0) this.stopped = true;
		slot.inFlight.clear();
		if (!this.slots.some((s) => s.alive)) {
			this.ready(undefined);
			if (!this.stopped && this.nextToSend < this.jobs.length) {
				this.outcomes.set(this.nextToSend, { failure: `${this.shown(this.nextToSend)}: no lint worker left: ${reason}` });
				this.stopped = true;
			}
		}
		this.notify();
	}

	/** Give every live worker with less than a batch unanswered another batch, in turns so early files spread out. */
	private dispatch(): void {
		let sent = true;
		while (sent && !this.stopped) {
			sent = false;
			for (const slot of this.slots) {
				if (!slot.alive || slot.inFlight.size >= BATCH) continue;
				const end = Math.min(this.jobs.length, this.nextToReport + MAX_AHEAD);
				if (this.nextToSend >= end) return;
				// A quarter of each worker's share of what is left, at most BATCH: the last files go one by one.
				const size = Math.max(1, Math.min(BATCH, Math.floor((this.jobs.length - this.nextToSend) / (4 * this.slots.length))));
				const batch: LintJob[] = [];
				for (let index = this.nextToSend; index < Math.min(end, this.nextToSend + size); index++) {
					batch.push({ index, ...this.jobs[index] });
					slot.inFlight.add(index);
				}
				this.nextToSend += batch.length;
				slot.worker.postMessage(batch);
				sent = true;
			}
		}
	}

	private notify(): void {
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}

	private shown(index: number): string {
		return displayPath(this.jobs[index].file, this.setup.data.options.cwd);
	}
}

function outcomeOf(a: LintAnswer): Outcome {
	return 'result' in a ? { result: JSON.parse(a.result) as FileResult } : { failure: a.failure };
}
