// A lint worker thread (`--jobs N`): loads the Bicep grammar once if the run needs it, then lints each file
// the main thread sends and sends back its FileResult (plain data). The worker runs the CLI's own entry
// script (dist/cli.js, or main.js under out/), which calls runLintWorker when it finds LintWorkerData.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { LoadedConfig } from '../analysis/config';
import { setUpBicep } from './bicep';
import type { FileResult } from './file-result';
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

export type LintWorkerMessage =
	| { type: 'ready'; bicepFailure?: string }
	| { type: 'done'; index: number; result: FileResult }
	// lintFile threw: a bug, reported in the file's place as an internal error, as it would be in one thread.
	| { type: 'failed'; index: number; message: string };

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
	port.on('message', (job: LintJob) => {
		let reply: LintWorkerMessage;
		try {
			const result = lintFile(job.file, { ...data.options, config: job.config >= 0 ? data.configs[job.config] : undefined });
			reply = { type: 'done', index: job.index, result };
		} catch (error) {
			reply = { type: 'failed', index: job.index, message: error instanceof Error ? error.message : String(error) };
		}
		port.postMessage(reply);
	});
}
