// The tree cursor without web-tree-sitter's per-call marshalling. Every TreeCursor method of web-tree-sitter
// writes the cursor's four words into the runtime's transfer buffer, calls the wasm function, and (for moves)
// reads them back: five to seven JS ↔ wasm round trips of bookkeeping per node of a copy, a quarter of a small
// file's analysis. The wasm functions themselves only need the cursor in the transfer buffer, and the ones
// that move it leave it there; so once a public TreeCursor call has put the cursor there, a walk can call
// them directly, back to back, as long as nothing else uses the runtime meanwhile (a synchronous walk).
//
// The functions are found on the options object handed to Parser.init, which the runtime (an Emscripten
// module) fills with its exports. Anything missing (another runtime version, an init done elsewhere) leaves
// `rawCursor()` undefined and callers use the public API; a test compares both walks over every corpus file.

import type { Tree, TreeCursor } from 'web-tree-sitter';

/** Cursor calls on the cursor in the transfer buffer; `tree` is the tree's wasm address. */
export interface RawCursor {
	/** Copy the cursor in the transfer buffer back into `cursor` (before any public call on it again). */
	save(cursor: TreeCursor): void;
	typeId(tree: number): number;
	startIndex(tree: number): number;
	endIndex(tree: number): number;
	/** Moves return 1 when the cursor moved. */
	gotoFirstChild(tree: number): number;
	gotoNextSibling(tree: number): number;
	gotoParent(tree: number): number;
}

let raw: RawCursor | undefined;

const EXPORTS = {
	typeId: '_ts_tree_cursor_current_node_type_id_wasm',
	startIndex: '_ts_tree_cursor_start_index_wasm',
	endIndex: '_ts_tree_cursor_end_index_wasm',
	gotoFirstChild: '_ts_tree_cursor_goto_first_child_wasm',
	gotoNextSibling: '_ts_tree_cursor_goto_next_sibling_wasm',
	gotoParent: '_ts_tree_cursor_goto_parent_wasm',
} as const;

/** After Parser.init(options): take the cursor functions from `options`, if they are all there. */
export function captureRawCursor(options: object): void {
	raw = undefined;
	const m = options as Record<string, unknown>;
	const fns = Object.fromEntries(Object.entries(EXPORTS).map(([k, name]) => [k, m[name]]));
	const init = m._ts_init;
	const getValue = m.getValue;
	if (!Object.values(fns).every((f) => typeof f === 'function') || typeof init !== 'function' || typeof getValue !== 'function') return;
	// The transfer buffer's address (ts_init only writes the version numbers there again).
	const buffer = (init as () => unknown)();
	if (typeof buffer !== 'number' || buffer === 0) return;
	const read = getValue as (address: number, type: string) => number;
	// A move can reallocate the cursor's stack, so the cursor's own copy of its words is stale after a walk:
	// deleting it with those would free the wrong memory.
	const save = (cursor: TreeCursor) => {
		const handles = (cursor as unknown as { handles?: number[] }).handles;
		if (!Array.isArray(handles) || handles.length !== 4) throw new Error('web-tree-sitter TreeCursor without its four handles');
		for (let i = 0; i < 4; i++) handles[i] = read(buffer + 4 * i, 'i32');
	};
	raw = { ...(fns as unknown as Omit<RawCursor, 'save'>), save };
}

export function rawCursor(): RawCursor | undefined {
	return raw;
}

/** Run `fn` with the public API only (tests compare both walks). */
export function withPublicCursor<T>(fn: () => T): T {
	const saved = raw;
	raw = undefined;
	try {
		return fn();
	} finally {
		raw = saved;
	}
}

/**
 * The wasm address of `cursor`'s tree, after putting the cursor in the transfer buffer (a public read does
 * that); undefined when the tree does not look as expected.
 */
export function loadCursor(cursor: TreeCursor): number | undefined {
	const tree = (cursor as unknown as { tree?: Tree }).tree as unknown as Record<number, unknown> | undefined;
	const address = tree?.[0];
	if (typeof address !== 'number' || address === 0) return undefined;
	void cursor.nodeTypeId; // marshals the cursor into the transfer buffer
	return address;
}
