// The synthesizer's scratchpad across rounds: a few lines of what is established, with finding
// ids. Each continuing synthesis writes it; the next synthesis gets it back with only the new
// round's findings, instead of every earlier digest again (old rounds cost their tokens once).

/** Longest scratchpad kept (a remote that writes an essay here would grow every later prompt). */
export const SCRATCHPAD_CHARS = 2000;

export class Scratchpad {
  private text = '';
  /** Round of the last synthesis that wrote it (findings of later rounds are new to it). */
  writtenAfterRound = 0;

  get current(): string {
    return this.text;
  }

  update(round: number, text: string | undefined): void {
    const t = (text ?? '').trim();
    if (!t) return; // a synthesis that wrote none keeps the old one, and the digest stays whole
    this.text = t.length > SCRATCHPAD_CHARS ? `${t.slice(0, SCRATCHPAD_CHARS)}...` : t;
    this.writtenAfterRound = round;
  }
}
