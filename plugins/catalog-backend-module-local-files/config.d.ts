export interface Config {
  localPlus?: {
    catalog?: {
      /**
       * Lets `file` locations be registered through the catalog API (the
       * golden-path template registers repositories written by
       * `publish:local` this way). Development and tests only: a file
       * location makes the catalog read a path on the backend host.
       */
      allowFileLocations?: boolean;
    };
  };
}
