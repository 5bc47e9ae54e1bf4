/**
 * Imported first by every operator tool: when its output goes to a reader that stops early (`npm run saga -- … | head`),
 * the tool ends quietly instead of crashing on EPIPE, as Unix tools do.
 */
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
