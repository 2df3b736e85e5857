// The commands that talk to models (`ask`, `mcp`), with the model clients, the MCP SDK and the
// tokenizer tables they need. Built as its own bundle, dist/cli-models.js, so that `minions
// index` and `minions search` start without reading or compiling them (about 3.5 MB of the CLI's
// 4 MB; most of a warm reopen's time was spent loading them).
export { run as ask } from './commands/ask';
export { run as mcp } from './commands/mcp';
