// Summarise a V8 .cpuprofile (node --cpu-prof): self and total time per function, recursion counted once.
//   node bench/profile.mjs <file.cpuprofile> [top]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HIDDEN = new Set(['(idle)', '(root)']);

function keyOf(frame) {
	const file = frame.url ? path.basename(frame.url.replace(/^file:\/\//, '')) : '';
	const name = frame.functionName || '(anonymous)';
	return file ? `${name} (${file}:${frame.lineNumber + 1})` : name;
}

export function summarizeProfile(file, { top = 25 } = {}) {
	const prof = JSON.parse(readFileSync(file, 'utf8'));
	const byId = new Map(prof.nodes.map((n) => [n.id, n]));
	const parent = new Map();
	for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const self = new Map();
	const total = new Map();
	let sum = 0;
	for (let i = 0; i < prof.samples.length; i++) {
		const dt = (prof.timeDeltas[i] ?? 0) / 1000;
		const leaf = byId.get(prof.samples[i]);
		if (!leaf || HIDDEN.has(leaf.callFrame.functionName)) continue;
		sum += dt;
		const k = keyOf(leaf.callFrame);
		self.set(k, (self.get(k) ?? 0) + dt);
		const seen = new Set();
		for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
			const key = keyOf(byId.get(id).callFrame);
			if (seen.has(key)) continue;
			seen.add(key);
			total.set(key, (total.get(key) ?? 0) + dt);
		}
	}
	const pct = (x) => Math.round((1000 * x) / sum) / 10;
	const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, selfMs: Math.round(ms), selfPct: pct(ms), totalPct: pct(total.get(name) ?? 0) }));
	// Inclusive time of the stages worth knowing about, whatever their self time.
	const stages = {};
	for (const [k, ms] of total) {
		const m = /^(\S+) \(/.exec(k);
		if (m && /^(parseTree|parseJson|loadArmTemplate|collectResources|addResource|jsonToValue|evaluateArmString|parseArmExpression|tokenize|runRules|buildFinding|resolveSuggestion|modify|modifyAt|removeAt|detectFormatting|analyzeDocument|parseBicep|maskBicep|loadBicepTemplate|instantiate|copy|supportsProperty|classifyJson|prop|propKey|get body|check)$/.test(m[1])) {
			stages[k] = pct(ms);
		}
	}
	return { totalMs: Math.round(sum), top: rows, inclusivePct: Object.fromEntries(Object.entries(stages).sort((a, b) => b[1] - a[1])) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const r = summarizeProfile(process.argv[2], { top: Number(process.argv[3] ?? 30) });
	console.log(`${r.totalMs} ms sampled`);
	for (const x of r.top) console.log(`${String(x.selfPct).padStart(5)}% self ${String(x.totalPct).padStart(5)}% total  ${x.name}`);
	console.log('\ninclusive:');
	for (const [k, v] of Object.entries(r.inclusivePct)) console.log(`${String(v).padStart(5)}%  ${k}`);
}
