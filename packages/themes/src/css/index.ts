export { toCssVariableObject, toCssVariables, type CssVariableObject, type CssVariablesOptions } from './variables.js';
