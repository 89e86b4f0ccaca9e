/**
 * Where the home page sends people. Pages of other plugins, by path: the
 * app mounts them there (app-config.yaml may move the catalog, not these).
 */
const complianceDocs = '/docs/default/component/docs/compliance';

export const LINKS = {
  /**
   * The golden path: the template list, where each language's template
   * (templates/golden-path/svc-*.yaml) is one card.
   */
  createService: '/create',
  /** Every firing alert and who is on call (runbooks plugin). */
  onCall: '/on-call',
  /** Tables, topics and their owners, for compliance reviewers. */
  dataOwnership: '/data-ownership',
  policyReports: '/compliance',
  /** TechDocs of the `docs` component: docs/compliance/ (mkdocs.yml). */
  compliance: {
    index: `${complianceDocs}/`,
    gdprRetention: `${complianceDocs}/gdpr/data-retention-policy/`,
    gdprErasure: `${complianceDocs}/gdpr/right-to-erasure/`,
    pciCardholderData: `${complianceDocs}/pci-dss/cardholder-data-flow/`,
    soc2AccessControl: `${complianceDocs}/soc2/access-control-policy/`,
    kyvernoPolicies: `${complianceDocs}/kyverno-policies/`,
  },
};
