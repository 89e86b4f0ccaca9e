export interface Config {
  localPlus?: {
    errors?: {
      /**
       * Whether error answers of the Local-Plus plugins may carry internal
       * detail (addresses, driver messages) beside their message. True in
       * development (app-config.yaml), false in production, where the
       * detail goes to the log only, under the request id the answer shows.
       * Unset: false.
       */
      exposeDetails?: boolean;
    };
  };
}
