// Reports over priced sessions. See docs/pipeline.md.
export {
  AdministrationNotFoundError,
  csvField,
  isTimeZone,
  localMidnight,
  type MarginFigures,
  type MarginGroup,
  type MarginPeriod,
  type MarginQuery,
  type MarginReport,
  MarginReports,
  type MarginReportsDeps,
  type MarginRow,
  marginsCsv,
  periodOf,
  ReportQueryError,
  timeZoneOfCountry,
} from "./margins.ts";
