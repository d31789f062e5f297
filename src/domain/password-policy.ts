/**
 * Password rules for staff accounts: long enough, not one of the passwords every attacker tries
 * first (common lists and their Chinese favourites), not the username.
 */
export const MIN_PASSWORD_LENGTH = 10;

const COMMON = new Set([
  '1234567890', '12345678910', '0123456789', '1111111111', '0000000000', '8888888888', '6666666666',
  '1q2w3e4r5t', 'qwertyuiop', 'password12', 'password123', 'password1!', 'administrator', 'admin12345',
  'admin123456', 'abc1234567', 'a123456789', 'aa12345678', 'woaini1314', 'woaini520', '5201314520',
  '1314520520', 'iloveyou12', 'qazwsxedc', '1qaz2wsx3edc', 'zxcvbnm123', 'asdfghjkl', '123qweasd',
  'qwe1234567', 'p@ssw0rd12', 'p@ssword123', 'changeme12', 'welcome123', 'banjiantong-2026',
]);

/** Null when acceptable, else the reason in Chinese. */
export function passwordProblem(password: string, username: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 个字符`;
  if (password.length > 200) return '密码过长';
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password) || /^(0123456789|1234567890)+$/.test(password)) {
    return '密码过于常见，请换一个不易猜到的密码';
  }
  if (username && lower.includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}
