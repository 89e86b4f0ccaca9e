/** On a generated component: the template it was generated from. */
export const TEMPLATE_ANNOTATION = 'local-plus.io/template';
/** On a generated component: the template release it is at. */
export const TEMPLATE_VERSION_ANNOTATION = 'local-plus.io/template-version';
/** In a generated repository: the template, release and values it was rendered with. */
export const RECORD_FILE = '.golden-path.json';
