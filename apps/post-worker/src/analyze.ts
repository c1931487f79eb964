/** What the worker writes back onto a post. */
export interface Analysis {
  readonly wordCount: number;
  readonly summary: string;
}

export interface PostText {
  readonly title: string;
  readonly content: string;
}

/** Letters/digits, with inner apostrophes or hyphens ("don't", "e-mail") kept in one word. */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export const SUMMARY_MAX_WORDS = 25;
export const SUMMARY_MAX_CHARS = 200;

export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/**
 * The content's first sentence, cut to SUMMARY_MAX_WORDS words and SUMMARY_MAX_CHARS characters
 * (an ellipsis marks a cut); the title when the content has no words.
 */
export function summarize(post: PostText): string {
  const text = post.content.replace(/\s+/g, " ").trim();
  if (countWords(text) === 0) return post.title.trim();
  const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  const words = sentence.split(" ");
  let summary = words.slice(0, SUMMARY_MAX_WORDS).join(" ");
  let cut = words.length > SUMMARY_MAX_WORDS || sentence.length < text.length;
  if (summary.length > SUMMARY_MAX_CHARS - 1) {
    summary = summary.slice(0, SUMMARY_MAX_CHARS - 1).replace(/\s+\S*$/, "");
    cut = true;
  }
  // A cut first sentence reads as cut; a complete one keeps its own full stop.
  return cut && !/[.!?]$/.test(summary) ? `${summary}…` : summary;
}

export function analyze(post: PostText): Analysis {
  return { wordCount: countWords(post.content), summary: summarize(post) };
}
