// A progress indicator for long scans: `iothub-baseline: 120/800 files` on stderr, redrawn in place with
// `\r` and erased at the end. Only on a terminal, and only once a scan has taken longer than a moment, so
// quick runs, pipes and CI logs never see it.

import { performance } from 'node:perf_hooks';
import { TOOL_NAME } from './tool-info';

/** Quiet for this long; most runs finish before it shows. */
export const PROGRESS_DELAY_MS = 500;
/** Redraw at most this often. */
const REDRAW_MS = 100;
const ERASE = '\r\u001b[K';

export class Progress {
	private readonly enabled: boolean;
	private readonly started: number;
	private shown = false;
	private drawn = -Infinity;

	constructor(
		private readonly out: { write(s: string): unknown; isTTY?: boolean },
		private readonly total: number,
		private readonly now: () => number = () => performance.now(),
	) {
		this.enabled = out.isTTY === true;
		this.started = this.enabled ? now() : 0;
	}

	/** `done` files of `total` are linted. */
	update(done: number): void {
		if (!this.enabled || done >= this.total) return;
		const t = this.now();
		if (t - this.started < PROGRESS_DELAY_MS || t - this.drawn < REDRAW_MS) return;
		this.out.write(`${ERASE}${TOOL_NAME}: ${done}/${this.total} files`);
		this.shown = true;
		this.drawn = t;
	}

	/** Erase the line (before other output, and at the end). */
	clear(): void {
		if (!this.shown) return;
		this.out.write(ERASE);
		this.shown = false;
		// Draw again on the next update, whatever the redraw interval says.
		this.drawn = -Infinity;
	}
}
