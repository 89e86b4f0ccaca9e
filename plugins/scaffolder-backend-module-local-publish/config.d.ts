export interface Config {
  scaffolder?: {
    localPublish?: {
      /**
       * Folder where `publish:local` writes generated repositories, absolute
       * or relative to the backend's working directory.
       */
      targetDirectory?: string;
    };
  };
}
