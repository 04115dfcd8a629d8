import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../helpers/cli';

async function layerErrors(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  assert.ok(result, 'eslint returned a result');
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2).map((m) => m.message);
}

test('the layer rule: imports only point down, between layers and between domains', async () => {
  const cases = [
    { file: 'src-shared/x.ts', code: "import fs from 'node:fs';\nexport const f = fs;\n", allowed: false, why: /no node: modules/ },
    { file: 'src-shared/x.ts', code: "import { readFileSync } from 'fs';\nexport const f = readFileSync;\n", allowed: false, why: /no node: modules/ },
    { file: 'src-main/store/x.ts', code: "import { app } from 'electron';\nexport const a = app;\n", allowed: false, why: /Only src-main\/electron/ },
    { file: 'src-renderer/x.ts', code: "import x from '../src-main/hub';\nexport const y = x;\n", allowed: false, why: /only through the API contract/ },
    { file: 'src-main/electron/x.ts', code: "import { app } from 'electron';\nexport const a = app;\n", allowed: true },
    { file: 'src-main/store/x.ts', code: "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", allowed: true },
    // Import direction between domains.
    { file: 'src-main/store/x.ts', code: "import { allows } from '../access/authorize';\nexport const a = allows;\n", allowed: false, why: /imports no domain/ },
    { file: 'src-main/devices/x.ts', code: "import { startBroker } from '../broker/module';\nexport const a = startBroker;\n", allowed: false, why: /never import the listeners/ },
    { file: 'src-main/access/queries/x.ts', code: "import { Pipeline } from '../../ingest/pipeline/pipeline';\nexport const a = Pipeline;\n", allowed: false, why: /never import the listeners/ },
    { file: 'src-main/commands/x.ts', code: "import { startBroker } from '../broker/module';\nexport const a = startBroker;\n", allowed: false, why: /transport/ },
    { file: 'src-main/broker/x.ts', code: "import { main } from '../cli/main';\nexport const a = main;\n", allowed: false, why: /Only the CLI imports the CLI/ },
    { file: 'src-main/access/x.ts', code: "import { createHub } from '../hub';\nexport const a = createHub;\n", allowed: false, why: /composition root/ },
    { file: 'src-main/broker/x.ts', code: "import { mayUseDevice } from '../access/device-access';\nexport const a = mayUseDevice;\n", allowed: true },
    { file: 'src-main/cli/x.ts', code: "import { createHub } from '../hub';\nexport const a = createHub;\n", allowed: true },
  ];
  for (const c of cases) {
    const errors = await layerErrors(c.code, c.file);
    if (c.allowed) assert.deepEqual(errors, [], `${c.file}: ${c.code}`);
    else {
      assert.ok(errors.length > 0, `${c.file} must reject: ${c.code}`);
      for (const e of errors) assert.match(e, c.why!);
    }
  }
});
