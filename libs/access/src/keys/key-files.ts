import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Reads a secret file, or creates it 0600 with `create()` when absent. Creation writes a temp file
 * and hard-links it into place, so two processes starting at once end up with the same key.
 */
export function readOrCreateSecretFile(file: string, create: () => string, options: { mayCreate: boolean }): string {
  if (fs.existsSync(file)) {
    assertPrivate(file);
    return fs.readFileSync(file, 'utf8');
  }
  if (!options.mayCreate) throw new Error(`key file missing: ${path.basename(file)}`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, create(), { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return fs.readFileSync(file, 'utf8');
}

/** A key readable by group or others is refused rather than used (it may already be copied). */
function assertPrivate(file: string): void {
  if (process.platform === 'win32') return;
  const mode = fs.statSync(file).mode & 0o077;
  if (mode !== 0) throw new Error(`key file ${path.basename(file)} must not be readable by group or others (chmod 600)`);
}
