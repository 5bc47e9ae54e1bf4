import { type PartsPerMillion, percent } from './money.js';

/** Sales tax or VAT of one country: a default, and rates for regions that differ from it. */
interface CountryTax {
  readonly defaultRate: PartsPerMillion;
  readonly regions?: Readonly<Record<string, PartsPerMillion>>;
}

/**
 * Rates by ISO country code and region code. A simplification for the demo: one rate per region, no city or
 * product-category taxes. US states without a sales tax of their own fall back to the US default of 0.
 */
export const TAX_RATES: Readonly<Record<string, CountryTax>> = {
  US: {
    defaultRate: 0,
    regions: { CA: percent(7.25), NY: percent(4), TX: percent(6.25), WA: percent(6.5), FL: percent(6) },
  },
  CA: { defaultRate: percent(5), regions: { ON: percent(13), NS: percent(15), QC: percent(14.975) } },
  DE: { defaultRate: percent(19) },
  FR: { defaultRate: percent(20) },
  GB: { defaultRate: percent(20) },
  NL: { defaultRate: percent(21) },
  IE: { defaultRate: percent(23) },
};

export interface TaxLocation {
  readonly country: string;
  readonly region: string;
}

/** The region's rate, else the country's default, else 0 (a country we do not collect tax in). */
export function taxRateFor(location: TaxLocation): PartsPerMillion {
  const country = TAX_RATES[location.country.trim().toUpperCase()];
  if (!country) return 0;
  return country.regions?.[location.region.trim().toUpperCase()] ?? country.defaultRate;
}
