/** " 2 other sessions were logged out." after a factor or password change (empty when none were). */
export function endedText(n: number): string {
  if (!n) return '';
  return ` ${n} other ${n === 1 ? 'session was' : 'sessions were'} logged out.`;
}
