// The raw cursor walk (raw-cursor.ts: web-tree-sitter's wasm cursor functions called without marshalling)
// copies exactly what the public TreeCursor walk copies: every bundled example, test fixture and corpus file,
// nesting deep enough to make the cursor's stack grow (the cursor is deleted after the walk: with a stale
// stack address that would free the wrong memory), and nesting past the copy's depth limit.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { initBicep, parseBicep, type Tree } from '../../server/src/analysis/bicep/parser';
import { loadCursor, rawCursor, withPublicCursor, type RawCursor } from '../../server/src/analysis/bicep/raw-cursor';
import { SyntaxNode, toSyntax } from '../../server/src/analysis/bicep/syntax';
import { corpusDir, repoRoot } from '../robustness/support';

function bicepFiles(dir: string, out: string[] = []): string[] {
	if (!existsSync(dir)) return out;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) bicepFiles(p, out);
		else if (e.name.endsWith('.bicep')) out.push(p);
	}
	return out;
}

/** `var v = {a: {a: ... 1 ...}}` nested `depth` objects deep. */
function nested(depth: number): string {
	return `var v = ${'{\n a: '.repeat(depth)}1${'\n}'.repeat(depth)}\n`;
}

/** The copy's depth (its deepest path from the root). */
function depthOf(n: SyntaxNode): number {
	let d = 0;
	for (const c of n.children) d = Math.max(d, depthOf(c));
	return d + 1;
}

describe('bicep: raw cursor walk', () => {
	before(() => initBicep());

	const both = (text: string) => {
		const tree = parseBicep(text);
		assert.ok(tree, 'parsed');
		try {
			const root = tree.rootNode;
			const fast = toSyntax(root);
			const slow = withPublicCursor(() => toSyntax(root));
			return { fast, slow, hasError: root.hasError };
		} finally {
			tree.delete();
		}
	};

	it('is in use after initBicep (else the comparisons below compare the public walk with itself)', () => {
		assert.ok(rawCursor());
	});

	const files = [...bicepFiles(path.join(repoRoot, 'examples')), ...bicepFiles(path.join(repoRoot, 'test')), ...bicepFiles(corpusDir)];
	it(`copies every example, fixture and corpus file as the public walk does (${files.length} files)`, () => {
		assert.ok(files.length >= 2);
		let compared = 0;
		for (const file of files) {
			const { fast, slow, hasError } = both(readFileSync(file, 'utf8'));
			assert.deepEqual(fast, slow, file);
			if (!hasError) compared++;
		}
		assert.ok(compared >= 2, 'error-free files compared');
	});

	it('copies nesting that grows the cursor stack, again and again, and the parser keeps working', () => {
		const text = nested(200);
		for (let i = 0; i < 50; i++) {
			const { fast, slow, hasError } = both(text);
			assert.equal(hasError, false);
			assert.deepEqual(fast, slow);
		}
		const after = both("param p string = 'x'\n");
		assert.deepEqual(
			after.fast.children.map((c) => [c.type, c.startIndex, c.endIndex]),
			[['parameter_declaration', 0, 20]],
		);
	});

	it('hands the cursor back as the walk left it, with the stack it grew (so that deleting it frees that stack)', () => {
		const tree = parseBicep(nested(200)) as Tree;
		const fresh = tree.rootNode.walk();
		const viaRaw = tree.rootNode.walk();
		const viaPublic = tree.rootNode.walk();
		const words = (c: object) => (c as { handles: number[] }).handles.slice(1);
		try {
			const r = rawCursor() as RawCursor;
			const address = loadCursor(viaRaw) as number;
			const rawWalk = () => {
				if (r.gotoFirstChild(address) !== 1) return;
				do rawWalk();
				while (r.gotoNextSibling(address) === 1);
				r.gotoParent(address);
			};
			rawWalk();
			r.save(viaRaw);
			const publicWalk = () => {
				if (!viaPublic.gotoFirstChild()) return;
				do publicWalk();
				while (viaPublic.gotoNextSibling());
				viaPublic.gotoParent();
			};
			publicWalk();
			assert.deepEqual(words(viaRaw), words(viaPublic));
			assert.notDeepEqual(words(viaRaw), words(fresh), 'the walk grew the stack');
			assert.equal(viaRaw.nodeType, 'infrastructure');
		} finally {
			for (const c of [fresh, viaRaw, viaPublic]) c.delete();
			tree.delete();
		}
	});

	it('cuts nesting past the depth limit the same way', () => {
		const { fast, slow, hasError } = both(nested(400));
		assert.equal(hasError, false);
		assert.deepEqual(fast, slow);
		assert.equal(depthOf(fast), 514);
	});
});
