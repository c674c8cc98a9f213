import * as builtin from '../properties';
import { registerPapers } from '../src/claims/registry';

// The bench scripts read presets, which live in the papers' folders: imported for its effect, this
// registers the built-in papers as the CLI does.
registerPapers(builtin.PAPERS, { module: { file: builtin.MODULE_FILE, builtin: true } });
