import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * src/modules/risk/data: beside this folder when run from source (tsx), under the project root's src/ when run
 * from the dist/ bundle (same convention as src/platform/db/migrate.ts).
 */
export const RISK_DATA_DIR =
  // Identify the folder by a file it holds: from the dist/ bundle, "../data" is the PGlite data folder.
  [join(here, '..', 'data'), join(here, '..', 'src', 'modules', 'risk', 'data')].find((d) => existsSync(join(d, 'binlist-ranges.csv'))) ?? join(here, '..', 'data');

export function dataFile(name: string): string {
  return join(RISK_DATA_DIR, name);
}

const require = createRequire(import.meta.url);

/** Absolute path of a file shipped inside an npm package (packages without an "exports" map). */
export function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}
