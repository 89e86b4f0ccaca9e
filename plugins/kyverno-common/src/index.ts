/**
 * Shared by the Kyverno plugin's frontend and backend: permissions, the
 * report model (both report APIs normalised to one result shape), what the
 * backend answers, and the control catalogue that ties policies to PCI-DSS,
 * SOC2 and GDPR controls.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './results';
export * from './api';
export * from './controls';
