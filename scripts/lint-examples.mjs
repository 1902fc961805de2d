// The README's main job: lint the bundled examples/ and print the findings. The examples are insecure
// on purpose, so findings (CLI exit 1) are the expected outcome here; only a usage or input error fails.
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['dist/cli.js', 'examples'], { stdio: 'inherit' });
process.exit(r.status === 0 || r.status === 1 ? 0 : (r.status ?? 2));
