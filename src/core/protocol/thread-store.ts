// Where a workspace's threads live on disk: one JSON file per thread in a folder of its own
// (the extension's workspace storage, or the CLI's cache folder per workspace). Files are
// written as a temporary file renamed into place, so a reader never sees half a thread; a file
// that cannot be read is skipped, never fatal. No `vscode` here: the CLI and the panel share it.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Thread } from './thread';

const THREAD_ID = /^thread-[a-z0-9]+-[a-z0-9]+$/;

export function isThreadId(value: unknown): value is string {
  return typeof value === 'string' && THREAD_ID.test(value);
}

/** One line of the thread list. */
export interface ThreadListing {
  id: string;
  title: string;
  turns: number;
  createdAt: number;
  updatedAt: number;
}

let tempCounter = 0;

export class ThreadStore {
  constructor(readonly dir: string, private readonly maxThreads = 100) {}

  private fileOf(id: string): string {
    if (!isThreadId(id)) throw new Error(`invalid thread id ${JSON.stringify(id)}`);
    return join(this.dir, `${id}.json`);
  }

  async get(id: string): Promise<Thread | undefined> {
    if (!isThreadId(id)) return undefined;
    try {
      const value = JSON.parse(await readFile(this.fileOf(id), 'utf8')) as Thread;
      return value && value.id === id && Array.isArray(value.turns) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Every readable thread, the most recently continued first. */
  async all(): Promise<Thread[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const threads = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => this.get(n.slice(0, -5))));
    return threads.filter((t): t is Thread => t !== undefined).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async list(): Promise<ThreadListing[]> {
    return (await this.all()).map((t) => ({ id: t.id, title: t.turns[0]?.question ?? '(empty)', turns: t.turns.length, createdAt: t.createdAt, updatedAt: t.updatedAt }));
  }

  async latest(): Promise<Thread | undefined> {
    return (await this.all())[0];
  }

  /** Writes the thread; beyond `maxThreads`, the least recently continued ones are removed. */
  async save(thread: Thread): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.fileOf(thread.id);
    const temp = `${target}.${process.pid}.${tempCounter++}.tmp`;
    await writeFile(temp, JSON.stringify(thread));
    await rename(temp, target);
    const all = await this.all();
    for (const old of all.slice(this.maxThreads)) await this.remove(old.id);
  }

  async remove(id: string): Promise<boolean> {
    if (!isThreadId(id)) return false;
    try {
      await rm(this.fileOf(id));
      return true;
    } catch {
      return false;
    }
  }
}
