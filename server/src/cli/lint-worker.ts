// A lint worker thread (`--jobs N`): loads the Bicep grammar once if the run needs it, then lints each file
// the main thread sends and sends back its FileResult (plain data). The worker runs the CLI's own entry
// script (dist/cli.js, or main.js under out/), which calls runLintWorker when it finds LintWorkerData.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { LoadedConfig } from '../analysis/config';
import { setUpBicep } from './bicep';
import { lintFile, type LintOptions } from './lint-file';

const ROLE = 'iothub-baseline lint worker';

export interface LintWorkerData {
	role: typeof ROLE;
	/** What every file is linted with; the configuration is chosen per file from `configs`. */
	options: Omit<LintOptions, 'config'>;
	/** The configurations in use (plain data, validated by the main thread); a job names one by index. */
	configs: LoadedConfig[];
	/** Load the grammar before the first file. */
	bicep: boolean;
}

export function lintWorkerData(data: Omit<LintWorkerData, 'role'>): LintWorkerData {
	return { role: ROLE, ...data };
}

/** One file to lint: its place in the run, its absolute path, and its configuration's index (-1: none). */
export interface LintJob {
	index: number;
	file: string;
	config: number;
}

/** What a worker answers for one file. */
export type LintAnswer =
	// The result as JSON text: one string crosses the thread boundary faster than a structured clone of the
	// many small objects of a result.
	| { index: number; result: string }
	// lintFile threw: a bug, reported in the file's place as an internal error, as it would be in one thread.
	| { index: number; failure: string };

/**
 * Files travel in batches, a batch's answers in one message: a message per file woke the other thread
 * 4,000 times for 2,000 files, and on two cores each wake-up took the core from a busy thread
 * (postMessage was 6-12 % of a worker's time).
 */
export type LintWorkerMessage = { type: 'ready'; bicepFailure?: string } | { type: 'answers'; answers: LintAnswer[] };

/** True in a thread started by LintPool. */
export function isLintWorker(): boolean {
	return !isMainThread && (workerData as { role?: unknown } | null)?.role === ROLE;
}

export async function runLintWorker(): Promise<void> {
	const port = parentPort;
	if (!port) throw new Error('runLintWorker needs a parent port');
	const data = workerData as LintWorkerData;
	const bicepFailure = data.bicep ? await setUpBicep() : undefined;
	port.postMessage({ type: 'ready', ...(bicepFailure !== undefined ? { bicepFailure } : {}) } satisfies LintWorkerMessage);
	// Jobs sent while the grammar loaded wait in the port until this listener starts it.
	port.on('message', (jobs: LintJob[]) => {
		const answers = jobs.map((job): LintAnswer => {
			try {
				const result = lintFile(job.file, { ...data.options, config: job.config >= 0 ? data.configs[job.config] : undefined });
				return { index: job.index, result: JSON.stringify(result) };
			} catch (error) {
				return { index: job.index, failure: error instanceof Error ? error.message : String(error) };
			}
		});
		port.postMessage({ type: 'answers', answers } satisfies LintWorkerMessage);
	});
}
