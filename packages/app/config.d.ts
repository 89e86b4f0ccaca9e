export interface Config {
  localPlus?: {
    signIn?: {
      /**
       * Sign-in buttons to show: `guest` (development) and/or `github`.
       * @visibility frontend
       */
      providers?: string[];
    };
  };
}
