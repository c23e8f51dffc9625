#!/usr/bin/env node
// `bin` entry of the CLI: runs the TypeScript source through tsx (a dependency), so the
// installed command and `npm run cli` are the same program.
require('tsx/cjs');
require('../lib/cli/main.ts');
