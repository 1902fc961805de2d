// Reading a file from disk as text: UTF-8 (BOM stripped) or UTF-16 with a BOM, binary files and very large
// files refused with a reason the CLI prints. Offsets in the analysis are UTF-16 code units of the
// decoded text, so a BOM must not be part of it.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Files above this size are skipped: templates are kilobytes, a 20 MB "template" is a mistake or a data dump. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** How far a NUL byte marks a file as binary (as git and grep do). */
const BINARY_SNIFF_BYTES = 8192;

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string; skipped?: boolean };

export function readTextFile(filePath: string, maxBytes = MAX_FILE_BYTES): ReadResult {
	let fd: number | undefined;
	let bytes: Buffer;
	try {
		fd = openSync(filePath, 'r');
		const stat = fstatSync(fd);
		if (stat.isDirectory()) return { ok: false, reason: 'is a directory' };
		if (stat.size > maxBytes) return { ok: false, reason: `skipped: larger than ${Math.round(maxBytes / (1024 * 1024))} MB`, skipped: true };
		bytes = Buffer.alloc(stat.size);
		let read = 0;
		while (read < bytes.length) {
			const n = readSync(fd, bytes, read, bytes.length - read, read);
			if (n === 0) break;
			read += n;
		}
		bytes = bytes.subarray(0, read);
	} catch (error) {
		return { ok: false, reason: describeFsError(error) };
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
	return decodeText(bytes);
}

/** Bytes → text by BOM (UTF-8, UTF-16 LE/BE), else UTF-8; NUL bytes without a UTF-16 BOM mean binary. */
export function decodeText(bytes: Buffer): ReadResult {
	if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: true, text: bytes.subarray(2).toString('utf16le') };
	if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
		const body = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
		body.swap16();
		return { ok: true, text: body.toString('utf16le') };
	}
	const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	if (bytes.subarray(start, start + BINARY_SNIFF_BYTES).includes(0)) return { ok: false, reason: 'binary file (contains NUL bytes)', skipped: true };
	return { ok: true, text: bytes.subarray(start).toString('utf8') };
}

const fsReasons: Record<string, string> = {
	ENOENT: 'no such file or directory',
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	EISDIR: 'is a directory',
	ENOTDIR: 'not a directory',
	ELOOP: 'too many levels of symbolic links',
	EMFILE: 'too many open files',
	EIO: 'input/output error',
};

/** A file-system error as a short reason, without the path (the caller prints it first). */
export function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code && fsReasons[code]) return fsReasons[code];
	return error instanceof Error ? error.message : String(error);
}
