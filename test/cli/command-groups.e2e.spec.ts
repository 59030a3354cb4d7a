import { randomUUID } from 'node:crypto';
import { runCli } from '../support/cli-bin';

/** The built CLI: commander's option parsing and exit codes are only real there. No database is touched. */
const cli = (...args: string[]) => runCli({}, ...args);

describe('ortholedger <group> <mistyped subcommand>', () => {
  it.each([
    ['audit', 'verfy'],
    ['keys', 'erase-subjct'],
    ['projections', 'rebuidl'],
    ['users', 'creat'],
    ['db', 'migrat'],
    ['events', 'stat'],
    ['retention', 'rn'],
  ])('%s %s: names the word, prints the help on stderr, exits 1', async (group, typo) => {
    const result = await cli(group, typo);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: unknown command: ${typo}\n`);
    expect(result.stderr).toContain(`Usage: ortholedger ${group}`);
    expect(result.stdout).toBe('');
  });

  it('never echoes the words after it (they may be patient ids), nor a first word that is not a command word', async () => {
    const patientId = randomUUID();
    const typo = await cli('keys', 'erase-subjct', patientId, '--reason', 'gdpr_art17');
    expect([typo.code, typo.stderr.includes('unknown command: erase-subjct')]).toEqual([1, true]);
    expect(typo.stdout + typo.stderr).not.toContain(patientId);
    const id = await cli('keys', patientId);
    expect([id.code, id.stderr.startsWith('error: unknown command\n')]).toEqual([1, true]);
    expect(id.stdout + id.stderr).not.toContain(patientId);
  });

  it('a group alone still prints its help and exits 0', async () => {
    const result = await cli('keys');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ortholedger keys');
  });
});
