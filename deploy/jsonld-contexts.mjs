// Writes the JSON-LD contexts that pinned npm packages ship as JavaScript modules out as JSON files, with
// index.json (context URL -> file, package), so Open Badges proofs are checked offline (knowledge/formats/proofs.py).
// Used by the Makefile and deploy/images/api.Dockerfile: node jsonld-contexts.mjs OUT_DIR PACKAGE@VERSION...
import {execFileSync} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {pathToFileURL} from 'node:url';

const [out, ...packages] = process.argv.slice(2);
const work = resolve(out, 'packages');
rmSync(out, {recursive: true, force: true});
mkdirSync(work, {recursive: true});
for (const spec of packages) {
  const tarball = execFileSync('npm', ['pack', '--silent', spec], {cwd: work, encoding: 'utf8'}).trim().split('\n').pop();
  const dir = resolve(work, tarball.replace(/\.tgz$/, ''));
  mkdirSync(dir);
  execFileSync('tar', ['xzf', resolve(work, tarball), '-C', dir]);
}
const index = {};
for (const name of readdirSync(work, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name)) {
  const dir = resolve(work, name, 'package');
  const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8'));
  const mod = await import(pathToFileURL(resolve(dir, pkg.main)).href);
  for (const [url, context] of (mod.contexts ?? mod.default.contexts)) {
    if (!/^https?:\/\//.test(url)) continue;
    const file = url.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_') + '.jsonld';
    const text = JSON.stringify(context);
    if (index[url] && readFileSync(resolve(out, index[url].file), 'utf8') !== text) {
      throw new Error(`two packages differ on ${url}`);
    }
    writeFileSync(resolve(out, file), text);
    index[url] = {file, package: `${pkg.name}@${pkg.version}`};
  }
}
writeFileSync(resolve(out, 'index.json'), JSON.stringify(index, null, 1));
rmSync(work, {recursive: true, force: true});
