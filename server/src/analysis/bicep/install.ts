import { registerBicepFrontEnd } from '../analyze';
import { registerWriter } from '../fix/resolve';
import { loadBicepTemplate } from './adapter';
import { readUsingTarget } from './params';
import { initBicep, type Tree } from './parser';
import { bicepWriter } from './writer';

/** Load the grammar and plug the Bicep front end and writer into the analyser (once per process). */
export async function installBicep(opts?: { wasmDir?: string }): Promise<void> {
	await initBicep(opts);
	registerWriter(bicepWriter);
	registerBicepFrontEnd({
		loadTemplate: (uri, text, host, o) => loadBicepTemplate(uri, text, host, { parameterFileUri: o.parameterFileUri, tree: o.tree as Tree | undefined }),
		usingTarget: (uri, text) => readUsingTarget(uri, text),
	});
}
