export interface Config {
  scaffolder?: {
    localPublish?: {
      /**
       * Folder where `publish:local` writes generated repositories, absolute
       * or relative to the backend's working directory.
       */
      targetDirectory?: string;
      /**
       * Whether templates publish locally (`publish:local:settings` outputs
       * it) and whether the actions `publish:local` and
       * `catalog:register:local` exist at all: they are registered only when
       * this is true and targetDirectory is set. Defaults to true when
       * targetDirectory is set; production sets false so templates publish
       * to GitHub and the local actions are not offered.
       */
      enabled?: boolean;
    };
    goldenPath?: {
      /**
       * Registry host (optional port and path, no scheme) that generated
       * services push their images to and deploy from, e.g. the shared
       * services account's ECR: 123456789012.dkr.ecr.eu-west-1.amazonaws.com.
       */
      containerRegistry?: string;
    };
  };
}
