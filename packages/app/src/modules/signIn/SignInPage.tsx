import {
  SignInPage as CoreSignInPage,
  ProxiedSignInPage,
} from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';

const PROVIDERS = {
  guest: 'guest' as const,
  github: {
    id: 'github-auth-provider',
    title: 'GitHub',
    message: 'Sign in with your Local-Plus GitHub account',
    apiRef: githubAuthApiRef,
  },
};

type ProviderName = keyof typeof PROVIDERS;

/**
 * Shows the sign-in buttons listed in `localPlus.signIn.providers`: guest in
 * development, GitHub in production. Unknown names are ignored with a
 * console warning rather than breaking the sign-in page. With
 * `localPlus.signIn.autoGuest` (development), the guest is signed in at
 * once: a first run opens on the portal, not on a sign-in page.
 */
export function LocalPlusSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  if (config.getOptionalBoolean('localPlus.signIn.autoGuest')) {
    return <ProxiedSignInPage {...props} provider="guest" />;
  }
  return <SignInButtons {...props} />;
}

function SignInButtons(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const names = config.getOptionalStringArray('localPlus.signIn.providers') ?? [
    'guest',
  ];
  const providers = names.flatMap(name => {
    if (name in PROVIDERS) return [PROVIDERS[name as ProviderName]];
    // eslint-disable-next-line no-console
    console.warn(`localPlus.signIn.providers: unknown provider '${name}'`);
    return [];
  });
  return (
    <CoreSignInPage
      {...props}
      title="Local-Plus Developer Portal"
      align="center"
      providers={providers.length > 0 ? providers : ['guest']}
    />
  );
}
