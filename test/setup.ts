// Every unit-test file starts with the built-in papers registered, as the CLI and the package entry
// do (src/ never imports properties/ itself).
import * as builtin from '../properties';
import { registerPapers } from '../src/claims/registry';

registerPapers(builtin.PAPERS, { module: { file: builtin.MODULE_FILE, builtin: true } });
