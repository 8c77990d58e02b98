import { runErpPortConformance } from './conformance.js';
import { minimaxConformanceSetup } from './minimax-setup.js';

runErpPortConformance('Minimax over HTTP', () => minimaxConformanceSetup());
