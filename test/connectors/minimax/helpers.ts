import type { CountryCode } from '../../../src/core/model.js';

export const asCountry = (code: string): CountryCode => code as CountryCode;
