import type { MessageKey } from "$lib/i18n/index.svelte";

/**
 * The greeting for an hour of the ISP's day (0–23), as Indonesians greet: pagi until 11,
 * siang until 15, sore until 19, then malam through the night until 4 in the morning
 * (a cashier closing up at one o'clock is wished a good night, not a good morning).
 */
export function greetingKey(hour: number): MessageKey {
  if (hour >= 4 && hour < 11) return "dashboard.greeting_morning";
  if (hour >= 11 && hour < 15) return "dashboard.greeting_day";
  if (hour >= 15 && hour < 19) return "dashboard.greeting_afternoon";
  return "dashboard.greeting_evening";
}
