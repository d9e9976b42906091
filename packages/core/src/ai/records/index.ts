export { createCallRecords, MICRO_USD, toMicroUsd } from './records.js';
export type { ArmResult, CallRecordInput, CallRecords, CallStatus, ModelUsage, UsageRange } from './records.js';
