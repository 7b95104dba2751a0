import { cp, mkdir, mkdtemp, readFile, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";

/**
 * A fresh PGlite runs initdb, which takes seconds; copying an initialised data directory takes
 * a fraction of that. The template is made once per PGlite version in the temp directory and
 * shared by all test processes (built under a unique name, then renamed into place, so
 * parallel workers never see half a template). It holds no Conclave schema: migrations still
 * run in every test.
 */
async function templateDir(): Promise<string> {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve("@electric-sql/pglite"));
  while (!(await exists(join(dir, "package.json")))) dir = dirname(dir);
  const { version } = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
    version: string;
  };
  const template = join(tmpdir(), `conclave-pglite-template-${version}`);
  if (await exists(join(template, "PG_VERSION"))) return template;
  const building = await mkdtemp(`${template}.building-`);
  const pglite = new PGlite(building);
  await pglite.waitReady;
  await pglite.close();
  try {
    await rename(building, template);
  } catch {
    // Another worker won the race; its template is as good as ours.
    await rm(building, { recursive: true, force: true });
  }
  return template;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A new, empty PGlite data directory in a temp folder; remove it with `rm` when done. */
export async function freshPgliteDir(): Promise<string> {
  const template = await templateDir();
  const root = await mkdtemp(join(tmpdir(), "conclave-test-"));
  const dir = join(root, "pglite");
  await mkdir(root, { recursive: true });
  await cp(template, dir, { recursive: true });
  return dir;
}
