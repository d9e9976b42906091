export { workflowDefinitionSchema, stepSchema, triggerSchema, retrySchema } from './schema.js';
export type { RetryPolicy, StepDefinition, TriggerDefinition, WorkflowDefinition, WorkflowDefinitionInput } from './schema.js';
export { compileDefinition, renderTemplate, formatPath } from './validate.js';
export type { CompiledStep, CompiledWorkflow, DefinitionCompilers, InputTemplate } from './validate.js';
