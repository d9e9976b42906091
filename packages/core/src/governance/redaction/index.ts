export { createRedactor, redactionModeSchema, redactorOptionsSchema } from './redactor.js';
export type { RedactionFinding, RedactionMode, RedactionResult, Redactor, RedactorOptions } from './redactor.js';
export { detectorIds } from './detectors.js';
export type { DetectorId } from './detectors.js';
