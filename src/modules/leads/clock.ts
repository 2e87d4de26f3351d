/** The calendar date of `at` in `timeZone`, YYYY-MM-DD (en-CA formats dates that way). */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
