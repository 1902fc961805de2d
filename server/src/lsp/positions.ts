// Offsets → LSP positions for documents that are not open in the editor (parameter files, modules read
// from disk). Spans are UTF-16 code-unit offsets, and LSP positions count UTF-16 code units too, so the
// only work is finding line starts. Line breaks are \n, \r\n and a lone \r, as in the LSP spec.

import type { Position, Range } from 'vscode-languageserver';
import { lineOf, lineStarts } from '../analysis/lines';
import type { Span } from '../analysis/types';

export class LineIndex {
	/** Offset of the first character of each line. */
	private readonly starts: number[];

	constructor(private readonly text: string) {
		this.starts = lineStarts(text);
	}

	positionAt(offset: number): Position {
		const o = Math.max(0, Math.min(Math.trunc(offset) || 0, this.text.length));
		const lo = lineOf(this.starts, o);
		const start = this.starts[lo];
		// An offset inside a line break (between \r and \n) belongs to the end of the line's content.
		const next = lo + 1 < this.starts.length ? this.starts[lo + 1] : this.text.length;
		let contentEnd = next;
		if (lo + 1 < this.starts.length) {
			contentEnd = next - 1;
			if (this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13) contentEnd = next - 2;
		}
		return { line: lo, character: Math.min(o, contentEnd) - start };
	}

	rangeOf(span: Span): Range {
		return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
	}
}

/** Anything that turns offsets into positions: a TextDocument or a LineIndex. */
export interface PositionMapper {
	positionAt(offset: number): Position;
}

export function toRange(mapper: PositionMapper, span: Span): Range {
	return { start: mapper.positionAt(span.start), end: mapper.positionAt(span.end) };
}
