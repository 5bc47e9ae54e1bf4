/**
 * Runs an operator tool's `main` on the command line's arguments: its answer is the exit code; a failure prints its
 * message alone, without the stack, and exits 1.
 */
export async function runTool(main: (args: string[]) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
