import { flushRecordedResponses } from './response-record';

// After each test file of the HTTP tiers: its answers go to the contract tier's record, if one is kept.
afterAll(() => flushRecordedResponses(process.env.CONTRACT_LOG));
