// Which files are supporting material rather than the code in question: on equal evidence
// ranking puts them after the code itself.

/** Tests, fixtures, docs and changelogs: supporting files rather than the code in question. */
const SECONDARY_PATH =
  /(?:^|\/)(?:tests?|testing|__tests__|spec|specs|docs?|changelog|examples?)\/|(?:^|\/)(?:test_[^/]*|[^/]*_test\.[a-z]+|[^/]*\.(?:test|spec)\.[a-z]+|conftest\.py)$|\.(?:md|rst|txt|adoc)$/i;

/** The score multiplier for chunks of a secondary file. */
export const SECONDARY_FILE_PRIOR = 0.5;

export function isSecondaryPath(path: string): boolean {
  return SECONDARY_PATH.test(path);
}
