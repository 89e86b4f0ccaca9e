import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../../config';

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * What the pool connects with: DATABASE_URL as it is, or the URL in
 * DATABASE_URL_FILE, read again for each new connection.
 *
 * Why a file: in Kubernetes, External Secrets writes a fresh Vault user into
 * the Secret every 30 minutes, and each user expires after an hour. The
 * kubelet updates the mounted file; an environment variable would keep the
 * user the pod started with, and the pod would lose the database.
 */
export function databaseConnection(
  config: Pick<Config, 'DATABASE_URL' | 'DATABASE_URL_FILE'>,
  onUnreadable: (error: Error) => void,
): string | (() => string) {
  if (config.DATABASE_URL_FILE) return databaseUrlFromFile(config.DATABASE_URL_FILE, onUnreadable);
  if (config.DATABASE_URL) return config.DATABASE_URL;
  throw new ConfigError('Invalid configuration: DATABASE_URL or DATABASE_URL_FILE is required');
}

/**
 * The URL in `file`, read on every call. The first read must succeed (a
 * clear error at start-up). Later, a file that cannot be read or does not
 * hold a URL (caught mid-update) keeps the last good URL, and is reported.
 */
export function databaseUrlFromFile(file: string, onUnreadable: (error: Error) => void): () => string {
  let last = readUrl(file);
  return () => {
    try {
      last = readUrl(file);
    } catch (error) {
      onUnreadable(error as Error);
    }
    return last;
  };
}

function readUrl(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`DATABASE_URL_FILE ${file} cannot be read: ${(error as Error).message}`);
  }
  if (!POSTGRES_URL.test(text)) throw new ConfigError(`DATABASE_URL_FILE ${file} does not hold a postgres:// URL`);
  return text;
}
