import { run } from './cli/program.js';

export function main(argv: string[]): Promise<number> {
  return run(argv, { stdout: process.stdout, stderr: process.stderr });
}
