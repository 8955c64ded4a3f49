export { calendarDateIn, isTimeZone } from "./calendar-date.ts";
