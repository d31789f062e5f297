// Lets `node -r ./scripts/bench/ts-register.js file.ts` run the TypeScript sources without a build
// (used by the test suite's quick benchmark; `npm run bench` runs the compiled output instead).
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
