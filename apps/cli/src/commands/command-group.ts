import { CommandRunner } from 'nest-commander';
import { fail } from '../output/output';

/** A subcommand name as typed; anything else (an id, a name) is not echoed. */
const COMMAND_WORD = /^[a-z][a-z-]{0,39}$/i;

/**
 * A command that only groups subcommands (`keys`, `users`, ...). Alone it prints its help; with
 * words commander did not match (a mistyped subcommand) it names the first one and exits 1, so a
 * script that typed `keys erase-subjct <id>` does not carry on as if it had run. Further words
 * may be patient ids or names and are never printed.
 */
export abstract class CommandGroup extends CommandRunner {
  /** The mistyped subcommand's options (`--reason ...`) reach run() rather than hiding it behind "unknown option". */
  override setCommand(command: Parameters<CommandRunner['setCommand']>[0]): this {
    command.allowUnknownOption();
    return super.setCommand(command);
  }

  async run(params: string[]): Promise<void> {
    if (params.length === 0) return this.command.help();
    fail(COMMAND_WORD.test(params[0]) ? `unknown command: ${params[0]}` : 'unknown command');
    this.command.outputHelp({ error: true });
  }
}
