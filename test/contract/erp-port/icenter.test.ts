import { runErpPortConformance } from './conformance.js';
import { icenterConformanceSetup } from './icenter-setup.js';

runErpPortConformance('iCenter over HTTP', () => icenterConformanceSetup(false));
runErpPortConformance('iCenter over HTTPS with the emulator CA', () => icenterConformanceSetup(true));
