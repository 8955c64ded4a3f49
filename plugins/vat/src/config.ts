// The plugin's configuration (validated by the host before anything starts).
import { z } from "zod";

export const vatConfigSchema = z
  .strictObject({
    /**
     * Countries that reverse-charge a B2B charging supply by a supplier not established there to a customer
     * identified for VAT there. Default: the 27 EU member states (Art. 195 Directive 2006/112/EC).
     */
    reverseChargeCountries: z
      .array(z.string().regex(/^[A-Za-z]{2}$/, { message: "expected a two-letter country code" }))
      .optional(),
    /** A dataset file to use instead of the bundled one (absolute, or relative to the process's working directory). */
    dataset: z.string().min(1).optional(),
  })
  .prefault({});

export type VatConfig = z.output<typeof vatConfigSchema>;
