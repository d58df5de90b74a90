// `npm run build`'s last step: compiles templates/email/*.mjml into
// dist/compiled-templates, so that processes started from the build never
// load mjml (src/mail/templates.ts says why).
import { precompileTemplates } from '../dist/mail/templates.js';

for (const file of await precompileTemplates()) console.log(`compiled ${file}`);
