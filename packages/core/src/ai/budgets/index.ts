export { budgetsOptionsSchema, createBudgets, estimatePromptTokens } from './budgets.js';
export type { ActualUsage, BudgetHold, Budgets, BudgetsOptions, DeferredConsume } from './budgets.js';
