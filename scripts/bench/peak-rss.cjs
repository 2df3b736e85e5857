// Preloaded (node --require) into a process bench:index measures: as the process exits it prints
// its peak resident set size (getrusage's ru_maxrss, in KiB), which its parent cannot read.
process.on('exit', () => {
  process.stderr.write(`\npeak-rss-kib ${process.resourceUsage().maxRSS}\n`);
});
