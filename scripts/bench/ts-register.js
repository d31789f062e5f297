// Lets `node -r ./scripts/bench/ts-register.js file.ts` run the TypeScript sources without a build
// (the benchmark runner and generator; `npm run bench` then starts the compiled server).
// Transpile only: type checking is `tsc --noEmit`'s job.
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      resolveJsonModule: true,
      inlineSourceMap: true,
    },
  });
  module._compile(outputText, filename);
};
