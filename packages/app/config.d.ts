export interface Config {
  localPlus?: {
    signIn?: {
      /**
       * Sign-in buttons to show: `guest` (development) and/or `github`.
       * @visibility frontend
       */
      providers?: string[];
      /**
       * Development only: sign in as the guest at once, without the sign-in
       * page (the guest provider of the auth backend, read through its
       * refresh endpoint). Production has no guest provider.
       * @visibility frontend
       */
      autoGuest?: boolean;
    };
  };
}
