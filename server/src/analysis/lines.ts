// Line starts of a text and the line of an offset: shared by suppressions (directive lines), the coverage
// report (1-based line/column), the language server's positions and the Bicep parser's points.

/** Offset of the first character of each line. Line breaks are \n, \r\n and a lone \r, as in the LSP spec. */
export function lineStarts(text: string): number[] {
	const starts = [0];
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 13 /* \r */) {
			if (text.charCodeAt(i + 1) === 10) i++;
			starts.push(i + 1);
		} else if (c === 10 /* \n */) {
			starts.push(i + 1);
		}
	}
	return starts;
}

/** The 0-based line of `offset`: the last start at or before it (binary search over ascending `starts`). */
export function lineOf(starts: readonly number[], offset: number): number {
	let lo = 0;
	let hi = starts.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (starts[mid] <= offset) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}
