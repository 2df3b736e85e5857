// Secret-looking files are excluded before anything opens them: the walk drops them by name,
// so their bytes never reach a chunk, a cache or a model. The list errs on the side of caution.
import { Minimatch } from 'minimatch';

const SECRET_GLOBS = [
  '.env', '.env.*', '*.env',
  '*.pem', '*.key', '*.p12', '*.pfx', '*.jks', '*.keystore', '*.kdbx', '*.asc', '*.gpg', '*.ppk',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*',
  'credentials', 'credentials.*', '*credentials*.json', 'client_secret*.json', 'service-account*.json',
  '.netrc', '_netrc', '.npmrc', '.pypirc', '.pgpass', '.htpasswd', '.git-credentials', '.dockercfg',
  'secrets.*', '*.secret', '*.secrets', 'terraform.tfstate*', '*.tfvars',
];

// One regular expression for all the globs (minimatch's own translation of each, joined): the walk
// tests every file's name, and 38 separate matchers were a fifth of a warm reopen's walk.
const SECRET_NAME = new RegExp(
  SECRET_GLOBS.map((g) => {
    const re = new Minimatch(g, { dot: true, nocase: true }).makeRe();
    if (!re) throw new Error(`bad secret glob ${g}`);
    return `(?:${re.source})`;
  }).join('|'),
  'i',
);

/** True when a file's name looks like it holds a secret. Only the base name is checked. */
export function isSecretFileName(path: string): boolean {
  return SECRET_NAME.test(path.slice(path.lastIndexOf('/') + 1));
}
