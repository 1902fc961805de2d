// Fixes → code actions. A fix's edits are non-overlapping UTF-16 spans per document (the template and
// maybe its parameter file); each document's spans are turned into ranges with that document's text.

import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Finding, Fix, TextEdit as SpanEdit } from '../analysis/findings';
import type { Span } from '../analysis/types';
import type { PositionResolver } from './diagnostics';

/** Our fix-all kind; also offered for `source.fixAll` (format/fix on save) requests. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.iothub-baseline`;

/** Does a requested kind (`context.only`) cover `kind`? `source` covers `source.fixAll.iothub-baseline`. */
export function kindRequested(kind: string, only: string[] | undefined): boolean {
	if (!only) return kind === CodeActionKind.QuickFix;
	return only.some((o) => o === '' || kind === o || kind.startsWith(`${o}.`));
}

export function toWorkspaceEdit(edits: Fix['edits'], positions: PositionResolver, publicUri: (u: string) => string): WorkspaceEdit | undefined {
	const changes: { [uri: string]: TextEdit[] } = {};
	for (const [uri, list] of Object.entries(edits)) {
		if (list.length === 0) continue;
		const mapper = positions.mapperFor(uri);
		// Without the text the spans were computed on there is no safe way to place the edit.
		if (!mapper) return undefined;
		const target = publicUri(uri);
		const out = (changes[target] ??= []);
		for (const e of [...list].sort((a, b) => a.span.start - b.span.start)) {
			out.push({ range: { start: mapper.positionAt(e.span.start), end: mapper.positionAt(e.span.end) }, newText: e.newText });
		}
	}
	return Object.keys(changes).length > 0 ? { changes } : undefined;
}

export function quickFixes(finding: Finding, diagnostic: Diagnostic, positions: PositionResolver, publicUri: (u: string) => string): CodeAction[] {
	const actions: CodeAction[] = [];
	let preferred = false;
	for (const fix of finding.fixes) {
		const edit = toWorkspaceEdit(fix.edits, positions, publicUri);
		if (!edit) continue;
		const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit };
		if (fix.kind === 'safe' && !preferred) {
			action.isPreferred = true;
			preferred = true;
		}
		actions.push(action);
	}
	return actions;
}

/** "Suppress <rule> for this resource": a quick fix that is never preferred (fixing beats suppressing). */
export function suppressAction(fix: Fix, diagnostic: Diagnostic, positions: PositionResolver, publicUri: (u: string) => string): CodeAction | undefined {
	const edit = toWorkspaceEdit(fix.edits, positions, publicUri);
	return edit ? { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit } : undefined;
}

/** Edits conflict when they overlap or touch: two edits at one point have no defined order. */
function conflicts(a: Span, b: Span): boolean {
	return a.start <= b.end && b.start <= a.end;
}

/**
 * Pick the fixes fix-all applies: safe ones (and suggestions when asked), first come first served,
 * skipping any fix whose edits would touch an edit already taken (in any of its documents).
 */
export function selectFixAll(findings: Finding[], includeSuggestions: boolean): Fix[] {
	const taken = new Map<string, Span[]>();
	// Spans chosen fixes depend on without editing (a resource's apiVersion): no other fix may edit them.
	const claimed = new Map<string, Span[]>();
	const hits = (map: Map<string, Span[]>, uri: string, span: Span) => (map.get(uri) ?? []).some((t) => conflicts(t, span));
	const chosen: Fix[] = [];
	// Fixes that change an apiVersion go first: fixes written for the old version then wait for the next
	// analysis, which offers them for the new version (Array.prototype.sort is stable).
	const ordered = [...findings].sort((a, b) => (a.fixes[0]?.claims ? 1 : 0) - (b.fixes[0]?.claims ? 1 : 0));
	for (const finding of ordered) {
		// A suppressed finding is not shown, so nothing is fixed behind the user's back.
		if (finding.suppression) continue;
		for (const fix of finding.fixes) {
			if (fix.kind !== 'safe' && !includeSuggestions) continue;
			const entries = Object.entries(fix.edits).filter(([, l]) => l.length > 0);
			if (entries.length === 0) continue;
			const clash =
				entries.some(([uri, list]) => list.some((e) => hits(taken, uri, e.span) || hits(claimed, uri, e.span))) ||
				Object.entries(fix.claims ?? {}).some(([uri, spans]) => spans.some((s) => hits(taken, uri, s)));
			if (clash) continue;
			for (const [uri, list] of entries) {
				const spans = taken.get(uri) ?? [];
				for (const e of list) spans.push(e.span);
				taken.set(uri, spans);
			}
			for (const [uri, spans] of Object.entries(fix.claims ?? {})) claimed.set(uri, [...(claimed.get(uri) ?? []), ...spans]);
			chosen.push(fix);
			// One fix per finding: the alternatives fix the same thing differently.
			break;
		}
	}
	return chosen;
}

export function mergeFixes(fixes: Fix[]): Fix['edits'] {
	const edits: { [uri: string]: SpanEdit[] } = {};
	for (const fix of fixes) {
		for (const [uri, list] of Object.entries(fix.edits)) (edits[uri] ??= []).push(...list);
	}
	return edits;
}

/** Client-side command that opens a rule's bundled doc (`rules/<id>.md`); the VS Code extension registers it. */
export const SHOW_RULE_DOC_COMMAND = 'iothubBaseline.showRuleDoc';

/**
 * "Show documentation for <rule>" once per rule among the diagnostics. Offered only to clients that
 * announce the command (`capabilities.experimental.iothubBaseline.showRuleDoc`): others could not run it.
 */
export function ruleDocActions(diagnostics: Diagnostic[], isRule: (id: string) => boolean): CodeAction[] {
	const seen = new Set<string>();
	const actions: CodeAction[] = [];
	for (const d of diagnostics) {
		const id = d.code;
		if (typeof id !== 'string' || !isRule(id) || seen.has(id)) continue;
		seen.add(id);
		const title = `Show documentation for ${id}`;
		actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title, command: SHOW_RULE_DOC_COMMAND, arguments: [id] } });
	}
	return actions;
}
