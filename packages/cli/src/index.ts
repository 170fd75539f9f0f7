export { loadDemo } from './demo.js';
export { type DevNetwork, startDevNetwork } from './devNetwork.js';
export { createUi } from './ui.js';
