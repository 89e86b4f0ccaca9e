export interface Config {
  permission?: {
    /**
     * Who holds each Local-Plus role: user or group entity references,
     * e.g. `developer: [group:default/product-team]`.
     */
    roleBindings?: {
      'platform-admin'?: string[];
      developer?: string[];
      'on-call'?: string[];
      'compliance-reviewer'?: string[];
    };
  };
}
