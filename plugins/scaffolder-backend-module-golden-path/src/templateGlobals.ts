import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

const CONFIG_KEY = 'scaffolder.goldenPath.containerRegistry';

// host[:port][/path], as an image reference starts: no scheme, no tag.
const REGISTRY =
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * The container registry generated services push to and deploy from
 * (`<registry>/localplus/<service>` in the CI workflow and the overlays),
 * read from config once at start-up. A malformed value stops the backend
 * with the key named; a missing one fails only the templates that use it.
 */
export function readContainerRegistry(config: Config): string | undefined {
  const value = config.getOptionalString(CONFIG_KEY);
  if (value === undefined) return undefined;
  if (!REGISTRY.test(value)) {
    throw new Error(
      `${CONFIG_KEY} must be a registry host with an optional port and path, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com; got "${value}"`,
    );
  }
  return value;
}

/**
 * The template globals of the golden path:
 * - `todayUtc()`: today (YYYY-MM-DD, UTC), the generated runbooks'
 *   last_reviewed, from which the portal tells when they go stale;
 * - `containerRegistry()`: the configured registry.
 */
export function goldenPathTemplateGlobals(options: {
  containerRegistry: string | undefined;
  now?: () => Date;
}) {
  const now = options.now ?? (() => new Date());
  return {
    todayUtc: () => now().toISOString().slice(0, 10),
    containerRegistry: () => {
      if (!options.containerRegistry) {
        throw new InputError(
          `${CONFIG_KEY} is not set: the portal does not know which registry generated services use`,
        );
      }
      return options.containerRegistry;
    },
  };
}
