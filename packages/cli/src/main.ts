// The `dicekit` executable: runs the CLI on this process's arguments and sets the exit code.
import { runCli } from './cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
