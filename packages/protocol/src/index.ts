export * from './anvil.js';
export * from './clients.js';
export * from './deploy.js';
export * from './eip712.js';
export * from './errors.js';
export * from './feeSplit.js';
export * from './generated/contracts.js';
export * from './merkle.js';
