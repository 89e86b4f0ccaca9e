export interface Config {
  /** Template upgrades (plugins/template-upgrades-backend). Checked at start-up. */
  templateUpgrades?: {
    /** The golden path: one folder, every svc-<language> template in it, one changelog. */
    goldenPath: {
      /** The template folder (CHANGELOG.md, form/steps.yaml, the skeletons), relative to the backend's working directory. */
      directory: string;
      /** The templates of the folder, as generated services name them (local-plus.io/template). */
      templates: string[];
      /** A git repository holding older releases at the commits the changelog names (development: the portal's checkout). */
      history?: string;
      /** The template folder's path inside that repository (templates/golden-path). */
      historyPath?: string;
      /** Production: the portal's GitHub repository (owner/repo) holding older releases, read through the GitHub integration. */
      historyGithub?: string;
    };
    /** Upgrades of services whose repository is on GitHub (github.com/project-slug), as pull requests; the credentials are integrations.github's. */
    github?: {
      /** The GitHub host of the integration (github.com). */
      host?: string;
    };
    /** Folders where services' repositories may be read and branched on this host (publish:local's target). */
    localRepositories?: string[];
  };
}
