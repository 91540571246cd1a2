// What frames a report without being part of it: its title (XX社区第48周工作进度专报), the salutation (各位领导：),
// the lead-in (现将本周工作汇报如下：) and the sign-off (特此报告 / 新河街道 / 2026年11月27日); and what is not a report
// at all (汇报一下, 汇报 看看, 汇报 ok): filler words with nothing to file.

const SALUTATION = /^(?:各位领导|尊敬的|领导|各位|.{1,6}(?:主任|书记|组长|局长|区长|指挥长|领导|同志|办公室))[^,，。;；]{0,10}[:：!！,，]?$/;
const LEAD_IN = /(?:汇报如下|报告如下|情况如下|如下)[:：]?$|(?:情况|汇报|报告)[:：]$/;
const TITLE_END = /(?:进度|专报|周报|月报|季报|简报|报告|汇报|总结|工作情况|进展情况|进度情况|情况报告)$/;
const TITLE_HINT = /第.{1,4}[周期]|\d{4}年|\d{1,2}月|本周|本月|上周|周|季度|社区|街道|街|镇|局|委|办|组|中心|关于|专项|治理|工作/;
const EN_FRAME = /^(?:(?:hi|hello|dear|good (?:morning|afternoon|evening))\b.{0,40}|.{0,40}\b(?:weekly|monthly|quarterly) (?:report|update)\b.{0,30}|(?:here is|here's|please find)\b.{0,60}(?:update|report)\b.{0,20})[:,.!]?$/i;
const CLOSING = /^(?:特此报告|特此汇报|以上|此致|敬礼|妥否，?请批示|请审阅|请领导审阅|汇报人|报告人|填报人|联系人|审核人|签发人|谢谢|感谢|thanks|thank you|regards|best regards|best)[^\n]{0,30}$/i;
const DATE_LINE = /^[(（]?\s*(?:\d{4}|[二〇零一三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*[)）]?$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/;
const STAMP = /^[(（]?\s*(?:盖章|公章|签字|签名)\s*[)）]?$/;

/** A title, salutation or lead-in line in front of the first piece of content. */
export function isOpeningLine(line: string): boolean {
  const s = line.trim().replace(/[*#]/g, '');
  if (!s || s.length > 40) return false;
  if (SALUTATION.test(s) || LEAD_IN.test(s) || EN_FRAME.test(s)) return true;
  const bare = s.replace(/[:：。.!！]+$/, '');
  return TITLE_END.test(bare) && TITLE_HINT.test(bare) && !/[,，;；]/.test(bare);
}

/** A sign-off line: 特此报告, 以上, a date alone, (盖章), Regards. */
export function isClosingLine(line: string): boolean {
  const s = line.trim();
  return s.length > 0 && s.length <= 40 && (CLOSING.test(s) || DATE_LINE.test(s) || STAMP.test(s));
}

/** A unit's name alone on a line after the sign-off (新河街道办事处, 区住建委): short, no punctuation, no digits. */
export function isSignatureLine(line: string): boolean {
  const s = line.trim();
  return s.length > 0 && s.length <= 24 && !/[\d,，。;；:：!！?？=]/.test(s);
}

const FILLER = /一下|看看|试试|试一下|测试|看一看|瞧瞧|好的|收到|你好|您好|在吗|谢谢|哈+|嗯+|哦+|啊|吧|呢|吗|了|好|的|okay|ok|hello|hi|hey|test(?:ing)?|thanks|yes|no|asdf|qwer|xxx|\.\.\.|emm+|lol/gi;

/** Text with something to file: not only filler words, punctuation and emoji (汇报一下, 汇报 看看, 汇报 ok). Under a
 * heading the unit said what the text is, so two characters do (进展：完成A); without one a few more are needed. */
export function isSubstantive(text: string, underHeading = false): boolean {
  const rest = text.replace(FILLER, '').replace(/[^\p{L}\p{N}]/gu, '');
  const han = (rest.match(/\p{Script=Han}/gu) ?? []).length;
  const latin = (rest.match(/[A-Za-z]/g) ?? []).length;
  const digits = (rest.match(/\p{N}/gu) ?? []).length;
  if (underHeading) return han + latin >= 2 || digits > 0;
  return han >= 3 || latin >= 6 || (digits > 0 && han + latin >= 2);
}
