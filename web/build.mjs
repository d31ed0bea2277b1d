// Bundles the review station into web/dist (served by `medsight serve` at /).
// Everything the page needs is copied or bundled here, so it works offline once built.
import * as esbuild from 'esbuild';
import {cpSync, mkdirSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, {recursive: true, force: true});
mkdirSync(dist, {recursive: true});

await esbuild.build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',  // dwv (webpack ESM) locates its decoder workers from import.meta.url
  minify: true,
  sourcemap: true,
  target: ['chrome110', 'firefox110', 'safari16'],
  outfile: join(dist, 'app.js'),
  logLevel: 'warning',
  legalComments: 'linked',
});
cpSync(join(here, 'src/index.html'), join(dist, 'index.html'));
cpSync(join(here, 'src/styles.css'), join(dist, 'styles.css'));
// dwv decodes compressed transfer syntaxes (JPEG, JPEG-LS, JPEG 2000) in web workers.
cpSync(join(here, 'node_modules/dwv/dist/assets/workers'), join(dist, 'assets/workers'),
       {recursive: true});
console.log('web: built ' + dist);
